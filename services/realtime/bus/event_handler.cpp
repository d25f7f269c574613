#include "bus/event_handler.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>
#include <variant>

namespace barbershop::realtime::bus {
namespace {

void DieForFault(const char* where, const std::string& event_id) {
  spdlog::warn("fault injection: dying {} event {}", where, event_id);
  spdlog::default_logger()->flush();
  std::raise(SIGKILL);
}

}  // namespace

EventHandler::EventHandler(store::RealtimeStore& store, const common::ShopTime& shop_time,
                           common::MetricsRegistry& metrics, PartiesSeen parties_seen, EventFaults faults)
    : store_(store),
      shop_time_(shop_time),
      metrics_(metrics),
      parties_seen_(std::move(parties_seen)),
      delivered_(metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "delivered"}})),
      duplicates_(metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "duplicate"}})),
      retries_(metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "retry"}})),
      handle_seconds_(metrics.GetHistogram("realtime_event_handle_seconds", "Time to store and fan out one event")),
      faults_(std::move(faults)) {}

int EventHandler::CountForFaults(const hub::AppointmentEvent& event) {
  if (faults_.exit_before_store <= 0 && faults_.exit_before_ack <= 0) return 0;
  if (!faults_.user_id.empty() && event.barber_id != faults_.user_id && event.client_id != faults_.user_id) return 0;
  std::lock_guard lock(faults_mutex_);
  if (event.event_id != fault_last_event_id_) {  // a retried delivery counts once
    fault_last_event_id_ = event.event_id;
    ++fault_count_;
  }
  return fault_count_;
}

Handled EventHandler::Handle(std::string_view routing_key, std::string_view body) {
  const auto started = std::chrono::steady_clock::now();
  auto parsed = hub::ParseEvent(body, shop_time_);
  if (auto* poison = std::get_if<hub::PoisonReason>(&parsed)) {
    metrics_.GetCounter("realtime_dead_letters_total", "Events moved to the dead-letter queue, by reason",
                        {{"reason", poison->code}}).Inc();
    spdlog::warn("dead-lettering an event with routing key {}: {} ({})", routing_key, poison->code, poison->detail);
    return Handled{Handled::Outcome::kDeadLetter, poison->code, poison->detail};
  }
  const auto& event = std::get<hub::AppointmentEvent>(parsed);
  const int fault_nth = CountForFaults(event);
  if (fault_nth > 0 && fault_nth == faults_.exit_before_store) DieForFault("before storing", event.event_id);
  if (parties_seen_) {
    parties_seen_(event.appointment_id, hub::Parties{event.barber_id, event.client_id,
                                                     shop_time_.Parse(event.end).value_or(common::TimePoint{})});
  }
  std::vector<store::Append> appends;
  for (auto& delivery : hub::BuildDeliveries(event, shop_time_)) {
    appends.push_back({store::RealtimeStore::InboxKey(delivery.user_id), hub::UserChannel(delivery.user_id),
                       std::move(delivery.body)});
  }
  auto stored = store_.AppendAndPublish("rt:event:" + event.event_id, appends, false);
  if (!stored) {
    retries_.Inc();
    spdlog::warn("cannot store event {}: {}; will retry", event.event_id, stored.error().message);
    return Handled{Handled::Outcome::kRetry, {}, {}};
  }
  (stored->has_value() ? delivered_ : duplicates_).Inc();
  handle_seconds_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (fault_nth > 0 && fault_nth == faults_.exit_before_ack) {
    DieForFault("after storing, before acknowledging", event.event_id);
  }
  return Handled{};
}

}  // namespace barbershop::realtime::bus
