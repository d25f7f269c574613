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
  common::Result<std::optional<domain::User>> UpdateProfile(const std::string& id,
                                                            const domain::ProfileChange& change) override;
  common::Result<bool> SetActive(const std::string& id, bool active, const domain::SessionEnding& ending) override;
  common::Result<bool> ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                           const std::string& new_hash, const std::string& kept_session,
                                           const domain::SessionEnding& ending) override;
  common::Status DeleteCustomer(const std::string& id, const std::vector<domain::AppointmentChange>& cancellations,
                                domain::TimePoint now, const domain::SessionEnding& ending) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
