#include "pg_accounts.hpp"

#include "barbershop/common/ids.hpp"
#include "pg_appointments.hpp"
#include "pg_rows.hpp"
#include "pg_sessions.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Result;
using domain::User;

namespace {

// A unique index refused a username or an e-mail: the error names the field.
common::Error Taken(const pqxx::sql_error& e) {
  if (std::string_view(e.what()).find("users_email_key") != std::string_view::npos) {
    return MakeError(ErrorCode::kAlreadyExists, "an account with that e-mail already exists");
  }
  return MakeError(ErrorCode::kAlreadyExists, "that username is taken");
}

common::Error TryAgain(const char* what) {
  return MakeError(ErrorCode::kFailedPrecondition, std::string(what) + " changed meanwhile; try again");
}

}  // namespace

Result<User> PgAccountRepository::CreateUser(const std::string& username, const std::string& email,
                                             const std::string& password_hash, domain::Role role) {
  return Guarded<User>(db_, Access::kWrite, "CreateUser", [&]() -> Result<User> {
    User user{common::NewUuid(), username, email, password_hash, role, {}, true};
    try {
      pqxx::nontransaction tx(db_.Connection());
      tx.exec_prepared(stmt::kInsertUser, user.id, username, email, password_hash, domain::RoleName(role));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      return Taken(e);
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

Result<std::optional<User>> PgAccountRepository::UpdateProfile(const std::string& id,
                                                               const domain::ProfileChange& change) {
  return Guarded<std::optional<User>>(db_, Access::kWrite, "UpdateProfile", [&]() -> Result<std::optional<User>> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      // The username's copies on the account's appointments follow it (migration 004).
      return FirstOrNone<UserRows>(tx.exec_prepared(
          stmt::kUpdateProfile, id, change.username.has_value(), change.username.value_or(""), change.email.has_value(),
          change.email.value_or(""), change.phone.has_value(), change.phone.value_or("")));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      return Taken(e);
    }
  });
}

Result<bool> PgAccountRepository::SetActive(const std::string& id, bool active, const domain::SessionEnding& ending) {
  return Guarded<bool>(db_, Access::kTransaction, "SetActive", [&]() -> Result<bool> {
    pqxx::work tx(db_.Connection());
    if (tx.exec_prepared(stmt::kSetActive, id, active).affected_rows() == 0) return false;
    if (!active) EndSessionsOf(tx, id, {}, ending);
    tx.commit();
    return true;
  });
}

Result<bool> PgAccountRepository::ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                                      const std::string& new_hash, const std::string& kept_session,
                                                      const domain::SessionEnding& ending) {
  return Guarded<bool>(db_, Access::kTransaction, "ReplacePasswordHash", [&]() -> Result<bool> {
    pqxx::work tx(db_.Connection());
    if (tx.exec_prepared(stmt::kReplacePasswordHash, id, old_hash, new_hash).affected_rows() == 0) return false;
    EndSessionsOf(tx, id, kept_session, ending);
    tx.commit();
    return true;
  });
}

common::Status PgAccountRepository::DeleteCustomer(const std::string& id,
                                                   const std::vector<domain::AppointmentChange>& cancellations,
                                                   domain::TimePoint now, const domain::SessionEnding& ending) {
  return Guarded<common::Ok>(db_, Access::kTransaction, "DeleteCustomer", [&]() -> common::Status {
    try {
      pqxx::work tx(db_.Connection());
      tx.exec_prepared(stmt::kLockClient, id);
      for (const auto& c : cancellations) {
        if (StoreChange(tx, c.before, c.after, c.event) == 0) return TryAgain("an appointment");
      }
      if (tx.exec_prepared(stmt::kLiveAfter, id, Epoch(now))[0][0].as<long long>() > 0) {
        return TryAgain("your appointments");
      }
      if (tx.exec_prepared(stmt::kScrubCustomer, id).affected_rows() == 0) {
        return MakeError(ErrorCode::kFailedPrecondition, "the account is gone, or no longer a customer's");
      }
      // No longer waiting for anyone; a time held for them lapses and goes down the line.
      tx.exec_prepared(stmt::kLeaveEveryWaitlist, id);
      EndSessionsOf(tx, id, {}, ending);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      // A booking of the client's that waited on the other lock first: nothing changed.
      if (e.sqlstate() != kDeadlockDetected) throw;
      return TryAgain("your appointments");
    }
    return common::Ok{};
  });
}

}  // namespace barbershop::core::storage
