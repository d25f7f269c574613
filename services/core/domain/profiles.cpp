#include "profiles.hpp"

#include "bookings.hpp"
#include "events.hpp"
#include "sessions.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;
using common::Ok;

namespace {

// The change with its fields checked and normalized as sign-up does.
common::Result<ProfileChange> Checked(ProfileChange change) {
  if (!change.username && !change.email && !change.phone) {
    return MakeError(ErrorCode::kInvalidArgument, "nothing to change: give a username, an e-mail or a phone");
  }
  if (change.username) {
    if (auto ok = ValidateUsername(*change.username); !ok) return ok.error();
  }
  if (change.email) {
    auto email = NormalizeEmail(*change.email);
    if (!email) return email.error();
    change.email = std::move(*email);
  }
  if (change.phone && !change.phone->empty()) {
    auto phone = NormalizePhone(*change.phone);
    if (!phone) return phone.error();
    change.phone = std::move(*phone);
  }
  return change;
}

// The account `user_id` names for a change by `caller`: their own (empty or theirs), or
// anyone's for an admin.
common::Result<std::string> TargetOf(const Caller& caller, const std::string& user_id, const char* what) {
  if (user_id.empty() || user_id == caller.user_id) return caller.user_id;
  if (auto ok = ValidateId(user_id, "user_id"); !ok) return ok.error();
  if (caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, std::string("only an admin can ") + what + " another account");
  }
  return user_id;
}

common::Error NoAccount(const std::string& user_id) {
  return MakeError(ErrorCode::kNotFound, "no account with id " + user_id);
}

}  // namespace

common::Result<User> UpdateProfile(AccountRepository& accounts, const Caller& caller, const std::string& user_id,
                                   ProfileChange change) {
  auto target = TargetOf(caller, user_id, "change the profile of");
  if (!target) return target.error();
  auto checked = Checked(std::move(change));
  if (!checked) return checked.error();
  auto updated = accounts.UpdateProfile(*target, *checked);
  if (!updated) return updated.error();
  if (!updated->has_value()) return NoAccount(*target);
  return std::move(**updated);
}

common::Status SetAccountActive(AccountRepository& accounts, const Caller& caller, const std::string& user_id,
                                bool active, const SessionEnding& ending) {
  if (caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "only an admin can deactivate or reactivate an account");
  }
  if (auto ok = ValidateId(user_id, "user_id"); !ok) return ok.error();
  if (user_id == caller.user_id) {
    return MakeError(ErrorCode::kFailedPrecondition, "an admin cannot deactivate or reactivate their own account");
  }
  auto found = accounts.SetActive(user_id, active, ending);
  if (!found) return found.error();
  if (!*found) return NoAccount(user_id);
  return Ok{};
}

common::Status CheckNewPassword(const std::string& current_password, const std::string& new_password) {
  if (auto ok = ValidatePassword(new_password); !ok) {
    return MakeError(ErrorCode::kInvalidArgument, "new " + ok.error().message);
  }
  if (new_password == current_password) {
    return MakeError(ErrorCode::kInvalidArgument, "the new password is the current one: choose another");
  }
  return Ok{};
}

common::Status CheckCurrentPassword(const common::PasswordHasher& hasher, const User& user,
                                    const std::string& password) {
  if (password.empty() || password.size() > 128 || !hasher.Verify(password, user.password_hash)) {
    return MakeError(ErrorCode::kPermissionDenied, "the current password is not right");
  }
  return Ok{};
}

common::Status MayDeleteAccount(const User& user) {
  switch (user.role) {
    case Role::kCustomer:
      return Ok{};
    case Role::kBarber:
      return MakeError(ErrorCode::kFailedPrecondition,
                       "a barber's account cannot be deleted here: an admin deactivates it instead");
    case Role::kAdmin:
      break;
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   "an admin's account cannot be deleted here: another admin deactivates it instead");
}

common::Result<std::vector<Appointment>> DeleteCustomerAccount(AccountRepository& accounts,
                                                               AppointmentRepository& appointments,
                                                               const Caller& caller, const common::ShopTime& shop_time,
                                                               TimePoint now) {
  auto listed = appointments.ListForClient(caller.user_id, TimeRange{now, kEndOfTime});
  if (!listed) return listed.error();
  std::vector<AppointmentChange> cancellations;
  for (const auto& before : *listed) {
    if (!IsLive(before.status) || before.starts_at <= now) continue;
    Appointment after = before;
    after.status = AppointmentStatus::kCanceled;
    auto event = MakeOutboxEvent({EventType::kCanceled, after, caller, &before, false, std::nullopt}, shop_time, now);
    cancellations.push_back(AppointmentChange{before, std::move(after), std::move(event)});
  }
  if (auto deleted = accounts.DeleteCustomer(caller.user_id, cancellations, now,
                                             EndingFor(SessionEnd::kAccountDeleted, shop_time, now));
      !deleted)
    return deleted.error();
  std::vector<Appointment> canceled;
  for (auto& c : cancellations) canceled.push_back(std::move(c.before));
  return canceled;
}

}  // namespace barbershop::core::domain
