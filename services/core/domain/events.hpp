#pragma once

#include <optional>
#include <string>

#include "barbershop/common/shop_time.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// What an outbox event says, beyond the appointment itself.
struct EventDetails {
  EventType type;
  const Appointment& appointment;
  std::optional<Caller> actor;            ///< empty for the system (reminders)
  const Appointment* previous = nullptr;  ///< the appointment before a move
  bool last_minute = false;               ///< a barber's change close to the start
  std::optional<int> reminder_minutes;    ///< how long before the start a reminder is
};

/// The event row for the outbox: a new event_id, the routing key "appointment.<type>" and
/// the event's JSON payload (docs/realtime.md) (event_id, type, occurred_at, appointment,
/// actor, and previous/last_minute/reminder where they apply).  Plain function;
/// thread-safe.
OutboxEvent MakeOutboxEvent(const EventDetails& details, const common::ShopTime& shop_time, TimePoint now);

/// The routing key, and the payload's type, of an event that says a barber's free slots
/// may have changed.
inline constexpr const char* kScheduleChangedKey = "barber.schedule_changed";

/// What changed of a barber's schedule: the payload's "change".
/// kHoldEnded: a time held for a customer on the waitlist is no longer held.
enum class ScheduleChange { kTimeOffAdded, kTimeOffRemoved, kHoursChanged, kServicesChanged, kHoldEnded };

/// What a barber.schedule_changed event says: whose schedule changed, how, and for time
/// off added or removed, its range.
struct ScheduleChangeDetails {
  ScheduleChange change;
  const std::string& barber_id;         ///< the barber's user id
  const std::string& barber_name;       ///< as it is after the change
  std::optional<TimeRange> time_off{};  ///< the time off added or removed, or the time no longer held
};

/// The barber.schedule_changed event row for the outbox (docs/core.md): a new event_id and
/// the JSON payload {event_id, type, occurred_at, barber: {id, name}, change}, with from
/// and to (the time off's range) when time off was added or removed.  Plain function;
/// thread-safe.
OutboxEvent MakeScheduleChangedEvent(const ScheduleChangeDetails& details, const common::ShopTime& shop_time,
                                     TimePoint now);

}  // namespace barbershop::core::domain
