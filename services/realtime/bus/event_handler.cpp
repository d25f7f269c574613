#include "bus/event_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <variant>

#include "barbershop/common/failpoints.hpp"
#include "barbershop/common/text.hpp"
#include "hub/availability.hpp"

namespace barbershop::realtime::bus {

EventHandler::EventHandler(store::EventStore& store, const common::ShopTime& shop_time,
                           common::MetricsRegistry& metrics, PartiesSeen parties_seen,
                           std::chrono::seconds ended_session_memory)
    : store_(store),
      shop_time_(shop_time),
      metrics_(metrics),
      parties_seen_(std::move(parties_seen)),
      delivered_(
          metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "delivered"}})),
      duplicates_(
          metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "duplicate"}})),
      retries_(metrics.GetCounter("realtime_events_total", "Events from the bus, by result", {{"result", "retry"}})),
      handle_seconds_(metrics.GetHistogram("realtime_event_handle_seconds", "Time to store and fan out one event")),
      ended_session_memory_(ended_session_memory) {}

std::vector<Handled> EventHandler::Handle(const std::vector<Delivery>& deliveries) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Handled> out(deliveries.size());
  // A run of events that store messages goes to Redis in one step; any other event waits
  // for the run before it, so that all stay in order.
  // Once one is to be tried again, so is every one after it, untried: the consumer tries
  // them again one by one, in order, and an event stored meanwhile would come before an
  // earlier one (a cancellation before its booking).
  std::vector<std::size_t> run;
  std::vector<Prepared> prepared;
  std::vector<store::EventWrite> writes;
  bool retrying = false;
  const auto store_run = [&] {
    if (writes.empty()) return;
    const auto stored = store_.StoreEvents(writes);
    if (!stored) {
      // Nothing of the run was stored: each is tried again, in order.
      retries_.Inc();
      spdlog::warn("cannot store {} events (the first {}): {}; will retry", run.size(), prepared.front().event_id,
                   stored.error().message);
      for (const auto index : run) out[index] = Handled{Handled::Outcome::kRetry, {}, {}};
      retrying = true;
    } else {
      for (std::size_t k = 0; k < run.size(); ++k) out[run[k]] = Finish(prepared[k], (*stored)[k], started);
    }
    run.clear();
    prepared.clear();
    writes.clear();
  };
  for (std::size_t i = 0; i < deliveries.size(); ++i) {
    if (retrying) {
      out[i] = Handled{Handled::Outcome::kRetry, {}, {}};
      continue;
    }
    auto parsed = hub::ParseEvent(deliveries[i].body, shop_time_);
    if (const auto* appointment = std::get_if<hub::AppointmentEvent>(&parsed)) {
      prepared.push_back(PrepareAppointment(*appointment));
    } else if (const auto* offer = std::get_if<hub::WaitlistOfferEvent>(&parsed)) {
      prepared.push_back(PrepareOffer(*offer));
    } else {
      store_run();  // the run before it goes first
      if (retrying) {
        out[i] = Handled{Handled::Outcome::kRetry, {}, {}};
      } else if (const auto* poison = std::get_if<hub::PoisonReason>(&parsed)) {
        metrics_
            .GetCounter("realtime_dead_letters_total", "Events moved to the dead-letter queue, by reason",
                        {{"reason", poison->code}})
            .Inc();
        spdlog::warn("dead-lettering an event with routing key {}: {} ({})", deliveries[i].routing_key, poison->code,
                     poison->detail);
        out[i] = Handled{Handled::Outcome::kDeadLetter, poison->code, poison->detail};
      } else if (const auto* ended = std::get_if<hub::SessionEndedEvent>(&parsed)) {
        out[i] = HandleSessionEnded(*ended, started);
      } else {
        out[i] = HandleScheduleChanged(std::get<hub::ScheduleChangedEvent>(parsed), started);
      }
      retrying = out[i].outcome == Handled::Outcome::kRetry;
      continue;
    }
    writes.push_back(std::move(prepared.back().write));  // Finish needs the rest only
    run.push_back(i);
  }
  store_run();
  return out;
}

