#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/shop_time.hpp"
#include "bus/amqp_consumer.hpp"
#include "hub/events.hpp"
#include "hub/routes.hpp"
#include "store/realtime_store.hpp"

namespace barbershop::realtime::bus {

/// For tests only: makes the copy kill itself (SIGKILL) at a chosen point of handling an
/// event, so that a test can show that a copy dying there loses and duplicates nothing.
/// All zero (off) in service.
struct EventFaults {
  /// Die when the Nth event arrives, before it is stored.
  int exit_before_store = 0;
  /// Die after the Nth event is stored and fanned out, before it is acknowledged.
  int exit_before_ack = 0;
  /// Count only events addressed to this user (as barber or client); empty: every event.
  std::string user_id;
};

/// Turns one appointment event from the bus into inbox messages: stores each recipient's
/// message in their inbox and publishes it to whichever copies hold their sockets, in one
/// atomic step that also remembers the event id, so an event seen twice is delivered
/// once.  Thread-safe.
class EventHandler {
 public:
  using PartiesSeen = std::function<void(const std::string& appointment_id, const hub::Parties&)>;

  EventHandler(store::RealtimeStore& store, const common::ShopTime& shop_time, common::MetricsRegistry& metrics,
               PartiesSeen parties_seen, EventFaults faults = {});

  Handled Handle(std::string_view routing_key, std::string_view body);

 private:
  /// The ordinal of `event` among those EventFaults counts (each event once), or 0.
  int CountForFaults(const hub::AppointmentEvent& event);

  store::RealtimeStore& store_;
  const common::ShopTime& shop_time_;
  common::MetricsRegistry& metrics_;
  PartiesSeen parties_seen_;
  common::Counter& delivered_;
  common::Counter& duplicates_;
  common::Counter& retries_;
  common::Histogram& handle_seconds_;
  EventFaults faults_;
  std::mutex faults_mutex_;
  int fault_count_ = 0;
  std::string fault_last_event_id_;
};

}  // namespace barbershop::realtime::bus
