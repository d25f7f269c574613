#include "bookings.hpp"

#include <algorithm>

#include "barbershop/common/ids.hpp"
#include "events.hpp"
#include "price_list.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;
using common::Ok;

namespace {

/// "1 hour", "90 minutes", "2 days".
std::string Spell(std::chrono::minutes length) {
  const auto n = length.count();
  constexpr decltype(n) kMinutesPerDay = std::chrono::days{1} / std::chrono::minutes{1};
  const auto plural = [](long long count, const char* unit) {
    return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
  };
  if (n > 0 && n % kMinutesPerDay == 0) return plural(n / kMinutesPerDay, "day");
  if (n > 0 && n % 60 == 0) return plural(n / 60, "hour");
  return plural(n, "minute");
}

common::Error NotYours() { return MakeError(ErrorCode::kPermissionDenied, "that appointment belongs to someone else"); }

bool IsBarberOf(const Caller& caller, const Appointment& appointment) {
  return caller.role == Role::kAdmin || caller.user_id == appointment.barber_id;
}

/// A customer's cancellation or move (`what` it is) within the rules' cancel notice of
/// the start is refused; the appointment's barber and admins may still make it.
common::Status CheckCancelNotice(const Caller& caller, const Appointment& appointment, TimePoint now,
                                 const BookingRules& rules, const char* what) {
  if (IsBarberOf(caller, appointment) || appointment.starts_at - now >= rules.cancel_notice) return Ok{};
  return MakeError(ErrorCode::kFailedPrecondition, std::string("too late to cancel: an appointment can be ") + what +
                                                       " up to " + Spell(rules.cancel_notice) +
                                                       " before it starts; ask " + appointment.barber_name);
}

}  // namespace

common::LocalTime NextDay(const common::LocalTime& day, const common::ShopTime& shop_time) {
  return shop_time.ToLocal(shop_time.AtLocalMinute(day, 24 * 60));
}

common::Result<TimePoint> ParseCalendarDay(const common::ShopTime& shop_time, const std::string& text,
                                           const std::string& field) {
  auto midnight = ParseDayOrTime(shop_time, text);
  if (!common::IsCalendarDay(text) || !midnight) {
    return MakeError(ErrorCode::kInvalidArgument,
                     field + " must be a calendar day like 2026-12-01, not '" + text.substr(0, 32) + "'");
  }
  return midnight;
}

common::Result<Barber> FindBarber(BarberRepository& barbers, const std::string& barber_name,
                                  const std::string& barber_id) {
  common::Result<std::optional<Barber>> found = std::optional<Barber>{};
  if (!barber_name.empty()) {
    if (auto ok = ValidateBarberName(barber_name); !ok) return ok.error();
    found = barbers.FindBarberByName(barber_name);
  } else {
    if (auto ok = ValidateId(barber_id, "barber_id"); !ok) return ok.error();
    found = barbers.FindBarberById(barber_id);
  }
  if (!found) return found.error();
  if (!found->has_value()) {
    return MakeError(ErrorCode::kNotFound,
                     barber_name.empty() ? "no barber with id " + barber_id : "no barber named '" + barber_name + "'");
  }
  return std::move(**found);
}

common::Result<TimePoint> ParseDayOrTime(const common::ShopTime& shop_time, const std::string& text) {
  return shop_time.Parse(common::IsCalendarDay(text) ? text + "T00:00" : text);
}

common::Result<TimeRange> ParseRange(const common::ShopTime& shop_time, TimePoint now, const std::string& from,
                                     const std::string& to) {
  TimeRange range{shop_time.AtLocalMinute(shop_time.ToLocal(now), 0), kEndOfTime};
  const auto read_bound = [&](const std::string& text, const char* field, TimePoint& bound) -> common::Status {
    if (text.empty()) return Ok{};
    auto parsed = ParseDayOrTime(shop_time, text);
    if (!parsed) return MakeError(ErrorCode::kInvalidArgument, std::string(field) + ": " + parsed.error().message);
    bound = *parsed;
    return Ok{};
  };
  if (auto ok = read_bound(from, "from", range.from); !ok) return ok.error();
  if (auto ok = read_bound(to, "to", range.to); !ok) return ok.error();
  if (range.from >= range.to) return MakeError(ErrorCode::kInvalidArgument, "from must be before to");
  return range;
}

