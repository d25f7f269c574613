#pragma once

#include <optional>

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

/// The event row for the outbox: a new event_id and the event's JSON payload (docs/realtime.md)
/// (event_id, type, occurred_at, appointment, actor, and previous/last_minute/reminder
/// where they apply).  Plain function; thread-safe.
OutboxEvent MakeOutboxEvent(const EventDetails& details, const common::ShopTime& shop_time, TimePoint now);

}  // namespace barbershop::core::domain
