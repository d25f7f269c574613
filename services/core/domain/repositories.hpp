#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "barbershop/common/result.hpp"
#include "model.hpp"

namespace barbershop::core::domain {

/// An event to store in the outbox together with the change it describes: the routing
/// key it is published with ("appointment.<type>", "barber.schedule_changed") and its
/// JSON payload.  The repository that stores the change names the aggregate (the
/// appointment, the barber).
struct OutboxEvent {
  std::string event_id;
  std::string routing_key;
  std::string payload_json;
};

/// An appointment's change and the outbox event that announces it, stored together.
struct AppointmentChange {
  Appointment before;
  Appointment after;
  OutboxEvent event;
};

/// The outbox event that announces a session's end (routing key "session.ended").
struct SessionEndedEvent {
  std::string event_id;
  std::string payload_json;
};

/// Sessions ended by a change, stored with it: why, when, and each one's event.
struct SessionEnding {
  SessionEnd reason;
  TimePoint at;
  std::function<SessionEndedEvent(const std::string& session_id, const std::string& user_id)> announce;
};

/// The fields a profile change sets; those unset stay as they are.  An empty phone
/// removes the phone number.  Checked (and normalized) before a repository sees them.
struct ProfileChange {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> phone;
};

/// Accounts: who may log in, and as what.  An implementation is used by one thread at a
/// time.
class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  /// kAlreadyExists naming the field when the username or e-mail is taken.
  virtual common::Result<User> CreateUser(const std::string& username, const std::string& email,
                                          const std::string& password_hash, Role role) = 0;
  virtual common::Result<std::optional<User>> FindUserByEmail(const std::string& email) = 0;
  virtual common::Result<std::optional<User>> FindUserById(const std::string& id) = 0;
  /// Changes the fields `change` sets on the account (not deleted); the account as
  /// changed, nullopt when there is none.  kAlreadyExists naming the field when the
  /// username or e-mail is taken.  A new username shows on the account's appointments.
  virtual common::Result<std::optional<User>> UpdateProfile(const std::string& id, const ProfileChange& change) = 0;
  /// Deactivates or reactivates the account (not deleted); false when there is none.  A
  /// deactivation ends every open session of the account, as `ending` says, in the same
  /// transaction.
  virtual common::Result<bool> SetActive(const std::string& id, bool active, const SessionEnding& ending) = 0;
  /// Replaces the account's password hash while it is still `old_hash`, and ends every
  /// other open session of the account than `kept_session`, in one transaction; false
  /// when the hash is not `old_hash` (changed meanwhile) or the account is gone.
  virtual common::Result<bool> ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                                   const std::string& new_hash, const std::string& kept_session,
                                                   const SessionEnding& ending) = 0;
  /// Deletes a customer's account, in one transaction: stores `cancellations` (each as
  /// AppointmentRepository::Update does, with its event), then scrubs the account (its
  /// username becomes "former customer", on its appointments too; its e-mail, phone and
  /// password are cleared; it is inactive for good) and ends its open sessions.
  /// kFailedPrecondition, changing nothing, when an appointment changed meanwhile or the
  /// client still has a live one starting after `now`.
  virtual common::Status DeleteCustomer(const std::string& id, const std::vector<AppointmentChange>& cancellations,
                                        TimePoint now, const SessionEnding& ending) = 0;
};

/// What a refresh token's use found.
enum class RefreshUse {
  kRotated,  ///< it was current: it is used up now, and the next one stored
  kUnknown,  ///< no such token (never issued, or pruned)
  kExpired,
  kReused,        ///< it had been used already: someone else holds a copy
  kSessionEnded,  ///< its session has ended, or its account is closed
};

struct RefreshOutcome {
  RefreshUse use;
  std::string session_id;  ///< empty for kUnknown
  User user;               ///< the session's account, as it is now (kRotated only)
};