namespace {

/// When the working time that `hours` (on the shop's day `day`) begins ends: at its
/// closing, or later when it closes at midnight and the next day's hours open then
/// (a week at most: round the clock).
TimePoint WorkUntil(const Barber& barber, const common::LocalTime& day, const WorkingHours& hours,
                    const common::ShopTime& shop_time) {
  common::LocalTime on = day;
  const WorkingHours* last = &hours;
  for (int days = 0; days < 7 && last->closes_minute == 24 * 60; ++days) {
    const auto next = NextDay(on, shop_time);
    const auto follows = std::find_if(barber.hours.begin(), barber.hours.end(), [&](const WorkingHours& h) {
      return h.weekday == next.iso_weekday && h.opens_minute == 0;
    });
    if (follows == barber.hours.end()) break;
    on = next;
    last = &*follows;
  }
  return shop_time.AtLocalMinute(on, last->closes_minute);
}

/// Whether a booking starting at `start` is at least the rules' notice and at most their
/// horizon ahead of `now`.
common::Status CheckNotice(const Barber& barber, TimePoint start, TimePoint now, const BookingRules& rules) {
  if (start <= now) return MakeError(ErrorCode::kInvalidArgument, "that time is in the past");
  if (start - now < rules.min_notice) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "too soon: " + barber.name + " takes bookings at least " + Spell(rules.min_notice) + " ahead");
  }
  if (start - now > std::chrono::hours(24) * rules.horizon_days) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "too far ahead: bookings open at most " + std::to_string(rules.horizon_days) + " days ahead");
  }
  return Ok{};
}

std::string HoursText(const Barber& barber) {
  static constexpr const char* kDays[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::string text;
  for (const auto& hours : barber.hours) {
    text += std::string(text.empty() ? "" : ",") + " " + kDays[hours.weekday] + " " +
            common::FormatClockMinutes(hours.opens_minute) + "-" + common::FormatClockMinutes(hours.closes_minute);
  }
  return text.empty() ? " none" : text;
}

}  // namespace

common::Status CheckBookable(const Barber& barber, TimePoint start, TimePoint end, TimePoint now,
                             const common::ShopTime& shop_time, const BookingRules& rules) {
  if (auto ok = CheckNotice(barber, start, now, rules); !ok) return ok;
  const auto local = shop_time.ToLocal(start);
  const auto stretch = std::find_if(barber.hours.begin(), barber.hours.end(), [&](const WorkingHours& h) {
    return h.weekday == local.iso_weekday && h.opens_minute <= local.minute_of_day &&
           local.minute_of_day < h.closes_minute;
  });
  if (stretch == barber.hours.end() || end > WorkUntil(barber, local, *stretch, shop_time)) {
    return MakeError(ErrorCode::kFailedPrecondition, barber.name + " does not work at " + shop_time.Format(start) +
                                                         "; working hours:" + HoursText(barber));
  }
  const auto grid = rules.grid.count();
  const auto opens = common::FormatClockMinutes(stretch->opens_minute);
  if ((local.minute_of_day - stretch->opens_minute) % grid != 0 ||
      start.time_since_epoch() % std::chrono::minutes(1) != std::chrono::seconds(0)) {
    return MakeError(ErrorCode::kFailedPrecondition, "off the grid: " + barber.name + "'s appointments start every " +
                                                         Spell(rules.grid) + " from " + opens + ", on the minute");
  }
  if (shop_time.AtLocalMinute(local, local.minute_of_day) != start) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "off the grid: " + common::FormatClockMinutes(local.minute_of_day) +
                         " comes twice as the clocks go back; the first of the two is the one booked, " +
                         shop_time.Format(shop_time.AtLocalMinute(local, local.minute_of_day)));
  }
  return Ok{};
}

