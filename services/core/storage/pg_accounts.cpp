#include "pg_accounts.hpp"

#include "barbershop/common/ids.hpp"
#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Result;
using domain::User;

Result<User> PgAccountRepository::CreateUser(const std::string& username, const std::string& email,
                                             const std::string& password_hash, domain::Role role) {
  return Guarded<User>(db_, Access::kWrite, "CreateUser", [&]() -> Result<User> {
    User user{common::NewUuid(), username, email, password_hash, role};
    try {
      pqxx::nontransaction tx(db_.Connection());
      tx.exec_prepared(stmt::kInsertUser, user.id, username, email, password_hash, domain::RoleName(role));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      const std::string what = e.what();
      if (what.find("users_email_key") != std::string::npos) {
        return MakeError(ErrorCode::kAlreadyExists, "an account with that e-mail already exists");
      }
      return MakeError(ErrorCode::kAlreadyExists, "that username is taken");
    }
    return user;
  });
}

Result<std::optional<User>> PgAccountRepository::FindUserByEmail(const std::string& email) {
  return Guarded<std::optional<User>>(db_, Access::kRead, "FindUserByEmail", [&]() -> Result<std::optional<User>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone<UserRows>(tx.exec_prepared(stmt::kUserByEmail, email));
  });
}

Result<std::optional<User>> PgAccountRepository::FindUserById(const std::string& id) {
  return Guarded<std::optional<User>>(db_, Access::kRead, "FindUserById", [&]() -> Result<std::optional<User>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone<UserRows>(tx.exec_prepared(stmt::kUserById, id));
  });
}

}  // namespace barbershop::core::storage