/// Login sessions and their refresh tokens (by hash; the tokens themselves are never
/// stored).  An implementation is used by one thread at a time.
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  /// Starts a session for the account with its first refresh token.
  virtual common::Status CreateSession(const std::string& session_id, const std::string& user_id,
                                       const std::string& refresh_hash, TimePoint now,
                                       TimePoint refresh_expires_at) = 0;
  /// The state of the session and its account, when the session is the user's, and the
  /// account when both are open: one read by primary key.  kEnded for a session that is
  /// not there or is another user's.
  virtual common::Result<SessionCheck> FindSessionState(const std::string& session_id, const std::string& user_id) = 0;
  /// Uses the refresh token with this hash: when it is unused and unexpired, and its
  /// session and account are open, marks it used and stores `next_hash` after it, in one
  /// transaction.  Otherwise changes nothing and says why.
  virtual common::Result<RefreshOutcome> RotateRefreshToken(const std::string& used_hash, const std::string& next_hash,
                                                            TimePoint now, TimePoint next_expires_at) = 0;
  /// Ends the user's session, with its event, unless it has ended already; whether it
  /// was open.
  virtual common::Result<bool> EndSession(const std::string& session_id, const std::string& user_id,
                                          const SessionEnding& ending) = 0;
};

/// Barbers: their chairs (name, hours, auto-confirm) and price lists.  Each change that
/// comes with an event stores it in the same transaction, about the barber.  An
/// implementation is used by one thread at a time.
class BarberRepository {
 public:
  virtual ~BarberRepository() = default;
  /// Makes an existing user a barber with these hours (replacing any earlier hours) and
  /// booking rules (nullopt: as they were; none for a new barber), with `event` when
  /// there is one (barbers made without a call, such as the demo data's, announce
  /// nothing).
  virtual common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                                    const std::vector<WorkingHours>& hours, const std::optional<RuleChoices>& rules,
                                    const std::optional<OutboxEvent>& event) = 0;
  virtual common::Result<std::optional<Barber>> FindBarberById(const std::string& id) = 0;
  /// The barber with this display name, ignoring case.
  virtual common::Result<std::optional<Barber>> FindBarberByName(const std::string& name) = 0;
  virtual common::Result<std::vector<Barber>> ListBarbers() = 0;
  /// Adds the service to the barber's price list, or replaces the one of the same name
  /// (ignoring case), with `event` when there is one (as for SaveBarber).
  virtual common::Status SaveService(const std::string& barber_id, const BarberService& service,
                                     const std::optional<OutboxEvent>& event) = 0;
  /// Removes the barber's service of that name (ignoring case), with `event`; the one
  /// removed, if any (none: nothing changes, and no event is stored).
  virtual common::Result<std::optional<BarberService>> RemoveService(const std::string& barber_id,
                                                                     const std::string& name,
                                                                     const OutboxEvent& event) = 0;
};

/// Barbers' time off.  Each change stores its event in the same transaction, about the
/// barber.  An implementation is used by one thread at a time.
class TimeOffRepository {
 public:
  virtual ~TimeOffRepository() = default;
  /// Stores the time off with `event`; kFailedPrecondition naming them, and storing
  /// neither, when live appointments of the barber fall in it (the database decides, also
  /// against a booking racing it).
  virtual common::Result<TimeOff> AddTimeOff(const Barber& barber, const TimeRange& during, const std::string& reason,
                                             const OutboxEvent& event) = 0;
  virtual common::Result<std::optional<TimeOff>> FindTimeOffById(const std::string& id) = 0;
  /// Deletes the time off with `event`; neither when it is gone already.
  virtual common::Status DeleteTimeOff(const TimeOff& off, const OutboxEvent& event) = 0;
  /// The barber's time off overlapping `range`, the earliest first, at most 500.
  virtual common::Result<std::vector<TimeOff>> ListTimeOff(const std::string& barber_id, const TimeRange& range) = 0;
};

/// The most appointments one list gives; the repository reads one more, to tell whether
/// more follow.
inline constexpr std::size_t kListLimit = 500;

