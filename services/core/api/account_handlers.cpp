#include <spdlog/spdlog.h>

#include "domain/accounts.hpp"
#include "domain/sessions.hpp"
#include "proto_mapping.hpp"
#include "status_mapping.hpp"
#include "user_service.hpp"

// SignUp, Login, RefreshSession, Logout and GetUserProfile; the steps that check a
// password again.

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
      call, "Login", Access::kNoToken, {},
      [this, request, response, keys, email = std::move(*email)](Call& c) -> Outcome {
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
              auto checked = domain::CompleteLogin(ctx_.hasher, std::move(user), request->password());
              if (!checked && checked.error().code == ErrorCode::kUnauthenticated) {
                CountFailure(started, keys, checked.error());
                return std::nullopt;
              }
              if (!checked) return ToGrpcStatus(checked.error());
              return StartSession(started, *checked, response, keys.front().first);
            });
        return std::nullopt;
      });
}

Outcome UserServiceImpl::StartSession(const Started& started, const domain::User& user, LoginResponse* response,
                                      const std::string& email_key) {
  const auto now = ctx_.clock.Now();
  auto session = domain::StartSession(now, ctx_.refresh_lifetime);
  auto access = ctx_.signer.IssueToken(user.id, domain::RoleName(user.role), session.id);
  if (!access) return ToGrpcStatus(access.error());
  FillLogin(user, *access, session.id, session.refresh.text, session.refresh_expires_at, response);
  const bool forget = ctx_.limits.login_failures_per_email.enabled();
  calls_.OnDatabase(started, std::nullopt,
                    [session = std::move(session), user_id = user.id, email_key, forget, now](Call& c) -> Outcome {
                      if (auto created = c.work.sessions().CreateSession(session.id, user_id, session.refresh.hash, now,
                                                                         session.refresh_expires_at);
                          !created) {
                        return ToGrpcStatus(created.error());
                      }
                      spdlog::info("user {} started session {}", user_id, session.id);
                      // A login that succeeds clears its e-mail's failures (not its address's: one
                      // good account must not reset the count for guessing at others).
                      if (forget) (void)c.work.attempts().Forget(email_key);  // logged inside when it fails
                      return grpc::Status::OK;
                    });
  return std::nullopt;
}

void UserServiceImpl::FillLogin(const domain::User& user, const common::TokenSigner::Issued& access,
                                const std::string& session_id, const std::string& refresh_token,
                                domain::TimePoint refresh_expires_at, LoginResponse* response) const {
  response->set_token(access.token);
  response->set_message("Logged in as " + user.username + ".");
  response->set_user_id(user.id);
  response->set_role(domain::RoleName(user.role));
  response->set_expires_at(ctx_.shop_time.Format(access.expires_at));
  response->set_refresh_token(refresh_token);
  response->set_refresh_expires_at(ctx_.shop_time.Format(refresh_expires_at));
  response->set_session_id(session_id);
}

grpc::ServerUnaryReactor* UserServiceImpl::RefreshSession(grpc::CallbackServerContext* call,
                                                          const RefreshSessionRequest* request,
                                                          LoginResponse* response) {
  // The refresh token is its own credential: no access token is needed (it has usually
  // expired when a client refreshes).
  if (!common::HasRefreshTokenShape(request->refresh_token())) {
    const Started started = calls_.Begin(call, "RefreshSession");
    calls_.Finish(started, ToGrpcStatus(domain::RefreshRefusal(domain::RefreshUse::kUnknown)));
    return started.reactor;
  }
  return calls_.Run(call, "RefreshSession", Access::kNoToken, {}, [this, request, response](Call& c) -> Outcome {
    const auto now = ctx_.clock.Now();
    const auto next = common::NewRefreshToken();
    const auto next_expires_at = now + ctx_.refresh_lifetime;
    auto outcome = c.work.sessions().RotateRefreshToken(common::RefreshTokenHash(request->refresh_token()), next.hash,
                                                        now, next_expires_at);
    if (!outcome) return ToGrpcStatus(outcome.error());
    if (outcome->use == domain::RefreshUse::kReused) {
      // One of two holders is not the owner, and which one is not known: the session ends.
      auto ended =
          c.work.sessions().EndSession(outcome->session_id, outcome->user.id,
                                       domain::EndingFor(domain::SessionEnd::kRefreshReused, ctx_.shop_time, now));
      if (!ended) return ToGrpcStatus(ended.error());
      spdlog::warn("a used refresh token of session {} was presented again: the session ended", outcome->session_id);
    }
    if (outcome->use != domain::RefreshUse::kRotated) return ToGrpcStatus(domain::RefreshRefusal(outcome->use));
    auto access = ctx_.signer.IssueToken(outcome->user.id, domain::RoleName(outcome->user.role), outcome->session_id);
    if (!access) return ToGrpcStatus(access.error());
    FillLogin(outcome->user, *access, outcome->session_id, next.text, next_expires_at, response);
    return grpc::Status::OK;
  });
}

grpc::ServerUnaryReactor* UserServiceImpl::Logout(grpc::CallbackServerContext* call, const LogoutRequest*,
                                                  AccountResponse* response) {
  return calls_.Run(call, "Logout", Access::kToken, {}, [this, response](Call& c) -> Outcome {
    auto ended =
        c.work.sessions().EndSession(c.caller->session_id, c.caller->user_id,
                                     domain::EndingFor(domain::SessionEnd::kLogout, ctx_.shop_time, ctx_.clock.Now()));
    if (!ended) return ToGrpcStatus(ended.error());
    ctx_.lists.EndSession(c.caller->session_id);  // this copy at once, the others at the notice
    response->set_success(true);
    response->set_message("Logged out.");
    spdlog::info("user {} ended session {}", c.caller->user_id, c.caller->session_id);
    return grpc::Status::OK;
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
  return calls_.Run(call, "GetUserProfile", Access::kToken, request->token(), [this, response](Call& c) {
    domain::BookingService bookings(c.work, ctx_.shop_time, ctx_.clock, ctx_.policy);
    auto list = bookings.List(*c.caller, c.caller->user_id);
    if (!list) return ToGrpcStatus(list.error());
    const auto account = CallerAccount(c);
    if (!account) return ToGrpcStatus(account.error());
    FillProfile(c.work, *account, response);
    for (const auto& a : list->appointments) ToProto(a, ctx_.shop_time, response->add_appointments());
    return grpc::Status::OK;
  });
}

}  // namespace barbershop::core::api
