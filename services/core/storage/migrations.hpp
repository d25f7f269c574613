#pragma once

#include <string>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::core::storage {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

/// The numbered SQL files of migrations/, compiled into the binary, in order.
const std::vector<Migration>& BundledMigrations();

/// Applies every migration not yet recorded in schema_migrations, each in its own
/// transaction, while holding a PostgreSQL advisory lock, so replicas starting together
/// apply each once.  Returns how many it applied.
common::Result<int> ApplyMigrations(const std::string& database_url, const std::vector<Migration>& migrations);

}  // namespace barbershop::core::storage
