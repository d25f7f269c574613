#include "chairs.hpp"

#include <algorithm>

#include "events.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

common::Result<Barber> ChairFor(BarberRepository& barbers, const Caller& caller, const std::string& barber_name) {
  if (barber_name.empty()) {
    if (caller.role != Role::kBarber) {
      return MakeError(ErrorCode::kInvalidArgument, "barber_name is required unless you are a barber");
    }
    auto own = barbers.FindBarberById(caller.user_id);
    if (!own) return own.error();
    if (!own->has_value()) return MakeError(ErrorCode::kNotFound, "you have no chair in this shop");
    return std::move(**own);
  }
  if (auto ok = ValidateBarberName(barber_name); !ok) return ok.error();
  auto found = barbers.FindBarberByName(barber_name);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no barber named '" + barber_name + "'");
  const std::string& name = (*found)->name;
  if ((*found)->id != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "only " + name + " or an admin can manage " + name + "'s chair");
  }
  return std::move(**found);
}

common::Status ValidateChair(const std::string& name, const std::vector<WorkingHours>& hours) {
  if (!IsDisplayName(name)) {
    return MakeError(ErrorCode::kInvalidArgument, "a barber's name must be 1 to 64 printable characters");
  }
  if (hours.size() > 28) return MakeError(ErrorCode::kInvalidArgument, "at most 28 stretches of working hours a week");
  std::vector<WorkingHours> sorted = hours;
  std::sort(sorted.begin(), sorted.end(), [](const WorkingHours& a, const WorkingHours& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.opens_minute < b.opens_minute;
  });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const auto& h = sorted[i];
    if (h.weekday < 1 || h.weekday > 7 || h.opens_minute < 0 || h.closes_minute > 24 * 60 ||
        h.opens_minute >= h.closes_minute) {
      return MakeError(ErrorCode::kInvalidArgument, "working hours must be within a day and open before they close");
    }
    if (i > 0 && sorted[i - 1].weekday == h.weekday && sorted[i - 1].closes_minute > h.opens_minute) {
      return MakeError(ErrorCode::kInvalidArgument, "working hours overlap on weekday " + std::to_string(h.weekday));
    }
  }
  return common::Ok{};
}

common::Status ValidateRules(const RuleChoices& rules) {
  const auto check = [](const std::optional<int>& value, const char* rule, int least, int most,
                        int step) -> common::Status {
    if (!value || (*value >= least && *value <= most && *value % step == 0)) return common::Ok{};
    return MakeError(ErrorCode::kInvalidArgument, std::string(rule) + " must be " + std::to_string(least) + " to " +
                                                      std::to_string(most) +
                                                      (step > 1 ? ", a multiple of " + std::to_string(step) : ""));
  };
  for (const auto& ok :
       {check(rules.buffer_minutes, "buffer_minutes", 0, kLongestBuffer.count(), 5),
        check(rules.min_notice_minutes, "min_notice_minutes", 0, 30 * 24 * 60, 1),
        check(rules.horizon_days, "horizon_days", 1, 730, 1), check(rules.grid_minutes, "grid_minutes", 5, 240, 5),
        check(rules.cancel_notice_minutes, "cancel_notice_minutes", 0, 7 * 24 * 60, 1)}) {
    if (!ok) return ok;
  }
  return common::Ok{};
}

common::Result<Barber> SaveChair(AccountRepository& accounts, BarberRepository& barbers, const Caller& caller,
                                 const std::string& user_id, const std::string& name,
                                 const std::vector<WorkingHours>& hours, bool auto_confirm,
                                 const std::optional<RuleChoices>& rules, const common::ShopTime& shop_time,
                                 TimePoint now) {
  const std::string& target = user_id.empty() ? caller.user_id : user_id;
  if (auto ok = ValidateId(target, "user_id"); !ok) return ok.error();
  if (caller.role != Role::kAdmin && !(caller.role == Role::kBarber && target == caller.user_id)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "only an admin makes someone a barber; a barber changes their own chair");
  }
  if (auto ok = ValidateChair(name, hours); !ok) return ok.error();
  if (rules) {
    if (auto ok = ValidateRules(*rules); !ok) return ok.error();
  }
  auto user = accounts.FindUserById(target);
  if (!user) return user.error();
  if (!user->has_value()) return MakeError(ErrorCode::kNotFound, "no user with id " + target);
  if ((*user)->role == Role::kAdmin) {
    return MakeError(ErrorCode::kFailedPrecondition, "an admin account cannot also be a barber");
  }
  const auto event = MakeScheduleChangedEvent({ScheduleChange::kHoursChanged, target, name}, shop_time, now);
  if (auto ok = barbers.SaveBarber(target, name, auto_confirm, hours, rules, event); !ok) return ok.error();
  auto saved = barbers.FindBarberById(target);
  if (!saved) return saved.error();
  if (!saved->has_value()) return MakeError(ErrorCode::kInternal, "internal error");
  return std::move(**saved);
}

}  // namespace barbershop::core::domain
