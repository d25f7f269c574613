#include "accounts.hpp"

#include "chairs.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

namespace {
constexpr const char* kBadLogin = "wrong e-mail or password";
}

common::Result<NewAccount> PrepareAccount(const common::PasswordHasher& hasher, const std::string& username,
                                          const std::string& email, const std::string& password) {
  if (auto ok = ValidateUsername(username); !ok) return ok.error();
  auto normalized = NormalizeEmail(email);
  if (!normalized) return normalized.error();
  if (auto ok = ValidatePassword(password); !ok) return ok.error();
  auto hash = hasher.Hash(password);
  if (!hash) return hash.error();
  return NewAccount{username, std::move(*normalized), std::move(*hash)};
}

common::Result<std::string> LoginEmail(const std::string& email, const std::string& password) {
  auto normalized = NormalizeEmail(email);
  if (!normalized || password.empty() || password.size() > 128) {
    return MakeError(ErrorCode::kUnauthenticated, kBadLogin);
  }
  return std::move(*normalized);
}

common::Result<User> CompleteLogin(const common::PasswordHasher& hasher, std::optional<User> user,
                                   const std::string& password) {
  if (!user) {
    // Spend the same effort as a real check, so timing does not tell which part was wrong.
    static const std::string kDummy = hasher.Hash("timing-equaliser").value();
    (void)hasher.Verify(password, kDummy);
    return MakeError(ErrorCode::kUnauthenticated, kBadLogin);
  }
  if (!hasher.Verify(password, user->password_hash)) return MakeError(ErrorCode::kUnauthenticated, kBadLogin);
  // Said only to whoever knows the password: a guesser learns nothing from it.
  if (!user->active) return MakeError(ErrorCode::kPermissionDenied, "this account is deactivated");
  return std::move(*user);
}

common::Result<User> AccountService::SignUp(const std::string& username, const std::string& email,
                                            const std::string& password) {
  auto account = PrepareAccount(hasher_, username, email, password);
  if (!account) return account.error();
  return accounts_.CreateUser(account->username, account->email, account->password_hash, Role::kCustomer);
}

common::Result<Caller> Authenticate(const common::TokenVerifier& tokens, const std::string& token) {
  auto claims = tokens.Verify(token);
  if (!claims) return claims.error();
  const auto role = ParseRole(claims->role);
  if (!role) return MakeError(ErrorCode::kUnauthenticated, "the token is not valid");
  return Caller{claims->subject, *role, claims->session_id};
}

common::Result<User> AccountService::SaveBarber(const std::string& username, const std::string& email,
                                                const std::string& password, const std::string& name,
                                                const std::vector<WorkingHours>& hours, bool auto_confirm) {
  if (auto ok = ValidateChair(name, hours); !ok) return ok.error();
  auto normalized = NormalizeEmail(email);
  if (!normalized) return normalized.error();
  auto existing = accounts_.FindUserByEmail(*normalized);
  if (!existing) return existing.error();
  User user;
  if (existing->has_value()) {
    user = std::move(**existing);
    if (user.role != Role::kBarber) {
      return MakeError(ErrorCode::kAlreadyExists, "that e-mail belongs to an account that is not a barber");
    }
  } else {
    auto created = SignUp(username, email, password);
    if (!created) return created.error();
    user = std::move(*created);
    user.role = Role::kBarber;
  }
  if (auto ok = barbers_.SaveBarber(user.id, name, auto_confirm, hours, std::nullopt, std::nullopt); !ok)
    return ok.error();
  return user;
}

}  // namespace barbershop::core::domain
