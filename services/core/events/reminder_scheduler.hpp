#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/stop_flag.hpp"

#include <pqxx/pqxx>

namespace barbershop::core::events {

struct ReminderSettings {
  std::string database_url;
  /// How long before a confirmed appointment its reminders go out.
  std::vector<int> minutes_before{24 * 60, 60};
  std::chrono::milliseconds interval{30'000};
};

/// Turns confirmed appointments that come within a reminder offset into
/// `appointment.reminder` outbox events.  Each (appointment, offset) is recorded in
/// reminders_sent in the same transaction as its event, so each reminder is emitted once
/// across restarts and replicas.  When several offsets are due at once, only the
/// nearest is sent.  When PostgreSQL cannot be reached it tries again with backoff.
/// Owns one thread.
class ReminderScheduler {
 public:
  ReminderScheduler(ReminderSettings settings, const common::ShopTime& shop_time, const common::Clock& clock,
                    common::MetricsRegistry& metrics);
  ~ReminderScheduler();

  void Start();
  void Stop();
  /// One pass; returns the reminders emitted.  Exposed for tests.
  int EmitDue(pqxx::connection& connection);

 private:
  void Run();

  ReminderSettings settings_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
  common::Counter& emitted_;
  common::Counter& reconnects_;
  common::Counter& crashes_;  ///< times Run threw and was started again
  common::StopFlag stopping_;
  std::thread thread_;
};

}  // namespace barbershop::core::events
