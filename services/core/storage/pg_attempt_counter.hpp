#pragma once

#include "../domain/throttle.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// AttemptCounter on PostgreSQL (migration 008's throttle_counts), so that every copy of
/// the service counts the same attempts.  Used by the thread that owns `db`.
class PgAttemptCounter final : public domain::AttemptCounter {
 public:
  explicit PgAttemptCounter(Database& db) : db_(db) {}

  common::Result<std::chrono::seconds> RefusedFor(
      const std::vector<std::pair<std::string, domain::AttemptLimit>>& keys) override;
  common::Result<std::chrono::seconds> Count(
      const std::vector<std::pair<std::string, domain::AttemptLimit>>& keys) override;
  common::Status Forget(const std::string& key) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
