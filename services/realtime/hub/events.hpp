#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"

namespace barbershop::realtime::hub {

/// An appointment event as the core publishes it (exchange barbershop.events).
struct AppointmentEvent {
  std::string event_id;
  std::string type;  ///< "appointment.created", ..., "appointment.reminder"
  std::string occurred_at;
  std::string appointment_id;
  std::string barber_id;
  std::string barber_name;
  std::string client_id;
  std::string client_name;
  std::string start;
  std::string end;
  std::string status;
  std::string service;  ///< the service booked, if any
  std::string actor_user_id;
  std::string actor_role;
  std::optional<std::string> previous_start;
  std::optional<int> reminder_minutes_before;
  bool last_minute = false;
};

/// A login session the core ended (logout, password change, deactivation, account
/// deletion, a refresh token used twice): type "session.ended".  Every socket opened
/// with a token of that session ("sid") is closed, on every copy.
struct SessionEndedEvent {
  std::string event_id;
  std::string session_id;
  std::string user_id;
  std::string reason;  ///< "logout", "password_changed", "deactivated", "account_deleted", "refresh_reused"
  std::string occurred_at;
};

/// A barber's hours, services or time off changed (type "barber.schedule_changed"): their
/// free slots may have changed, on the days of [from, to) when the change was time off,
/// on any day otherwise.
struct ScheduleChangedEvent {
  std::string event_id;
  std::string barber_id;
  std::string change;  ///< "time_off_added", "time_off_removed", "hours_changed", "services_changed"
  std::optional<common::TimePoint> from;
  std::optional<common::TimePoint> to;
};

/// A time held for a customer on the waitlist (type "barber.waitlist_offer"): the
/// customer is told, and the barber's free slots changed on its day.
struct WaitlistOfferEvent {
  std::string event_id;
  std::string occurred_at;
  std::string hold_id;
  std::string entry_id;
  std::string barber_id;
  std::string barber_name;
  std::string client_id;
  std::string start;
  std::string end;
  std::string expires_at;
};

/// Why an event cannot be handled: such a message goes to the dead-letter queue.
struct PoisonReason {
  std::string code;  ///< "bad_json", "missing_field", "unknown_type", "bad_time", "bad_field"
  std::string detail;
};

/// The longest login session id an event may name (the core's are UUIDs).
inline constexpr std::size_t kMaxSessionIdBytes = 128;

/// An event as read from the bus, or why it cannot be handled.
using ParsedEvent =
    std::variant<AppointmentEvent, SessionEndedEvent, ScheduleChangedEvent, WaitlistOfferEvent, PoisonReason>;

/// Parses an event body; a PoisonReason for anything the service cannot act on.  A
/// session.ended event needs event_id, session_id (at most kMaxSessionIdBytes of
/// letters, digits, '-' and '_'), user_id and reason; a reason this copy does not know
/// still ends the session (ending one is the safe side of doubt).  A
/// barber.schedule_changed event needs event_id, barber.id (as plain as a session id)
/// and change; from and to, when given, must be readable times.  A barber.waitlist_offer
/// event needs event_id and its hold's id, entry_id, barber_id (plain), client_id (plain),
/// and start, end and expires_at as readable times.
ParsedEvent ParseEvent(std::string_view body, const common::ShopTime& shop_time);

/// One message for one user's inbox: the stored JSON object, without its id.
struct Delivery {
  std::string user_id;
  std::string body;
};

/// The seed's messages an event turns into, for the barber and for the client:
/// a status message (appointment_confirmation, appointment_cancellation, ...), a
/// `notification` for reminders, and an extra urgent `notification` for last-minute
/// changes to the party who did not make them.  Pure; thread-safe.
std::vector<Delivery> BuildDeliveries(const AppointmentEvent& event, const common::ShopTime& shop_time);

/// The `notification` (kind "waitlist_offer") that tells the customer a time is held for
/// them: the hold's id to claim or pass it with, the barber, the time, and until when.
Delivery OfferDelivery(const WaitlistOfferEvent& event, const common::ShopTime& shop_time);

}  // namespace barbershop::realtime::hub
