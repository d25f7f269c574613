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

/// One PostgreSQL connection, opened on first use, with the service's prepared
/// statements.  Before each use it checks whether the server closed the connection while
/// it sat idle (PostgreSQL restarted, an administrator ended the session) and opens a new
/// one then, so that no statement is sent on a connection already known to be dead.  It
/// also remembers, for the unit of work begun last, whether a lost connection left a
/// change in doubt.  Used by one thread at a time.
///
/// With `changed` given, the connection belongs to a copy whose outbox relay runs in the
/// same process: it tells PostgreSQL so (barbershop.relay_in_process, migration 017), and
/// its changes commit without a NOTIFY; `changed` rings the relay after each instead.
class Database {
 public:
  /// `reconnects`, when given, counts the connections opened after one was lost.
  explicit Database(std::string url, common::Counter* reconnects = nullptr, std::function<void()> changed = {})
      : url_(std::move(url)), reconnects_(reconnects), changed_(std::move(changed)) {}
  /// Throws pqxx::broken_connection when the server cannot be reached.
  pqxx::connection& Connection();

  /// Starts a unit of work (one call): forgets what the previous one lost.
  void BeginWork() { change_in_doubt_ = false; }
  /// True when, in this unit of work, the connection broke after a change was sent and
  /// before its commit was confirmed: it may or may not have been made.
  bool ChangeInDoubt() const { return change_in_doubt_; }
  /// The connection broke: the next use opens a new one.
  void Lost(bool change_in_doubt);
  /// A change was made (or tried): rings this copy's relay, if it has one.
  void Changed() const {
    if (changed_) changed_();
  }

 private:
  std::string url_;
  common::Counter* reconnects_;
  std::function<void()> changed_;
  std::unique_ptr<pqxx::connection> connection_;
  bool lost_ = false;  ///< a connection was open and broke; the next one opened is a reconnect
  bool change_in_doubt_ = false;
};

/// What a guarded body does with its connection, which says whether it may run again
/// once the connection broke under it.
enum class Access {
  /// Changes nothing: runs again, once, on a new connection.
  kRead,
  /// Changes data inside one pqxx::work: a break before COMMIT changed nothing, so it runs
  /// again once; a break during COMMIT leaves the change in doubt.
  kTransaction,
  /// A change in autocommit: once sent, a break leaves it in doubt, so it never runs again
  /// here (a caller with an idempotency key may ask again).
  kWrite,
};

/// Runs `body`, which uses `db.Connection()`, and turns database exceptions into
/// kUnavailable/kInternal errors, logging the details (SQL text never reaches a client).
/// A body that `access` says may run again does so, once, after its connection broke.
template <typename T>
common::Result<T> Guarded(Database& db, Access access, const char* what,
                          const std::function<common::Result<T>()>& body);
void LogDatabaseError(const char* what, const std::exception& error);
/// True for errors that mean the session is gone (the server shut down or ended it),
/// whatever exception type libpqxx gave them.
bool ConnectionLost(const std::exception& error);
common::Error DatabaseUnavailable();

/// Database work off the gRPC threads: a pool of workers, each with its own Database,
/// fed from a bounded queue.  Only SQL runs here; password hashing has threads of its own,
/// so a burst of logins never holds a connection.  Thread-safe.
class DbExecutor {
 public:
  using Task = std::function<void(Database&)>;

  /// `changed`: see Database.
  DbExecutor(const std::string& url, std::size_t threads, std::size_t max_queue, common::MetricsRegistry& metrics,
             const std::function<void()>& changed = {});

  /// False (and the task is dropped) when the queue is full or the executor stopped.
  bool Submit(Task task);
  /// Finishes queued tasks, then joins the workers.
  void Stop() { workers_.Stop(); }
  std::size_t busy() const { return workers_.busy(); }

 private:
  std::vector<std::unique_ptr<Database>> databases_;
  common::WorkerPool workers_;  ///< after databases_: its threads use them
};

/// The reconnect counter of one kind of connection ("pool", "relay", ...).
common::Counter& ReconnectCounter(common::MetricsRegistry& metrics, const std::string& connection);

template <typename T>
common::Result<T> Guarded(Database& db, Access access, const char* what,
                          const std::function<common::Result<T>()>& body) {
  for (int attempt = 1;; ++attempt) {
    try {
      // Checked (and opened) before the body: failing here, nothing was sent, nothing
      // changed, and the server is not reachable now, so trying again would only fail again.
      db.Connection();
      try {
        auto result = body();
        if (access != Access::kRead) db.Changed();
        return result;
      } catch (const pqxx::in_doubt_error& e) {
        db.Lost(true);
        LogDatabaseError(what, e);
        return DatabaseUnavailable();
      } catch (const std::exception& e) {
        if (!ConnectionLost(e)) throw;
        db.Lost(access == Access::kWrite);
        LogDatabaseError(what, e);
        if (access == Access::kWrite || attempt > 1) return DatabaseUnavailable();
      }
    } catch (const std::exception& e) {
      LogDatabaseError(what, e);
      if (ConnectionLost(e)) return DatabaseUnavailable();
      return common::MakeError(common::ErrorCode::kInternal, "internal error");
    }
  }
}

}  // namespace barbershop::core::storage