std::vector<TimePoint> FreeSlots(const Barber& barber, const common::LocalTime& day, TimePoint now, const Busy& busy,
                                 const common::ShopTime& shop_time, const BookingRules& rules,
                                 std::chrono::minutes length) {
  const auto overlaps = [](const std::vector<TimeRange>& ranges, TimePoint from, TimePoint to) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const TimeRange& r) { return r.from < to && from < r.to; });
  };
  std::vector<TimePoint> free;
  for (const auto& hours : barber.hours) {
    if (hours.weekday != day.iso_weekday) continue;
    const TimePoint until = WorkUntil(barber, day, hours, shop_time);
    // The grid runs on the wall clock: a time the clocks skip is not offered, and one
    // they repeat is offered once, at its first (earlier) instant.
    for (int minute = hours.opens_minute; minute < hours.closes_minute;
         minute += static_cast<int>(rules.grid.count())) {
      const TimePoint start = shop_time.AtLocalMinute(day, minute);
      if (shop_time.ToLocal(start).minute_of_day != minute) continue;
      const TimePoint end = start + length;
      if (end > until) break;
      if (!CheckNotice(barber, start, now, rules)) continue;
      if (overlaps(busy.off, start, end) || overlaps(busy.booked, start, end + rules.buffer)) continue;
      free.push_back(start);
    }
  }
  std::sort(free.begin(), free.end());
  return free;
}

bool IsParty(const Caller& caller, const Appointment& appointment) {
  return caller.role == Role::kAdmin || caller.user_id == appointment.client_id ||
         caller.user_id == appointment.barber_id;
}

common::Result<const BarberService*> BookingService::Offered(const Barber& barber, const std::string& service) {
  if (service.empty()) return static_cast<const BarberService*>(nullptr);
  if (const auto* found = FindService(barber, service)) return found;
  std::string offered;
  for (const auto& s : barber.services) offered += (offered.empty() ? "" : ", ") + s.name;
  return MakeError(ErrorCode::kNotFound, barber.name + " offers no service called '" + service.substr(0, 64) +
                                             "'; offered: " + (offered.empty() ? "none" : offered));
}

common::Result<Appointment> BookingService::Create(const Caller& caller, const std::string& user_id,
                                                   const std::string& date_time, const std::string& barber_name,
                                                   const std::string& idempotency_key, const std::string& service) {
  const std::string& client_id = user_id.empty() ? caller.user_id : user_id;
  if (auto ok = ValidateId(client_id, "user_id"); !ok) return ok.error();
  if (client_id != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "you can only book appointments for yourself");
  }
  if (auto ok = ValidateBarberName(barber_name); !ok) return ok.error();
  auto start = shop_time_.Parse(date_time);
  if (!start) return start.error();
  if (!idempotency_key.empty()) {
    if (auto ok = ValidateIdempotencyKey(idempotency_key); !ok) return ok.error();
  }
  // The barber as the list cache keeps them (a busy barber's bookings leave them there),
  // the client as the database has them now: the row names both, checked by its keys.
  auto barber = barbers_.FindBarberByName(barber_name);
  if (!barber) return barber.error();
  if (!*barber) return MakeError(ErrorCode::kNotFound, "no barber named '" + barber_name + "'");
  // A client booking for themselves: their account as the call's session check read it.
  const User* client = client_id == caller.user_id ? caller.account : nullptr;
  std::optional<User> read;
  if (client == nullptr) {
    auto found = accounts_.FindUserById(client_id);
    if (!found) return found.error();
    if (!*found) return MakeError(ErrorCode::kNotFound, "no user with id " + client_id);
    read = std::move(*found);
    client = &*read;
  }
  const Barber& chair = **barber;
  if (chair.id == client_id) return MakeError(ErrorCode::kInvalidArgument, "a barber cannot book their own chair");
  const auto offered = Offered(chair, service);
  if (!offered) return offered.error();
  if (!idempotency_key.empty()) {
    // A retry after the booking was made, even once its time has passed: the answer is
    // that booking.
    auto earlier = Replay(caller, idempotency_key, client_id, chair.id, *start, *offered);
    if (!earlier) return earlier.error();
    if (earlier->has_value()) return std::move(**earlier);
  }
  const TimePoint end = *start + LengthOf(*offered);
  const BookingRules rules = RulesOf(chair, policy_.rules);
  if (auto ok = CheckBookable(chair, *start, end, clock_.Now(), shop_time_, rules); !ok) return ok.error();

  const NewAppointment proposal{common::NewTimeOrderedUuid(),
                                &chair,
                                client,
                                *start,
                                end,
                                chair.auto_confirm ? AppointmentStatus::kConfirmed : AppointmentStatus::kPending,
                                idempotency_key,
                                idempotency_key.empty() ? std::string() : caller.user_id,
                                *offered,
                                caller.role == Role::kCustomer ? policy_.max_live_bookings : 0,
                                rules.buffer};
  auto created = appointments_.Insert(proposal, [&](const Appointment& made) {
    return MakeOutboxEvent({EventType::kCreated, made, caller, nullptr, false, std::nullopt}, shop_time_, clock_.Now());
  });
  if (created || idempotency_key.empty() || created.error().code != ErrorCode::kAlreadyExists) return created;
  // A retry racing the first attempt: the database made it wait for the first to commit,
  // and refused it (same key, or the same client at the same time).
  auto earlier = Replay(caller, idempotency_key, client_id, chair.id, *start, *offered);
  if (!earlier) return earlier.error();
  if (earlier->has_value()) return std::move(**earlier);
  return created;
}