EventHandler::Prepared EventHandler::PrepareAppointment(const hub::AppointmentEvent& event) {
  // Failpoints count each event once, however often it is delivered, and only the events
  // of the user an armed point names (as barber or client).
  if (BARBERSHOP_FAILPOINT("events.before_store", event.event_id, event.barber_id, event.client_id)) {
    common::DieAtFailpoint("events.before_store", "before storing event " + event.event_id);
  }
  if (parties_seen_) {
    parties_seen_(event.appointment_id, hub::Parties{event.barber_id, event.client_id,
                                                     shop_time_.Parse(event.end).value_or(common::TimePoint{})});
  }
  std::vector<store::Append> appends;
  for (auto& delivery : hub::BuildDeliveries(event, shop_time_)) {
    appends.push_back({store::RealtimeStore::InboxKey(delivery.user_id), hub::UserChannel(delivery.user_id),
                       std::move(delivery.body)});
  }
  return Prepare(event.event_id, event.barber_id, event.client_id, std::move(appends),
                 hub::AvailabilityNoticeFor(event, shop_time_));
}

EventHandler::Prepared EventHandler::PrepareOffer(const hub::WaitlistOfferEvent& event) {
  auto delivery = hub::OfferDelivery(event, shop_time_);
  // The held time is no longer free for anyone else: the day's watchers ask again.
  hub::ScheduleChangedEvent changed{event.event_id, event.barber_id, "time_held", {}, {}};
  if (auto from = shop_time_.Parse(event.start)) changed.from = *from;
  if (auto to = shop_time_.Parse(event.end)) changed.to = *to;
  return Prepare(event.event_id, event.barber_id, {},
                 {{store::RealtimeStore::InboxKey(delivery.user_id), hub::UserChannel(delivery.user_id),
                   std::move(delivery.body)}},
                 hub::AvailabilityNoticeFor(changed, shop_time_));
}

EventHandler::Prepared EventHandler::Prepare(const std::string& event_id, const std::string& barber_id,
                                             const std::string& client_id, std::vector<store::Append> appends,
                                             const std::optional<std::string>& notice) {
  // The day's watchers hear of it in the same step, for a duplicate too.
  return Prepared{store::EventWrite{"rt:event:" + event_id, std::move(appends),
                                    notice ? hub::AvailabilityChannel(barber_id) : std::string(), notice.value_or("")},
                  event_id, barber_id, client_id};
}

Handled EventHandler::Finish(const Prepared& event, const std::optional<std::vector<std::string>>& stored,
                             std::chrono::steady_clock::time_point started) {
  (stored.has_value() ? delivered_ : duplicates_).Inc();
  handle_seconds_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!event.client_id.empty() &&
      BARBERSHOP_FAILPOINT("events.before_ack", event.event_id, event.barber_id, event.client_id)) {
    common::DieAtFailpoint("events.before_ack", "after storing event " + event.event_id + ", before acknowledging it");
  }
  return Handled{};
}

Handled EventHandler::HandleSessionEnded(const hub::SessionEndedEvent& event,
                                         std::chrono::steady_clock::time_point started) {
  // What the key holds is for people reading Redis; the copies need only its existence.
  const auto note = common::ToJsonText(
      nlohmann::json{{"user_id", event.user_id}, {"reason", event.reason}, {"event_id", event.event_id}});
  auto ended = store_.EndSession(event.session_id, note, ended_session_memory_);
  if (!ended) {
    retries_.Inc();
    spdlog::warn("cannot record the end of login session {}: {}; will retry", event.session_id, ended.error().message);
    return Handled{Handled::Outcome::kRetry, {}, {}};
  }
  (*ended ? delivered_ : duplicates_).Inc();
  if (*ended) spdlog::info("login session {} of user {} ended ({})", event.session_id, event.user_id, event.reason);
  handle_seconds_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return Handled{};
}

Handled EventHandler::HandleScheduleChanged(const hub::ScheduleChangedEvent& event,
                                            std::chrono::steady_clock::time_point started) {
  if (!PublishNotice(event.barber_id, hub::AvailabilityNoticeFor(event, shop_time_), event.event_id)) {
    return Handled{Handled::Outcome::kRetry, {}, {}};
  }
  delivered_.Inc();
  handle_seconds_.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return Handled{};
}

bool EventHandler::PublishNotice(const std::string& barber_id, const std::string& notice, const std::string& event_id) {
  if (auto published = store_.Publish(hub::AvailabilityChannel(barber_id), notice); !published) {
    retries_.Inc();
    spdlog::warn("cannot publish the availability notice of event {}: {}; will retry", event_id,
                 published.error().message);
    return false;
  }
  return true;
}

}  // namespace barbershop::realtime::bus
