#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/stop_flag.hpp"
#include "event_publisher.hpp"

#include <pqxx/pqxx>

namespace barbershop::core::events {

struct RelaySettings {
  std::string database_url;
  std::size_t batch_size = 200;
  /// How often to look for unsent rows without a NOTIFY (the fallback sweep).
  std::chrono::milliseconds sweep_interval{1000};
  /// Sent rows older than this are deleted.
  std::chrono::hours retention{24 * 7};
  /// Whether this relay deletes old sent rows (and reports the pending count): one relay
  /// of a process does, the others of that process only publish.
  bool prune = true;
};

/// The prepared statement that claims a batch of unsent rows ($1: at most how many),
/// locking them, as a relay runs it on a connection set up by ConfigureRelayConnection.
/// Exposed for tests of what a claim costs.
const char* ClaimStatementName();
/// Names the connection in pg_stat_activity, sets what the relay's statements need and
/// prepares them.
void ConfigureRelayConnection(pqxx::connection& connection);

/// Publishes outbox rows to the broker: wakes when its own copy rang it (Wake) or on
/// PostgreSQL NOTIFY (and sweeps periodically), claims unsent rows with FOR UPDATE SKIP
/// LOCKED so that each row goes out through one replica, keeps each appointment's
/// events in order, and marks rows
/// sent only after the broker confirmed them and routed each to a queue.  While the
/// broker is down, or routes an event nowhere, rows wait and are retried with backoff;
/// while PostgreSQL is down, the relay tries to reconnect with backoff.
/// The copies' list caches hear of each appointment change it claims (appointment_lists),
/// as of a change whose own transaction did not tell them (migration 017).
/// Owns one thread; Start/Stop from one thread, Wake from any.
class OutboxRelay {
 public:
  OutboxRelay(RelaySettings settings, EventPublisher& publisher, common::MetricsRegistry& metrics);
  ~OutboxRelay();

  void Start();
  void Stop();
  /// Something was written, maybe to the outbox: look now.  Thread-safe, never blocks.
  void Wake();
  /// Waiting for work (not claiming, publishing or marking a batch).  Thread-safe.
  bool Idle() const { return !busy_.load(std::memory_order_relaxed); }

  /// Claims, publishes and marks one batch; returns rows sent, or -1 when publishing
  /// failed (the rows stay unsent).  Exposed for tests.
  int RelayBatch(pqxx::connection& connection);

 private:
  void Run();
  /// RelayBatch's claim, publication and mark, in one transaction; `notices` gets the
  /// list caches' notices of the rows claimed.
  int PublishBatch(pqxx::connection& connection, std::vector<std::string>& notices);
  void Prune(pqxx::connection& connection);

  RelaySettings settings_;
  EventPublisher& publisher_;
  common::Counter& published_;
  common::Counter& failures_;
  common::Counter& unroutable_;
  common::Gauge& pending_;
  common::Histogram& confirm_seconds_;
  common::Histogram& delay_seconds_;
  common::Counter& reconnects_;
  common::Counter& crashes_;  ///< times Run threw and was started again
  common::StopFlag stopping_;
  std::atomic<bool> busy_{false};
  int wake_fd_;  ///< an eventfd: Wake writes, the relay's thread polls it beside its connection
  std::thread thread_;
};

}  // namespace barbershop::core::events
