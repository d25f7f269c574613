#pragma once

#include <optional>
#include <string>
#include <vector>

#include "barbershop/common/passwords.hpp"
#include "barbershop/common/tokens.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// A sign-up whose fields were checked and whose password was hashed.
struct NewAccount {
  std::string username;
  std::string email;  ///< normalized
  std::string password_hash;
};

// Sign-up and login in steps, so that the service can hash passwords on threads of
// their own and look accounts up on its database workers: Argon2id takes tens of
// milliseconds, and a connection held that long is one that bookings wait for.

/// Checks a sign-up's fields, then hashes the password.  No database.
common::Result<NewAccount> PrepareAccount(const common::PasswordHasher& hasher, const std::string& username,
                                          const std::string& email, const std::string& password);
/// The normalized e-mail a login looks up, or the login's one failure message when the
/// e-mail or the password cannot be right.
common::Result<std::string> LoginEmail(const std::string& email, const std::string& password);
/// Checks `password` against the account found for the login's e-mail (nullopt when
/// none was); the account that may log in.  Spends the same effort when there is no
/// account, and fails with the same message whatever was wrong; only then says
/// (kPermissionDenied) when the account is deactivated.  No database.
common::Result<User> CompleteLogin(const common::PasswordHasher& hasher, std::optional<User> user,
                                   const std::string& password);

/// The caller a token names, when the token is valid (signed with the core's key, not
/// expired) and names a known role.  The one check every authenticated call passes.
common::Result<Caller> Authenticate(const common::TokenVerifier& tokens, const std::string& token);

/// Accounts made without a call: the demo data, the tests' and benchmarks' users.  Holds
/// only references; one per use is cheap.
class AccountService {
 public:
  AccountService(AccountRepository& accounts, BarberRepository& barbers, const common::PasswordHasher& hasher)
      : accounts_(accounts), barbers_(barbers), hasher_(hasher) {}

  /// Creates a customer account.
  common::Result<User> SignUp(const std::string& username, const std::string& email, const std::string& password);
  /// Creates (or updates) a barber account with a display name and working hours.  Writes
  /// no event: the real-time service hears of changes made by calls (SaveChair).
  common::Result<User> SaveBarber(const std::string& username, const std::string& email, const std::string& password,
                                  const std::string& name, const std::vector<WorkingHours>& hours, bool auto_confirm);

 private:
  AccountRepository& accounts_;
  BarberRepository& barbers_;
  const common::PasswordHasher& hasher_;
};

}  // namespace barbershop::core::domain
