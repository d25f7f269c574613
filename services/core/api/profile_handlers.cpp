#include <spdlog/spdlog.h>

#include "domain/accounts.hpp"
#include "domain/profiles.hpp"
#include "domain/sessions.hpp"
#include "domain/waitlist.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// A user's own account: UpdateProfile, ChangePassword, DeleteAccount; and an admin's
// SetAccountActive.

namespace barbershop::core::api {

grpc::ServerUnaryReactor* UserServiceImpl::UpdateProfile(grpc::CallbackServerContext* call,
                                                         const UpdateProfileRequest* request, UserProfile* response) {
  return calls_.Run(call, "UpdateProfile", Access::kToken, {}, [request, response](Call& c) {
    domain::ProfileChange change;
    if (request->has_username()) change.username = request->username();
    if (request->has_email()) change.email = request->email();
    if (request->has_phone()) change.phone = request->phone();
    auto user = domain::UpdateProfile(c.work.accounts(), *c.caller, request->user_id(), std::move(change));
    if (!user) return ToGrpcStatus(user.error());
    FillProfile(c.work, *user, response);
    spdlog::info("user {} changed the profile of {}", c.caller->user_id, user->id);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::SetAccountActive(grpc::CallbackServerContext* call,
                                                            const SetAccountActiveRequest* request,
                                                            AccountResponse* response) {
  return calls_.Run(call, "SetAccountActive", Access::kToken, {}, [this, request, response](Call& c) {
    const bool active = request->active();
    const auto ending = domain::EndingFor(domain::SessionEnd::kDeactivated, ctx_.shop_time, ctx_.clock.Now());
    if (auto ok = domain::SetAccountActive(c.work.accounts(), *c.caller, request->user_id(), active, ending); !ok) {
      return ToGrpcStatus(ok.error());
    }
    response->set_success(true);
    response->set_message("Account " + request->user_id() + (active ? " reactivated." : " deactivated."));
    spdlog::info("admin {} {} account {}", c.caller->user_id, active ? "reactivated" : "deactivated",
                 request->user_id());
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::PasswordCall(
    grpc::CallbackServerContext* call, const char* method, const std::string& password,
    const std::function<common::Status(const domain::User&)>& allowed, const WithUser& then) {
  const std::string address = ClientAddress(call, ctx_.proxies);
  return calls_.Run(call, method, Access::kToken, {}, [this, address, &password, allowed, then](Call& c) -> Outcome {
    const auto account = CallerAccount(c);
    if (!account) return ToGrpcStatus(account.error());
    const domain::User& user = *account;
    if (auto ok = allowed(user); !ok) return ToGrpcStatus(ok.error());
    const std::vector<std::pair<std::string, domain::AttemptLimit>> keys{
        {domain::LoginEmailKey(user.email), ctx_.limits.login_failures_per_email},
        {domain::LoginAddressKey(address), ctx_.limits.login_failures_per_address}};
    auto refused = c.work.attempts().RefusedFor(keys);
    if (!refused) return ToGrpcStatus(refused.error());
    if (refused->count() > 0) {
      throttled_logins_.Inc();
      return ToGrpcStatus(domain::TooManyAttempts("failed logins", *refused));
    }
    calls_.OnHashing(
        c.started,
        [this, started = c.started, keys, &password, then, user, session_id = c.caller->session_id]() -> Outcome {
          if (auto ok = domain::CheckCurrentPassword(ctx_.hasher, user, password); !ok) {
            CountFailure(started, keys, ok.error());
            return std::nullopt;
          }
          return then(started, user, session_id);
        });
    return std::nullopt;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::ChangePassword(grpc::CallbackServerContext* call,
                                                          const ChangePasswordRequest* request,
                                                          AccountResponse* response) {
  const auto allowed = [request](const domain::User&) {
    return domain::CheckNewPassword(request->current_password(), request->new_password());
  };
  // On the hashing thread, once the current password checked out: the new one is hashed
  // with the same parameters, then stored unless the password changed meanwhile, and
  // every other session of the user ends.
  const auto change = [this, request, response](const Started& started, const domain::User& user,
                                                const std::string& session_id) -> Outcome {
    auto hash = ctx_.hasher.Hash(request->new_password());
    if (!hash) return ToGrpcStatus(hash.error());
    calls_.OnDatabase(
        started, std::nullopt,
        [this, response, id = user.id, old_hash = user.password_hash, hash = std::move(*hash), session_id](Call& c) {
          const auto ending = domain::EndingFor(domain::SessionEnd::kPasswordChanged, ctx_.shop_time, ctx_.clock.Now());
          auto replaced = c.work.accounts().ReplacePasswordHash(id, old_hash, hash, session_id, ending);
          if (!replaced) return ToGrpcStatus(replaced.error());
          if (!*replaced) {
            return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the password was changed meanwhile; try again");
          }
          response->set_success(true);
          response->set_message(
              "Password changed; you are logged out everywhere else. Log in with the new one from now "
              "on.");
          spdlog::info("user {} changed their password", id);
          return grpc::Status::OK;
        });
    return std::nullopt;
  };
  return PasswordCall(call, "ChangePassword", request->current_password(), allowed, change);
}

grpc::ServerUnaryReactor* UserServiceImpl::DeleteAccount(grpc::CallbackServerContext* call,
                                                         const DeleteAccountRequest* request,
                                                         AccountResponse* response) {
  const auto remove = [this, response](const Started& started, const domain::User& user,
                                       const std::string& session_id) -> Outcome {
    const domain::Caller caller{user.id, user.role, session_id};
    calls_.OnDatabase(started, caller, [this, response](Call& c) {
      auto canceled = domain::DeleteCustomerAccount(c.work.accounts(), c.work.appointments(), *c.caller, ctx_.shop_time,
                                                    ctx_.clock.Now());
      if (!canceled) return ToGrpcStatus(canceled.error());
      // The times they had go to whoever waits for them.
      for (const auto& appointment : *canceled) OfferFreed(c.work, appointment.barber_id, domain::FreedBy(appointment));
      response->set_success(true);
      response->set_message("Account deleted; " + std::to_string(canceled->size()) +
                            " upcoming appointment(s) canceled. Goodbye.");
      spdlog::info("user {} deleted their account", c.caller->user_id);
      return grpc::Status::OK;
    });
    return std::nullopt;
  };
  return PasswordCall(call, "DeleteAccount", request->current_password(), domain::MayDeleteAccount, remove);
}

}  // namespace barbershop::core::api
