#include "migrations.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

namespace barbershop::core::storage {
namespace {
// An arbitrary key that only this service's migrations use.
constexpr long long kMigrationLockKey = 0x6261726265727368;  // "barbersh"
}  // namespace

common::Result<int> ApplyMigrations(const std::string& database_url, const std::vector<Migration>& migrations) {
  try {
    pqxx::connection connection(database_url);
    pqxx::nontransaction session(connection);
    session.exec("SET client_min_messages = warning");
    session.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLockKey) + ")");
    int applied = 0;
    try {
      session.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      for (const auto& migration : migrations) {
        const auto done = session.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", migration.version);
        if (!done.empty()) continue;
        spdlog::info("applying migration {} {}", migration.version, migration.name);
        session.exec("BEGIN");
        try {
          session.exec(migration.sql);
          session.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version,
                              migration.name);
          session.exec("COMMIT");
        } catch (...) {
          session.exec("ROLLBACK");
          throw;
        }
        ++applied;
      }
    } catch (...) {
      session.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
      throw;
    }
    session.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLockKey) + ")");
    return applied;
  } catch (const pqxx::broken_connection& e) {
    return common::MakeError(common::ErrorCode::kUnavailable, std::string("cannot reach the database: ") + e.what());
  } catch (const std::exception& e) {
    return common::MakeError(common::ErrorCode::kInternal, std::string("migration failed: ") + e.what());
  }
}

}  // namespace barbershop::core::storage
