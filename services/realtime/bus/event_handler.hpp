#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/shop_time.hpp"
#include "bus/amqp_consumer.hpp"
#include "hub/events.hpp"
#include "hub/routes.hpp"
#include "store/realtime_store.hpp"

namespace barbershop::realtime::bus {

/// Turns one appointment event from the bus into inbox messages: stores each recipient's
/// message in their inbox and publishes it to whichever copies hold their sockets, in one
/// atomic step that also remembers the event id, so an event seen twice is delivered
/// once.  Events handed over together are stored in one such step, in order.  An ended
/// login session is remembered in Redis for `ended_session_memory` and published to
/// every copy, once however often it comes.  A booking, move or cancellation, and a change to a barber's hours,
/// services or time off, also publish a notice on the barber's availability channel (hub/availability.hpp), every time
/// the event comes: a second notice only makes watchers read the slots again.  Thread-safe.
class EventHandler {
 public:
  using PartiesSeen = std::function<void(const std::string& appointment_id, const hub::Parties&)>;

  EventHandler(store::EventStore& store, const common::ShopTime& shop_time, common::MetricsRegistry& metrics,
               PartiesSeen parties_seen, std::chrono::seconds ended_session_memory);

  /// Handles deliveries in order, storing each run of appointment events and offers in
  /// one round trip to Redis; a result per delivery.  Once one is to be tried again, so is
  /// every one after it, untried: none is stored before an earlier one.
  std::vector<Handled> Handle(const std::vector<Delivery>& deliveries);

 private:
  /// An event whose messages are stored once (under rt:event:<id>), with the barber's
  /// availability notice published in the same step, also for a duplicate.
  struct Prepared {
    store::EventWrite write;
    std::string event_id;
    std::string barber_id;
    std::string client_id;  ///< empty for a waitlist offer
  };
  Prepared PrepareAppointment(const hub::AppointmentEvent& event);
  Prepared PrepareOffer(const hub::WaitlistOfferEvent& event);
  static Prepared Prepare(const std::string& event_id, const std::string& barber_id, const std::string& client_id,
                          std::vector<store::Append> appends, const std::optional<std::string>& notice);
  /// Counts and times a stored event (`stored`: its new ids, or nullopt for a duplicate).
  Handled Finish(const Prepared& event, const std::optional<std::vector<std::string>>& stored,
                 std::chrono::steady_clock::time_point started);
  Handled HandleSessionEnded(const hub::SessionEndedEvent& event, std::chrono::steady_clock::time_point started);
  Handled HandleScheduleChanged(const hub::ScheduleChangedEvent& event, std::chrono::steady_clock::time_point started);
  /// Publishes an availability notice; false (counted as a retry) when Redis refused it.
  bool PublishNotice(const std::string& barber_id, const std::string& notice, const std::string& event_id);

  store::EventStore& store_;
  const common::ShopTime& shop_time_;
  common::MetricsRegistry& metrics_;
  PartiesSeen parties_seen_;
  common::Counter& delivered_;
  common::Counter& duplicates_;
  common::Counter& retries_;
  common::Histogram& handle_seconds_;
  std::chrono::seconds ended_session_memory_;
};

}  // namespace barbershop::realtime::bus
