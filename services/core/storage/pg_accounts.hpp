#pragma once

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// AccountRepository on PostgreSQL (users).  Used by the thread that owns `db`.
class PgAccountRepository final : public domain::AccountRepository {
 public:
  explicit PgAccountRepository(Database& db) : db_(db) {}

  common::Result<domain::User> CreateUser(const std::string& username, const std::string& email,
                                          const std::string& password_hash, domain::Role role) override;
  common::Result<std::optional<domain::User>> FindUserByEmail(const std::string& email) override;
  common::Result<std::optional<domain::User>> FindUserById(const std::string& id) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
