#include "database.hpp"

#include <poll.h>
#include <spdlog/spdlog.h>

#include "barbershop/common/contained.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {
namespace {

// A server that goes away (shut down, restarted, the session ended) sends an idle
// session its farewell, an error, and closes the socket.  Something waiting to be read on
// an idle connection is looked at before a statement is sent: libpq reads the farewell
// on one pass and finds the end of the stream on the next, and then reports the
// connection closed.  A pool connection listens for nothing, so usually nothing waits.
bool StillOpen(pqxx::connection& connection) {
  if (!connection.is_open()) return false;
  pollfd waiting{connection.sock(), POLLIN, 0};
  if (poll(&waiting, 1, 0) <= 0) return true;
  try {
    for (int pass = 0; pass < 2 && connection.is_open(); ++pass) connection.get_notifs();
  } catch (const pqxx::broken_connection&) {
    return false;
  }
  return connection.is_open();
}

}  // namespace

pqxx::connection& Database::Connection() {
  if (connection_ && !StillOpen(*connection_)) {
    connection_.reset();
    lost_ = true;
  }
  if (!connection_) {
    connection_ = std::make_unique<pqxx::connection>(url_);
    PrepareStatements(*connection_);
    // Who is who in pg_stat_activity (and in a notice's sender).
    connection_->set_variable("application_name", "'barbershop-core'");
    if (changed_) connection_->set_variable("barbershop.relay_in_process", "on");
    if (lost_) {
      lost_ = false;
      if (reconnects_ != nullptr) reconnects_->Inc();
      spdlog::info("database connection reopened after the server closed the last one");
    }
  }
  return *connection_;
}

void Database::Lost(bool change_in_doubt) {
  connection_.reset();
  lost_ = true;
  change_in_doubt_ = change_in_doubt_ || change_in_doubt;
}

void LogDatabaseError(const char* what, const std::exception& error) {
  spdlog::error("database error in {}: {}", what, error.what());
}

bool ConnectionLost(const std::exception& error) {
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) return true;
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error);
  if (sql == nullptr) return false;
  // Class 08: connection exceptions; 57P01 to 57P03: the server shutting down, crashed, or
  // not accepting connections yet.
  const std::string& state = sql->sqlstate();
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

common::Error DatabaseUnavailable() {
  return common::MakeError(common::ErrorCode::kUnavailable, "the database is unavailable; try again shortly");
}

common::Counter& ReconnectCounter(common::MetricsRegistry& metrics, const std::string& connection) {
  return metrics.GetCounter("barbershop_db_reconnects_total",
                            "Database connections opened again after the last one was lost, by user.",
                            {{"connection", connection}});
}

namespace {
std::vector<std::unique_ptr<Database>> Connections(const std::string& url, std::size_t count,
                                                   common::Counter& reconnects, const std::function<void()>& changed) {
  std::vector<std::unique_ptr<Database>> databases;
  for (std::size_t i = 0; i < count; ++i) databases.push_back(std::make_unique<Database>(url, &reconnects, changed));
  return databases;
}
}  // namespace

DbExecutor::DbExecutor(const std::string& url, std::size_t threads, std::size_t max_queue,
                       common::MetricsRegistry& metrics, const std::function<void()>& changed)
    : databases_(Connections(url, threads, ReconnectCounter(metrics, "pool"), changed)),
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
