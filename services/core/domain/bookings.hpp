#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "day_source.hpp"
#include "unit_of_work.hpp"

namespace barbershop::core::domain {

struct BookingPolicy {
  std::chrono::minutes default_length{30};
  /// The shop's booking rules: a barber's own choices override them one by one.
  BookingRules rules;
  /// A barber's move or cancellation this close to the start is flagged last-minute.
  std::chrono::minutes last_minute_window{120};
  /// The most live future bookings a customer may hold by booking for themselves
  /// (0: no limit).  Only customers are held to it: not an admin booking for a client,
  /// nor a barber booking another barber's chair for themselves.
  int max_live_bookings = 8;
};

/// How long a booking of `service` (nullptr: none) lasts under `policy`.
inline std::chrono::minutes LengthOf(const BarberService* service, const BookingPolicy& policy) {
  return service != nullptr ? service->duration : policy.default_length;
}

/// Later than any time ShopTime parses (year 9999): the end of a range without one.
inline constexpr TimePoint kEndOfTime{std::chrono::seconds{253402300800}};

/// ISO 8601 text, where a calendar day alone ("2026-12-01") is its start in the shop's
/// time zone.
common::Result<TimePoint> ParseDayOrTime(const common::ShopTime& shop_time, const std::string& text);

/// [from, to) from optional bounds as ParseDayOrTime reads them: from the start of the
/// shop's day at `now` when `from` is empty, with no end when `to` is.  The error names
/// the bad field.
common::Result<TimeRange> ParseRange(const common::ShopTime& shop_time, TimePoint now, const std::string& from,
                                     const std::string& to);

/// The shop's calendar day after `day`.
common::LocalTime NextDay(const common::LocalTime& day, const common::ShopTime& shop_time);

/// The start of the shop's calendar day `text` ("2026-12-01"); kInvalidArgument naming
/// `field` when it is not one.
common::Result<TimePoint> ParseCalendarDay(const common::ShopTime& shop_time, const std::string& text,
                                           const std::string& field);

/// The barber named `barber_name`, or, when it is empty, the one whose user id is
/// `barber_id`: each checked first (kInvalidArgument), kNotFound saying which is missing.
common::Result<Barber> FindBarber(BarberRepository& barbers, const std::string& barber_name,
                                  const std::string& barber_id);

/// Whether a booking of `barber` over [start, end) follows the booking `rules` at `now`:
/// kInvalidArgument in the past; kFailedPrecondition naming the rule it breaks (too soon,
/// too far ahead, outside working hours, off the grid).  Working hours that close at
/// midnight run on into the next day's that open then.  Time off, overlaps and buffers
/// are the repository's to refuse.  Plain function for unit tests.
common::Status CheckBookable(const Barber& barber, TimePoint start, TimePoint end, TimePoint now,
                             const common::ShopTime& shop_time, const BookingRules& rules);

/// What keeps a barber's slot from being free.
struct Busy {
  std::vector<TimeRange> off;     ///< time off
  std::vector<TimeRange> booked;  ///< live appointments, each to its end and its buffer after
};

/// The starts of `barber`'s free slots of `length` on the shop's calendar day `day`:
/// every `rules.grid` of the wall clock from each opening, within working hours (on past
/// midnight when the next day's open then), between the rules' notice and horizon from
/// `now`, clear of time off, and, with the rules' buffer after the slot, of every
/// appointment and its buffer.  A wall-clock time the clocks skip is not offered; one
/// they repeat is offered once, at the first of its two instants.  Plain function for
/// unit tests.
std::vector<TimePoint> FreeSlots(const Barber& barber, const common::LocalTime& day, TimePoint now, const Busy& busy,
                                 const common::ShopTime& shop_time, const BookingRules& rules,
                                 std::chrono::minutes length);

/// The free slots on the calendar day `date` for `service` of the barber `days` finds
/// (by name, or by id when the name is empty), under their rules and the shop's
/// (`policy`), at `now`: what GetAvailableSlots answers.
common::Result<std::vector<TimePoint>> FreeSlotsFrom(DaySource& days, const std::string& barber_name,
                                                     const std::string& barber_id, const std::string& date,
                                                     const std::string& service, const BookingPolicy& policy,
                                                     const common::ShopTime& shop_time, TimePoint now);

/// A list's appointments, the earliest kListLimit, and whether more start in its range
/// after the last of them.
struct AppointmentList {
  std::vector<Appointment> appointments;
  bool more = false;
};

/// The earliest kListLimit of up to kListLimit + 1 appointments a repository listed, and
/// whether more follow.
AppointmentList UpToLimit(std::vector<Appointment> listed);

/// One caller's own list: whose (`party`, a client or, with `chair`, a barber's chair)
/// over which range.
struct ListKey {
  std::string party;
  bool chair = false;
  TimeRange range;
};

/// The key of `caller`'s own list when the request asks for it (`user_id` empty or the
/// caller's) and its range parses; nullopt otherwise (someone else's list, or bad input,
/// which BookingService::List answers with its checks).
std::optional<ListKey> OwnListKey(const Caller& caller, const std::string& user_id, const std::string& from,
                                  const std::string& to, const common::ShopTime& shop_time, TimePoint now);

/// Who may see or change an appointment: its client, its barber, an admin.
bool IsParty(const Caller& caller, const Appointment& appointment);

/// Booking, moving, confirming, cancelling and listing appointments, with the permission
/// checks for each.  Holds only references; one per call is cheap.
class BookingService {
 public:
  BookingService(UnitOfWork& work, const common::ShopTime& shop_time, const common::Clock& clock,
                 const BookingPolicy& policy)
      : accounts_(work.accounts()),
        barbers_(work.barbers()),
        time_off_(work.time_off()),
        appointments_(work.appointments()),
        waitlist_(work.waitlist()),
        shop_time_(shop_time),
        clock_(clock),
        policy_(policy) {}