common::Result<std::optional<Appointment>> BookingService::Replay(const Caller& caller,
                                                                  const std::string& idempotency_key,
                                                                  const std::string& client_id,
                                                                  const std::string& barber_id, TimePoint start,
                                                                  const BarberService* service) {
  auto earlier = appointments_.FindByIdempotencyKey(caller.user_id, idempotency_key);
  if (!earlier || !earlier->has_value()) return earlier;
  const Appointment& made = **earlier;
  if (made.client_id != client_id || made.barber_id != barber_id || made.starts_at != start ||
      made.service_name != (service ? service->name : std::string())) {
    return MakeError(ErrorCode::kInvalidArgument, "that idempotency-key already booked a different appointment (" +
                                                      made.barber_name + ", " + shop_time_.Format(made.starts_at) +
                                                      "); use a new key for a new booking");
  }
  return earlier;
}

common::Result<Appointment> BookingService::Confirm(const Caller& caller, const std::string& appointment_id) {
  auto current = FindForCaller(caller, appointment_id);
  if (!current) return current.error();
  if (!IsBarberOf(caller, *current)) {
    return MakeError(ErrorCode::kPermissionDenied, "only the appointment's barber can confirm it");
  }
  if (current->status != AppointmentStatus::kPending) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        std::string("only a pending appointment can be confirmed; this one is ") + StatusName(current->status));
  }
  Appointment after = *current;
  after.status = AppointmentStatus::kConfirmed;
  return Transition(caller, *current, after, EventType::kConfirmed);
}

common::Result<Appointment> BookingService::Modify(const Caller& caller, const std::string& appointment_id,
                                                   const std::string& date_time, Appointment* before) {
  auto current = FindForCaller(caller, appointment_id);
  if (!current) return current.error();
  if (before != nullptr) *before = *current;
  if (!IsLive(current->status)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     std::string("a ") + StatusName(current->status) + " appointment cannot be moved");
  }
  auto start = shop_time_.Parse(date_time);
  if (!start) return start.error();
  auto barber = barbers_.FindBarberById(current->barber_id);
  if (!barber) return barber.error();
  if (!barber->has_value()) return MakeError(ErrorCode::kNotFound, "the appointment's barber no longer works here");
  const auto now = clock_.Now();
  if (current->starts_at <= now && caller.role == Role::kCustomer) {
    return MakeError(ErrorCode::kFailedPrecondition, "the appointment has already started");
  }
  const BookingRules rules = RulesOf(**barber, policy_.rules);
  if (auto ok = CheckCancelNotice(caller, *current, now, rules, "moved"); !ok) return ok.error();
  Appointment after = *current;
  after.starts_at = *start;
  after.ends_at = *start + (current->ends_at - current->starts_at);
  after.buffer = rules.buffer;
  if (auto ok = CheckBookable(**barber, after.starts_at, after.ends_at, now, shop_time_, rules); !ok) {
    return ok.error();
  }
  // A client's move needs the barber's confirmation again; a barber's own move does not.
  if (caller.user_id == current->client_id && caller.role != Role::kAdmin && !(*barber)->auto_confirm) {
    after.status = AppointmentStatus::kPending;
  }
  return Transition(caller, *current, after, EventType::kModified);
}

