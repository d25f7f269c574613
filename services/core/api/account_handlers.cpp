#include <spdlog/spdlog.h>

#include "domain/accounts.hpp"
#include "proto_mapping.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// SignUp, Login and GetUserProfile; the steps that check a password again.

namespace barbershop::core::api {

using common::ErrorCode;

grpc::ServerUnaryReactor* UserServiceImpl::SignUp(grpc::CallbackServerContext* call, const SignUpRequest* request,
                                                  SignUpResponse* response) {
  // The address's sign-ups are counted first; then the password is hashed, on a hashing
  // thread, and only the insert takes a connection again.
  const Started started = calls_.Begin(call, "SignUp");
  const std::vector<std::pair<std::string, domain::AttemptLimit>> keys{
      {domain::SignUpAddressKey(ClientAddress(call, ctx_.proxies)), ctx_.limits.signups_per_address}};
  if (!ctx_.limits.signups_per_address.enabled()) {
    HashAndCreateAccount(started, request, response);
    return started.reactor;
  }
  calls_.OnDatabase(started, std::nullopt, [this, started, keys, request, response](Call& c) -> Outcome {
    auto refused = c.work.attempts().Count(keys);
    if (!refused) return ToGrpcStatus(refused.error());
    if (refused->count() > 0) {
      throttled_signups_.Inc();
      return ToGrpcStatus(domain::TooManyAttempts("sign-ups from your address", *refused));
    }
    HashAndCreateAccount(started, request, response);
    return std::nullopt;
  });
  return started.reactor;
}

void UserServiceImpl::HashAndCreateAccount(const Started& started, const SignUpRequest* request,
                                           SignUpResponse* response) {
  calls_.OnHashing(started, [this, started, request, response]() -> Outcome {
    auto account = domain::PrepareAccount(ctx_.hasher, request->username(), request->email(), request->password());
    if (!account) return ToGrpcStatus(account.error());
    calls_.OnDatabase(started, std::nullopt, [account = std::move(*account), response](Call& c) -> Outcome {
      auto user =
          c.work.accounts().CreateUser(account.username, account.email, account.password_hash, domain::Role::kCustomer);
      if (!user) return ToGrpcStatus(user.error());
      response->set_success(true);
      response->set_message("Welcome, " + user->username + "! Log in with " + user->email + ".");
      response->set_user_id(user->id);
      spdlog::info("signed up user {}", user->id);
      return grpc::Status::OK;
    });
    return std::nullopt;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::Login(grpc::CallbackServerContext* call, const LoginRequest* request,
                                                 LoginResponse* response) {
  // The account is looked up on a database worker, the password checked on a hashing thread.
  auto email = domain::LoginEmail(request->email(), request->password());
  if (!email) {
    const Started started = calls_.Begin(call, "Login");
    calls_.Finish(started, ToGrpcStatus(email.error()));
    return started.reactor;
  }
  // Failures are counted per e-mail and per address; past either limit, the login is
  // refused before the account is read or a password hashed.
  const std::vector<std::pair<std::string, domain::AttemptLimit>> keys{
      {domain::LoginEmailKey(*email), ctx_.limits.login_failures_per_email},
      {domain::LoginAddressKey(ClientAddress(call, ctx_.proxies)), ctx_.limits.login_failures_per_address}};
  return calls_.Run(
      call, "Login", false, {}, [this, request, response, keys, email = std::move(*email)](Call& c) -> Outcome {
        auto refused = c.work.attempts().RefusedFor(keys);
        if (!refused) return ToGrpcStatus(refused.error());
        if (refused->count() > 0) {
          throttled_logins_.Inc();
          return ToGrpcStatus(domain::TooManyAttempts("failed logins", *refused));
        }
        auto user = c.work.accounts().FindUserByEmail(email);
        if (!user) return ToGrpcStatus(user.error());
        calls_.OnHashing(
            c.started,
            [this, started = c.started, keys, request, response, user = std::move(*user)]() mutable -> Outcome {
              auto session = domain::CompleteLogin(ctx_.hasher, ctx_.signer, std::move(user), request->password());
              if (!session && session.error().code == ErrorCode::kUnauthenticated) {
                CountFailure(started, keys, session.error());
                return std::nullopt;
              }
              if (!session) return ToGrpcStatus(session.error());
              response->set_token(session->token);
              response->set_message("Logged in as " + session->user.username + ".");
              response->set_user_id(session->user.id);
              response->set_role(domain::RoleName(session->user.role));
              response->set_expires_at(ctx_.shop_time.Format(session->expires_at));
              if (!ctx_.limits.login_failures_per_email.enabled()) return grpc::Status::OK;
              // A login that succeeds clears its e-mail's failures (not its address's: one good
              // account must not reset the count for guessing at others).
              calls_.OnDatabase(started, std::nullopt, [email_key = keys.front().first](Call& forgetting) -> Outcome {
                (void)forgetting.work.attempts().Forget(email_key);  // logged inside when it fails
                return grpc::Status::OK;
              });
              return std::nullopt;
            });
        return std::nullopt;
      });
}

void UserServiceImpl::CountFailure(const Started& started,
                                   const std::vector<std::pair<std::string, domain::AttemptLimit>>& keys,
                                   const common::Error& failure) {
  calls_.OnDatabase(started, std::nullopt, [keys, failure](Call& counting) -> Outcome {
    if (auto counted = counting.work.attempts().Count(keys); !counted) return ToGrpcStatus(counted.error());
    return ToGrpcStatus(failure);
  });
}

void UserServiceImpl::FillProfile(domain::UnitOfWork& work, const domain::User& user, UserProfile* profile) {
  profile->set_username(user.username);
  profile->set_email(user.email);
  profile->set_user_id(user.id);
  profile->set_role(domain::RoleName(user.role));
  profile->set_phone(user.phone);
  if (user.role == domain::Role::kBarber) {
    auto barber = work.barbers().FindBarberById(user.id);
    if (barber && barber->has_value()) profile->set_barber_name((*barber)->name);
  }
}

grpc::ServerUnaryReactor* UserServiceImpl::GetUserProfile(grpc::CallbackServerContext* call,
                                                          const GetUserProfileRequest* request, UserProfile* response) {
  return calls_.Run(call, "GetUserProfile", true, request->token(), [this, response](Call& c) {
    domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
    auto user = c.work.accounts().FindUserById(c.caller->user_id);
    if (!user) return ToGrpcStatus(user.error());
    if (!user->has_value()) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the account no longer exists");
    auto list = bookings.List(*c.caller, c.caller->user_id);
    if (!list) return ToGrpcStatus(list.error());
    FillProfile(c.work, **user, response);
    for (const auto& a : list->appointments) ToProto(a, ctx_.shop_time, response->add_appointments());
    return grpc::Status::OK;
  });
}

}  // namespace barbershop::core::api