/// A proposed booking.
struct NewAppointment {
  std::string id;
  const Barber* barber;
  const User* client;
  TimePoint starts_at;
  TimePoint ends_at;
  AppointmentStatus status;
  /// The key a retry of this booking will carry (empty: none), and who booked it: a key
  /// books once per booker.
  std::string idempotency_key;
  std::string booked_by;
  /// The service booked (its length is the booking's), or none.
  const BarberService* service = nullptr;
  /// The most live future bookings the client may hold with this one (0: no limit);
  /// the database counts them under the client's lock.
  int live_booking_cap = 0;
  /// The barber's buffer after the appointment.
  std::chrono::minutes buffer{0};
};

/// The appointment a proposal becomes once stored: its parties' names and its service's
/// name and price copied in, as the appointment keeps them when they later change.
inline Appointment AppointmentFrom(const NewAppointment& proposal) {
  const auto* service = proposal.service;
  return Appointment{proposal.id,
                     proposal.barber->id,
                     proposal.barber->name,
                     proposal.client->id,
                     proposal.client->username,
                     proposal.starts_at,
                     proposal.ends_at,
                     proposal.status,
                     service ? service->name : std::string(),
                     service ? service->price_cents : 0,
                     proposal.buffer};
}

/// Appointments.  Every write stores its outbox event in the same transaction.
/// An implementation is used by one thread at a time.
class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;
  /// kAlreadyExists when the barber or the client has a live appointment overlapping it,
  /// or when its booker already booked with its idempotency key; kFailedPrecondition when
  /// the barber is off at that time.
  virtual common::Result<Appointment> Insert(const NewAppointment& appointment,
                                             const std::function<OutboxEvent(const Appointment&)>& event) = 0;
  virtual common::Result<std::optional<Appointment>> Find(const std::string& id) = 0;
  /// The appointment `booked_by` booked with `idempotency_key`, if any.
  virtual common::Result<std::optional<Appointment>> FindByIdempotencyKey(const std::string& booked_by,
                                                                          const std::string& idempotency_key) = 0;
  /// Sets `after`'s status and times when the row still has `before`'s status and start;
  /// kFailedPrecondition when someone changed it first, kAlreadyExists on overlap.
  virtual common::Result<Appointment> Update(const Appointment& before, const Appointment& after,
                                             const OutboxEvent& event) = 0;
  /// The earliest kListLimit + 1 starting in `range`, in time order.
  virtual common::Result<std::vector<Appointment>> ListForClient(const std::string& client_id,
                                                                 const TimeRange& range) = 0;
  virtual common::Result<std::vector<Appointment>> ListForBarber(const std::string& barber_id,
                                                                 const TimeRange& range) = 0;
  /// Every change to the appointment that Insert and Update stored, in the order made.
  virtual common::Result<std::vector<AppointmentChangeRecord>> History(const std::string& appointment_id) = 0;
};

/// An appointment as a calendar feed shows it: with how often it changed after it was
/// booked (its iCalendar SEQUENCE) and when it last changed.
struct CalendarEntry {
  Appointment appointment;
  int changes = 0;
  TimePoint revised_at;
};

/// The most appointments one calendar feed holds.
inline constexpr std::size_t kCalendarLimit = 1000;

/// Calendar links: each account's one secret link (kept as its token's hash) to an
/// iCalendar feed of its appointments.  An implementation is used by one thread at a time.
class CalendarRepository {
 public:
  virtual ~CalendarRepository() = default;
  /// Gives the account the link with this token hash, in place of any it had.
  virtual common::Status SetCalendarLink(const std::string& user_id, const std::string& token_hash, TimePoint now) = 0;
  /// The account whose link has this token hash, if any.
  virtual common::Result<std::optional<User>> FindCalendarOwner(const std::string& token_hash) = 0;
  /// The account's appointments, as barber or as client, starting from `since`, in time
  /// order, at most kCalendarLimit.
  virtual common::Result<std::vector<CalendarEntry>> CalendarEntries(const std::string& user_id, TimePoint since) = 0;
};

