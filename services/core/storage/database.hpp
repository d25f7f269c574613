#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/result.hpp"
#include "barbershop/common/worker_pool.hpp"

namespace barbershop::core::storage {

/// One PostgreSQL connection, opened on first use and reopened after it breaks, with
/// the service's prepared statements.  Used by one thread at a time.
class Database {
 public:
  explicit Database(std::string url) : url_(std::move(url)) {}
  /// Throws pqxx::broken_connection when the server cannot be reached.
  pqxx::connection& Connection();

 private:
  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
};

/// Runs `body` and turns database exceptions into kUnavailable/kInternal errors, logging
/// the details (SQL text never reaches a client).
template <typename T>
common::Result<T> Guarded(const char* what, const std::function<common::Result<T>()>& body);
void LogDatabaseError(const char* what, const std::exception& error);

/// Database work off the gRPC threads: a pool of workers, each with its own Database,
/// fed from a bounded queue.  Only SQL runs here; password hashing has threads of its own,
/// so a burst of logins never holds a connection.  Thread-safe.
class DbExecutor {
 public:
  using Task = std::function<void(Database&)>;

  DbExecutor(const std::string& url, std::size_t threads, std::size_t max_queue, common::MetricsRegistry& metrics);

  /// False (and the task is dropped) when the queue is full or the executor stopped.
  bool Submit(Task task);
  /// Finishes queued tasks, then joins the workers.
  void Stop() { workers_.Stop(); }
  std::size_t busy() const { return workers_.busy(); }

 private:
  std::vector<std::unique_ptr<Database>> databases_;
  common::WorkerPool workers_;  ///< after databases_: its threads use them
};

template <typename T>
common::Result<T> Guarded(const char* what, const std::function<common::Result<T>()>& body) {
  try {
    return body();
  } catch (const pqxx::broken_connection& e) {
    LogDatabaseError(what, e);
    return common::MakeError(common::ErrorCode::kUnavailable, "the database is unavailable; try again shortly");
  } catch (const std::exception& e) {
    LogDatabaseError(what, e);
    return common::MakeError(common::ErrorCode::kInternal, "internal error");
  }
}

}  // namespace barbershop::core::storage