common::Result<Appointment> BookingService::Cancel(const Caller& caller, const std::string& appointment_id) {
  auto current = FindForCaller(caller, appointment_id);
  if (!current) return current.error();
  if (!IsLive(current->status)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     std::string("a ") + StatusName(current->status) + " appointment cannot be canceled");
  }
  const auto now = clock_.Now();
  if (current->starts_at <= now && !IsBarberOf(caller, *current)) {
    return MakeError(ErrorCode::kFailedPrecondition, "the appointment has already started");
  }
  if (!IsBarberOf(caller, *current)) {
    auto barber = barbers_.FindBarberById(current->barber_id);
    if (!barber) return barber.error();
    const BookingRules rules = barber->has_value() ? RulesOf(**barber, policy_.rules) : policy_.rules;
    if (auto ok = CheckCancelNotice(caller, *current, now, rules, "canceled"); !ok) return ok.error();
  }
  Appointment after = *current;
  after.status = AppointmentStatus::kCanceled;
  return Transition(caller, *current, after, EventType::kCanceled);
}

common::Result<Appointment> BookingService::Close(const Caller& caller, const std::string& appointment_id,
                                                  AppointmentStatus outcome) {
  const bool completed = outcome == AppointmentStatus::kCompleted;
  if (!completed && outcome != AppointmentStatus::kNoShow) {
    return MakeError(ErrorCode::kInvalidArgument, "an appointment closes as completed or no_show");
  }
  auto current = FindForCaller(caller, appointment_id);
  if (!current) return current.error();
  const std::string verdict = completed ? "completed" : "marked a no-show";
  if (!IsBarberOf(caller, *current)) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "only the appointment's barber can mark it " + std::string(completed ? "completed" : "a no-show"));
  }
  if (current->status != AppointmentStatus::kConfirmed) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "only a confirmed appointment can be " + verdict + "; this one is " + StatusName(current->status));
  }
  if (current->starts_at > clock_.Now()) {
    return MakeError(ErrorCode::kFailedPrecondition, "the appointment has not started yet");
  }
  Appointment after = *current;
  after.status = outcome;
  return Transition(caller, *current, after, completed ? EventType::kCompleted : EventType::kNoShow);
}

common::Result<Appointment> BookingService::Get(const Caller& caller, const std::string& appointment_id) {
  return FindForCaller(caller, appointment_id);
}

common::Result<std::vector<AppointmentChangeRecord>> BookingService::History(const Caller& caller,
                                                                             const std::string& appointment_id) {
  auto found = FindForCaller(caller, appointment_id);
  if (!found) return found.error();
  return appointments_.History(appointment_id);
}

common::Result<std::vector<TimePoint>> BookingService::Slots(const std::string& barber_name, const std::string& date,
                                                             const std::string& service) {
  // An empty name would be read as "by id": it is refused as a name.
  if (auto ok = ValidateBarberName(barber_name); !ok) return ok.error();
  return SlotsOf(barber_name, "", date, service);
}

common::Result<std::vector<TimePoint>> BookingService::SlotsById(const std::string& barber_id, const std::string& date,
                                                                 const std::string& service) {
  if (auto ok = ValidateId(barber_id, "barber_id"); !ok) return ok.error();
  return SlotsOf("", barber_id, date, service);
}

common::Result<std::vector<TimePoint>> BookingService::SlotsOf(const std::string& barber_name,
                                                               const std::string& barber_id, const std::string& date,
                                                               const std::string& service) {
  RepositoryDays days(barbers_, time_off_, appointments_, waitlist_);
  return FreeSlotsFrom(days, barber_name, barber_id, date, service, policy_, shop_time_, clock_.Now());
}

common::Result<std::vector<TimePoint>> FreeSlotsFrom(DaySource& days, const std::string& barber_name,
                                                     const std::string& barber_id, const std::string& date,
                                                     const std::string& service, const BookingPolicy& policy,
                                                     const common::ShopTime& shop_time, TimePoint now) {
  const auto midnight = ParseCalendarDay(shop_time, date, "date");
  if (!midnight) return midnight.error();
  const auto found = days.FindBarber(barber_name, barber_id);
  if (!found) return found.error();
  const Barber& chair = *found;
  const auto offered = BookingService::Offered(chair, service);
  if (!offered) return offered.error();
  // The day (at most 25 hours long) and, on each side, the longest a booking and its
  // buffer reach: a slot late in the day can run past midnight.
  const auto reach = common::kLongestService + kLongestBuffer;
  const TimeRange around{*midnight - reach, *midnight + std::chrono::hours(25) + reach};
  auto off = days.TimeOffDuring(chair.id, around);
  if (!off) return off.error();
  auto booked = EveryBooked(days, chair.id, around);
  if (!booked) return booked.error();
  Busy busy;
  for (const auto& t : *off) busy.off.push_back(t.during);
  for (const auto& a : **booked) {
    if (IsLive(a.status)) busy.booked.push_back({a.starts_at, a.ends_at + a.buffer});
  }
  // A time held for a customer on the waitlist is theirs alone until they claim or give
  // it up (it would become a booking with the barber's buffer after it).
  auto held = days.Held(chair.id, around);
  if (!held) return held.error();
  const auto rules = RulesOf(chair, policy.rules);
  for (const auto& h : *held) busy.booked.push_back({h.from, h.to + rules.buffer});
  return FreeSlots(chair, shop_time.ToLocal(*midnight), now, busy, shop_time, rules, LengthOf(*offered, policy));
}