/// A time held for a customer on the waitlist (migration 015).
struct WaitlistHold {
  std::string id;
  std::string entry_id;
  std::string barber_id;
  std::string client_id;
  TimeRange during;
  TimePoint offered_at;
  TimePoint expires_at;
  std::string state;  ///< held, claimed, passed, lapsed, withdrawn
  /// The barber's buffer, kept free around the held time as after the booking that claims it.
  std::chrono::minutes buffer{0};
};

/// A customer's place in a barber's line.
struct WaitlistEntry {
  std::string id;
  std::string client_id;
  std::string barber_id;
  std::string barber_name;
  TimeRange window;          ///< the earliest start, the latest end
  std::string service_name;  ///< empty: the shop's default length
  std::chrono::minutes length{0};
  TimePoint joined_at;
  std::string state;                  ///< waiting, booked, left
  std::optional<WaitlistHold> hold;   ///< the time held for it now
  std::vector<TimeRange> declined{};  ///< times it passed or let lapse: not offered to it again
};

/// A barber whose customers wait without a time held for them, and the span of their
/// windows: from the earliest start to the latest end.
struct WaitingLine {
  std::string barber_id;
  TimeRange windows;
};

/// The waitlist's entries and holds.  Each change that tells someone stores its event in
/// the same transaction.  An implementation is used by one thread at a time.
class WaitlistRepository {
 public:
  virtual ~WaitlistRepository() = default;
  /// Stores a new waiting entry; kResourceExhausted when its customer already has
  /// `max_waiting` entries waiting (counted under the customer's lock).
  virtual common::Status AddEntry(const WaitlistEntry& entry, int max_waiting) = 0;
  virtual common::Result<std::optional<WaitlistEntry>> FindEntry(const std::string& id) = 0;
  /// The customer's entries, the latest joined first, each with its hold now.
  virtual common::Result<std::vector<WaitlistEntry>> EntriesOf(const std::string& client_id) = 0;
  virtual common::Result<std::optional<WaitlistHold>> FindHold(const std::string& id) = 0;
  /// The barber's waiting entries whose windows overlap `range`, first joined first, each
  /// with its hold now and the times it declined.
  virtual common::Result<std::vector<WaitlistEntry>> Line(const std::string& barber_id, const TimeRange& range) = 0;
  /// The barber's held times overlapping `range`.
  virtual common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) = 0;
  /// Stores `hold` with `event`; false, storing neither, when the time was booked or held
  /// meanwhile, or the entry no longer waits or has a hold already.
  virtual common::Result<bool> Offer(const WaitlistHold& hold, const OutboxEvent& event) = 0;
  /// Ends the hold while it is held, as `state` (passed or withdrawn), with `event`; false
  /// when it was not held.
  virtual common::Result<bool> EndHold(const WaitlistHold& hold, const std::string& state,
                                       const OutboxEvent& event) = 0;
  /// Takes the entry out of line and withdraws its hold, if any; the hold withdrawn.
  virtual common::Result<std::optional<WaitlistHold>> Leave(const std::string& entry_id) = 0;
  /// Stores `event` about the barber on its own (a time no longer held, not offered on).
  virtual common::Status Announce(const std::string& barber_id, const OutboxEvent& event) = 0;
  /// Marks at most `limit` holds still held at `now` past their expiry as lapsed, skipping
  /// those another copy is marking; the holds marked.
  virtual common::Result<std::vector<WaitlistHold>> Lapse(TimePoint now, std::size_t limit) = 0;
  /// The barbers (at most `limit`) whose customers who can book wait, without a time held
  /// for them, for a window that ends after `now`, with those windows' span.
  virtual common::Result<std::vector<WaitingLine>> WaitingLines(TimePoint now, std::size_t limit) = 0;
};

}  // namespace barbershop::core::domain