  /// Books `barber_name`'s chair for `user_id` (the caller's own id when empty), for one
  /// of the barber's services (its length; the shop's default length when `service` is
  /// empty).  With an `idempotency_key`, a retry of the same booking by the same caller
  /// answers with the appointment the first made, and books nothing more.
  common::Result<Appointment> Create(const Caller& caller, const std::string& user_id, const std::string& date_time,
                                     const std::string& barber_name, const std::string& idempotency_key = {},
                                     const std::string& service = {});
  common::Result<Appointment> Confirm(const Caller& caller, const std::string& appointment_id);
  /// Moves the appointment; `before`, when given, gets it as it was (the time it leaves).
  common::Result<Appointment> Modify(const Caller& caller, const std::string& appointment_id,
                                     const std::string& date_time, Appointment* before = nullptr);
  common::Result<Appointment> Cancel(const Caller& caller, const std::string& appointment_id);
  /// The barber's verdict on a confirmed appointment that has started: `outcome` is
  /// kCompleted (the client came) or kNoShow.
  common::Result<Appointment> Close(const Caller& caller, const std::string& appointment_id, AppointmentStatus outcome);
  common::Result<Appointment> Get(const Caller& caller, const std::string& appointment_id);
  /// Every change to the appointment, for its parties and admins.
  common::Result<std::vector<AppointmentChangeRecord>> History(const Caller& caller, const std::string& appointment_id);
  /// Where `barber_name` can still be booked on `date` ("2026-12-01", the shop's calendar)
  /// for `service` (the shop's default length when empty).  Anyone may ask, signed in or
  /// not: a shop shows what is free before anyone signs up, and the answer names no one.
  common::Result<std::vector<TimePoint>> Slots(const std::string& barber_name, const std::string& date,
                                               const std::string& service = {});
  /// What Slots answers, for the barber whose user id is `barber_id` (the id the barbers'
  /// events and WebSocket paths name them by).
  common::Result<std::vector<TimePoint>> SlotsById(const std::string& barber_id, const std::string& date,
                                                   const std::string& service = {});
  /// A barber's chair when `user_id` is a barber, otherwise that client's bookings, that
  /// start in [from, to) (ISO 8601 text; a calendar day alone is its start): from the
  /// start of today (shop time) when `from` is empty, with no end when `to` is.
  common::Result<AppointmentList> List(const Caller& caller, const std::string& user_id, const std::string& from = {},
                                       const std::string& to = {});
  /// A caller's own list, by the key OwnListKey gave for their request: what List answers.
  common::Result<AppointmentList> ListOwn(const ListKey& key);

  /// `barber`'s service called `service`: nullptr when `service` is empty (a booking of
  /// the shop's default length), kNotFound naming those offered when there is none.
  static common::Result<const BarberService*> Offered(const Barber& barber, const std::string& service);

 private:
  /// The appointment `caller` booked earlier with this key, when there is one: an error
  /// when that booking was for another barber, client or time.
  common::Result<std::optional<Appointment>> Replay(const Caller& caller, const std::string& idempotency_key,
                                                    const std::string& client_id, const std::string& barber_id,
                                                    TimePoint start, const BarberService* service);
  /// How long a booking of `service` (nullptr: none) lasts.
  std::chrono::minutes LengthOf(const BarberService* service) const { return domain::LengthOf(service, policy_); }
  /// The free slots on `date` for `service` of the barber FindBarber finds, once `date`
  /// is a calendar day.  Slots and SlotsById answer with it.
  common::Result<std::vector<TimePoint>> SlotsOf(const std::string& barber_name, const std::string& barber_id,
                                                 const std::string& date, const std::string& service);
  common::Result<Appointment> FindForCaller(const Caller& caller, const std::string& appointment_id);
  common::Result<Appointment> Transition(const Caller& caller, const Appointment& before, const Appointment& after,
                                         EventType type);

  AccountRepository& accounts_;
  BarberRepository& barbers_;
  TimeOffRepository& time_off_;
  AppointmentRepository& appointments_;
  WaitlistRepository& waitlist_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
  const BookingPolicy& policy_;
};

}  // namespace barbershop::core::domain
