#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"

namespace barbershop::core::domain {

using common::TimePoint;

enum class Role { kCustomer, kBarber, kAdmin };
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct User {
  std::string id;
  std::string username;
  std::string email;
  std::string password_hash;
  Role role;
  std::string phone;   ///< "+" and 7 to 15 digits, or empty
  bool active = true;  ///< false: deactivated by an admin, or deleted
};

/// Who is making a request, as their token says.
struct Caller {
  std::string user_id;
  Role role;
  std::string session_id{};  ///< the login session the token belongs to
  /// The caller's account as the call's session check read it, with the session, on the
  /// call's database connection; null until then (whoever needs it then reads it).
  const User* account = nullptr;
};

/// What every authenticated call checks of its caller's session.
enum class SessionState {
  kOpen,
  kEnded,          ///< logged out, ended by a password change or a reused refresh token, or unknown
  kAccountClosed,  ///< the account was deactivated or deleted
};

/// A session's state, with its account as read with it when the session is open.
struct SessionCheck {
  SessionState state;
  std::optional<User> account;  ///< with kOpen
};

/// Why a login session ended.
enum class SessionEnd { kLogout, kPasswordChanged, kDeactivated, kAccountDeleted, kRefreshReused };
const char* SessionEndName(SessionEnd reason);

/// Opening hours on one ISO weekday (1 = Monday), in minutes of the shop's wall clock.
struct WorkingHours {
  unsigned weekday;
  int opens_minute;
  int closes_minute;
};

/// From `from` up to, not including, `to`.
struct TimeRange {
  TimePoint from;
  TimePoint to;
};

/// A stretch of time a barber does not work.
struct TimeOff {
  std::string id;  ///< decimal digits
  std::string barber_id;
  std::string barber_name;
  TimeRange during;
  std::string reason;
};

/// Something a barber offers: how long it takes and what it costs, in the shop
/// currency's minor unit (cents).
struct BarberService {
  std::string name;  ///< unique per barber, ignoring case
  std::chrono::minutes duration{0};
  std::int64_t price_cents = 0;
};

/// The rules a barber's bookings follow.
struct BookingRules {
  std::chrono::minutes buffer{0};      ///< kept free after each appointment
  std::chrono::minutes min_notice{0};  ///< a booking starts at least this long after it is made
  int horizon_days = 366;              ///< and at most this many days after
  std::chrono::minutes grid{30};       ///< slots start this often from the opening of the hours
  /// Within this long of the start, a customer can no longer cancel or move the
  /// appointment (its barber and admins still can).
  std::chrono::minutes cancel_notice{0};
};

/// The longest buffer a barber may keep after an appointment.
inline constexpr std::chrono::minutes kLongestBuffer{4 * 60};

/// A barber's own choice of each booking rule; one left unset follows the shop's.
struct RuleChoices {
  std::optional<int> buffer_minutes{};
  std::optional<int> min_notice_minutes{};
  std::optional<int> horizon_days{};
  std::optional<int> grid_minutes{};
  std::optional<int> cancel_notice_minutes{};
};

struct Barber {
  std::string id;    ///< the barber's user id
  std::string name;  ///< unique display name: the seed's barber_name
  bool auto_confirm = false;
  std::vector<WorkingHours> hours;
  std::vector<BarberService> services;  ///< by name
  RuleChoices rules{};
};

/// The rules `barber`'s bookings follow: their own choices, and the shop's for the rest.
BookingRules RulesOf(const Barber& barber, const BookingRules& shop);

enum class AppointmentStatus { kPending, kConfirmed, kCanceled, kCompleted, kNoShow };
const char* StatusName(AppointmentStatus status);
std::optional<AppointmentStatus> ParseStatus(std::string_view name);
/// Pending and confirmed appointments hold their slot.
bool IsLive(AppointmentStatus status);

struct Appointment {
  std::string id;
  std::string barber_id;
  std::string barber_name;
  std::string client_id;
  std::string client_name;
  TimePoint starts_at;
  TimePoint ends_at;
  AppointmentStatus status;
  /// The service booked and its price when it was booked; empty when the booking took
  /// the shop's default length without a service.
  std::string service_name;
  std::int64_t price_cents = 0;
  /// The barber's buffer after it, as it was when it was booked or last moved: no other
  /// live appointment of the barber starts within it.
  std::chrono::minutes buffer{0};
};

/// One change to an appointment, as its history keeps it.
struct AppointmentChangeRecord {
  TimePoint at;
  std::string change;       ///< an EventTypeName: created, confirmed, modified, ...
  std::string actor_id;     ///< empty: the service itself
  std::string actor_name;   ///< the actor's username as it is now
  std::string actor_role;   ///< customer, barber, admin or system
  std::string from_status;  ///< empty for created
  std::string to_status;
  std::optional<TimeRange> from;  ///< none for created
  TimeRange to;
};

/// What changed, for the outbox: one of the events' routing keys without its prefix.
enum class EventType { kCreated, kConfirmed, kModified, kCanceled, kCompleted, kNoShow, kReminder };
const char* EventTypeName(EventType type);

}  // namespace barbershop::core::domain