AppointmentList UpToLimit(std::vector<Appointment> listed) {
  AppointmentList list{std::move(listed), false};
  if (list.appointments.size() > kListLimit) {
    list.appointments.resize(kListLimit);
    list.more = true;
  }
  return list;
}

namespace {

common::Result<AppointmentList> UpToLimit(common::Result<std::vector<Appointment>> listed) {
  if (!listed) return listed.error();
  return UpToLimit(std::move(*listed));
}

}  // namespace

std::optional<ListKey> OwnListKey(const Caller& caller, const std::string& user_id, const std::string& from,
                                  const std::string& to, const common::ShopTime& shop_time, TimePoint now) {
  if (!user_id.empty() && user_id != caller.user_id) return std::nullopt;
  if (!ValidateId(caller.user_id, "user_id")) return std::nullopt;
  // Today and what is ahead unless asked otherwise: a busy chair's history would soon
  // fill the list.
  auto range = ParseRange(shop_time, now, from, to);
  if (!range) return std::nullopt;
  // The token says what the caller is: a barber's own list is their chair.
  return ListKey{caller.user_id, caller.role == Role::kBarber, *range};
}

common::Result<AppointmentList> BookingService::ListOwn(const ListKey& key) {
  return UpToLimit(key.chair ? appointments_.ListForBarber(key.party, key.range)
                             : appointments_.ListForClient(key.party, key.range));
}

common::Result<AppointmentList> BookingService::List(const Caller& caller, const std::string& user_id,
                                                     const std::string& from, const std::string& to) {
  if (auto own = OwnListKey(caller, user_id, from, to, shop_time_, clock_.Now())) return ListOwn(*own);
  // Someone else's list, or a request that fails a check below.
  const std::string& target = user_id.empty() ? caller.user_id : user_id;
  if (auto ok = ValidateId(target, "user_id"); !ok) return ok.error();
  if (target != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "you can only list your own appointments");
  }
  const auto parsed = ParseRange(shop_time_, clock_.Now(), from, to);
  if (!parsed) return parsed.error();
  auto barber = barbers_.FindBarberById(target);
  if (!barber) return barber.error();
  if (barber->has_value()) return UpToLimit(appointments_.ListForBarber(target, *parsed));
  auto user = accounts_.FindUserById(target);
  if (!user) return user.error();
  if (!user->has_value()) return MakeError(ErrorCode::kNotFound, "no user with id " + target);
  return UpToLimit(appointments_.ListForClient(target, *parsed));
}

common::Result<Appointment> BookingService::FindForCaller(const Caller& caller, const std::string& appointment_id) {
  if (auto ok = ValidateId(appointment_id, "appointment_id"); !ok) return ok.error();
  auto found = appointments_.Find(appointment_id);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no appointment with id " + appointment_id);
  if (!IsParty(caller, **found)) return NotYours();
  return std::move(**found);
}

common::Result<Appointment> BookingService::Transition(const Caller& caller, const Appointment& before,
                                                       const Appointment& after, EventType type) {
  // A barber's move or cancellation close to the start needs the client's attention now.
  const bool by_barber = caller.role != Role::kCustomer && caller.user_id != before.client_id;
  const bool last_minute = by_barber && (type == EventType::kModified || type == EventType::kCanceled) &&
                           before.starts_at - clock_.Now() <= policy_.last_minute_window;
  const auto event =
      MakeOutboxEvent({type, after, caller, &before, last_minute, std::nullopt}, shop_time_, clock_.Now());
  return appointments_.Update(before, after, event);
}

}  // namespace barbershop::core::domain
