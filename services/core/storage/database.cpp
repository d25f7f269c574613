#include "database.hpp"

#include <spdlog/spdlog.h>

#include "barbershop/common/contained.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

pqxx::connection& Database::Connection() {
  if (connection_ && !connection_->is_open()) connection_.reset();
  if (!connection_) {
    connection_ = std::make_unique<pqxx::connection>(url_);
    PrepareStatements(*connection_);
  }
  return *connection_;
}

void LogDatabaseError(const char* what, const std::exception& error) {
  spdlog::error("database error in {}: {}", what, error.what());
}

namespace {
std::vector<std::unique_ptr<Database>> Connections(const std::string& url, std::size_t count) {
  std::vector<std::unique_ptr<Database>> databases;
  for (std::size_t i = 0; i < count; ++i) databases.push_back(std::make_unique<Database>(url));
  return databases;
}
}  // namespace

DbExecutor::DbExecutor(const std::string& url, std::size_t threads, std::size_t max_queue,
                       common::MetricsRegistry& metrics)
    : databases_(Connections(url, threads)),
      workers_(threads, max_queue, &common::UnhandledErrors(metrics, "database worker")) {
  metrics.AddCallbackGauge("barbershop_db_connections_in_use", "Database connections running a query now.",
                           [this] { return static_cast<double>(busy()); });
  metrics.AddCallbackGauge("barbershop_db_connections_max", "Database connections in the pool.",
                           [threads] { return static_cast<double>(threads); });
}

bool DbExecutor::Submit(Task task) {
  return workers_.Submit([this, task = std::move(task)](std::size_t worker) { task(*databases_[worker]); });
}

}  // namespace barbershop::core::storage
