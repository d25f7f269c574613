#include "waitlist.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/text.hpp"
#include "events.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {
namespace {

using common::ErrorCode;
using common::MakeError;

bool Overlap(const TimeRange& a, const TimeRange& b) { return a.from < b.to && b.from < a.to; }

common::Error NotTheirs(const char* what) {
  return MakeError(ErrorCode::kPermissionDenied, std::string("that ") + what + " belongs to someone else");
}

/// The client a waitlist call is about: the caller, or for an admin anyone.
common::Result<std::string> Whose(const Caller& caller, const std::string& user_id) {
  const std::string& client_id = user_id.empty() ? caller.user_id : user_id;
  if (auto ok = ValidateId(client_id, "user_id"); !ok) return ok.error();
  if (client_id != caller.user_id && caller.role != Role::kAdmin) {
    return MakeError(ErrorCode::kPermissionDenied, "you can only wait in line for yourself");
  }
  return client_id;
}

}  // namespace

OutboxEvent MakeWaitlistOfferEvent(const WaitlistHold& hold, const std::string& barber_name,
                                   const common::ShopTime& shop_time, TimePoint now) {
  OutboxEvent event{common::NewTimeOrderedUuid(), kWaitlistOfferKey, {}};
  event.payload_json = common::ToJsonText(nlohmann::json{{"event_id", event.event_id},
                                                         {"type", kWaitlistOfferKey},
                                                         {"occurred_at", shop_time.Format(now)},
                                                         {"hold",
                                                          {{"id", hold.id},
                                                           {"entry_id", hold.entry_id},
                                                           {"barber_id", hold.barber_id},
                                                           {"barber_name", barber_name},
                                                           {"client_id", hold.client_id},
                                                           {"start", shop_time.Format(hold.during.from)},
                                                           {"end", shop_time.Format(hold.during.to)},
                                                           {"expires_at", shop_time.Format(hold.expires_at)}}}});
  return event;
}

std::optional<TimeRange> FirstFit(const WaitlistEntry& entry, const std::vector<TimePoint>& slots,
                                  const TimeRange& freed) {
  for (const auto start : slots) {
    const TimeRange time{start, start + entry.length};
    if (time.from < entry.window.from || time.to > entry.window.to || !Overlap(time, freed)) continue;
    const bool declined =
        std::any_of(entry.declined.begin(), entry.declined.end(), [&](const TimeRange& d) { return Overlap(d, time); });
    if (!declined) return time;
  }
  return std::nullopt;
}

common::Result<WaitlistEntry> WaitlistService::Join(const Caller& caller, const std::string& user_id,
                                                    const std::string& barber_name, const std::string& date,
                                                    const std::string& from, const std::string& to,
                                                    const std::string& service) {
  auto client_id = Whose(caller, user_id);
  if (!client_id) return client_id.error();
  if (auto ok = ValidateBarberName(barber_name); !ok) return ok.error();
  const auto midnight = ParseCalendarDay(shop_time_, date, "date");
  if (!midnight) return midnight.error();
  const auto opens = common::ParseClockMinutes(from);
  if (!opens) return MakeError(ErrorCode::kInvalidArgument, "from must be HH:MM, e.g. 12:00");
  const auto closes = common::ParseClockMinutes(to);
  if (!closes) return MakeError(ErrorCode::kInvalidArgument, "to must be HH:MM, e.g. 15:00 (24:00 for midnight)");
  const auto barber = FindBarber(work_.barbers(), barber_name, "");
  if (!barber) return barber.error();
  const auto offered = BookingService::Offered(*barber, service);
  if (!offered) return offered.error();
  const auto day = shop_time_.ToLocal(*midnight);
  WaitlistEntry entry;
  entry.id = common::NewUuid();
  entry.client_id = *client_id;
  entry.barber_id = barber->id;
  entry.barber_name = barber->name;
  entry.window = {shop_time_.AtLocalMinute(day, *opens), *closes == 24 * 60
                                                             ? shop_time_.AtLocalMinute(NextDay(day, shop_time_), 0)
                                                             : shop_time_.AtLocalMinute(day, *closes)};
  entry.service_name = *offered ? (*offered)->name : std::string();
  entry.length = *offered ? (*offered)->duration : booking_.default_length;
  entry.joined_at = clock_.Now();
  entry.state = "waiting";
  if (entry.window.to - entry.window.from < entry.length) {
    return MakeError(ErrorCode::kInvalidArgument, "the window from " + from + " to " + to + " is shorter than the " +
                                                      std::to_string(entry.length.count()) + " minutes wanted");
  }
  if (entry.window.to <= entry.joined_at) {
    return MakeError(ErrorCode::kInvalidArgument, "that window has passed");
  }
  if (auto added = work_.waitlist().AddEntry(entry, policy_.max_entries); !added) return added.error();
  // A time already free in the window is offered at once.
  if (auto offers = OfferFreed(barber->id, entry.window); !offers) return offers.error();
  auto stored = work_.waitlist().FindEntry(entry.id);
  if (!stored) return stored.error();
  return stored->value_or(entry);
}

common::Result<std::vector<WaitlistEntry>> WaitlistService::List(const Caller& caller, const std::string& user_id) {
  auto client_id = Whose(caller, user_id);
  if (!client_id) return client_id.error();
  return work_.waitlist().EntriesOf(*client_id);
}

common::Result<WaitlistEntry> WaitlistService::OwnEntry(const Caller& caller, const std::string& entry_id) {
  if (auto ok = ValidateId(entry_id, "entry_id"); !ok) return ok.error();
  auto entry = work_.waitlist().FindEntry(entry_id);
  if (!entry) return entry.error();
  if (!*entry) return MakeError(ErrorCode::kNotFound, "no waitlist entry " + entry_id);
  if ((*entry)->client_id != caller.user_id && caller.role != Role::kAdmin) return NotTheirs("waitlist entry");
  return **entry;
}

common::Result<WaitlistHold> WaitlistService::OwnHold(const Caller& caller, const std::string& hold_id) {
  if (auto ok = ValidateId(hold_id, "hold_id"); !ok) return ok.error();
  auto hold = work_.waitlist().FindHold(hold_id);
  if (!hold) return hold.error();
  if (!*hold) return MakeError(ErrorCode::kNotFound, "no hold " + hold_id);
  // Only the customer it is held for: an admin books for them instead.
  if ((*hold)->client_id != caller.user_id) return NotTheirs("hold");
  if ((*hold)->state != "held") {
    return MakeError(ErrorCode::kFailedPrecondition, "that time is no longer held for you (" + (*hold)->state + ")");
  }
  return **hold;
}

common::Result<WaitlistEntry> WaitlistService::Leave(const Caller& caller, const std::string& entry_id) {
  auto entry = OwnEntry(caller, entry_id);
  if (!entry) return entry.error();
  if (entry->state != "waiting") {
    return MakeError(ErrorCode::kFailedPrecondition, "that entry is no longer waiting (" + entry->state + ")");
  }
  auto withdrawn = work_.waitlist().Leave(entry->id);
  if (!withdrawn) return withdrawn.error();
  if (*withdrawn) {
    if (auto offers = OfferFreed(entry->barber_id, (*withdrawn)->during); !offers) return offers.error();
    if (auto told = Released(**withdrawn); !told) return told.error();
  }
  entry->state = "left";
  entry->hold.reset();
  return *entry;
}

common::Result<Appointment> WaitlistService::Claim(const Caller& caller, const std::string& hold_id) {
  auto hold = OwnHold(caller, hold_id);
  if (!hold) return hold.error();
  if (hold->expires_at <= clock_.Now()) {
    return MakeError(ErrorCode::kFailedPrecondition, "the hold lapsed at " + shop_time_.Format(hold->expires_at) +
                                                         "; the time went to the next in line");
  }
  auto entry = work_.waitlist().FindEntry(hold->entry_id);
  if (!entry) return entry.error();
  if (!*entry) return MakeError(ErrorCode::kNotFound, "no waitlist entry " + hold->entry_id);
  // The booking claims the hold in its own transaction (migration 015's trigger); the
  // hold's id as its idempotency key makes a repeated claim answer with the same booking.
  BookingService bookings(work_, shop_time_, clock_, booking_);
  return bookings.Create(caller, hold->client_id, shop_time_.Format(hold->during.from), (*entry)->barber_name,
                         "hold-" + hold->id, (*entry)->service_name);
}

common::Result<WaitlistEntry> WaitlistService::Pass(const Caller& caller, const std::string& hold_id) {
  auto hold = OwnHold(caller, hold_id);
  if (!hold) return hold.error();
  const auto barber = FindBarber(work_.barbers(), "", hold->barber_id);
  if (!barber) return barber.error();
  const auto event = MakeScheduleChangedEvent({ScheduleChange::kHoldEnded, barber->id, barber->name, hold->during},
                                              shop_time_, clock_.Now());
  auto ended = work_.waitlist().EndHold(*hold, "passed", event);
  if (!ended) return ended.error();
  if (!*ended) return MakeError(ErrorCode::kFailedPrecondition, "that time is no longer held for you");
  if (auto offers = OfferFreed(hold->barber_id, hold->during); !offers) return offers.error();
  auto entry = work_.waitlist().FindEntry(hold->entry_id);
  if (!entry) return entry.error();
  if (!*entry) return MakeError(ErrorCode::kNotFound, "no waitlist entry " + hold->entry_id);
  return **entry;
}

common::Result<int> WaitlistService::OfferFreed(const std::string& barber_id, const TimeRange& freed) {
  auto line = work_.waitlist().Line(barber_id, freed);
  if (!line) return line.error();
  if (line->empty()) return 0;
  const auto barber = FindBarber(work_.barbers(), "", barber_id);
  if (!barber) return barber.error();
  const auto rules = RulesOf(*barber, booking_.rules);
  const auto now = clock_.Now();
  // What keeps a time from being offered: around every window in line, the time off, the
  // live appointments with their buffers, and the times held already.
  TimeRange span = line->front().window;
  for (const auto& entry : *line) {
    span.from = std::min(span.from, entry.window.from);
    span.to = std::max(span.to, entry.window.to);
  }
  const auto reach = common::kLongestService + kLongestBuffer;
  const TimeRange around{span.from - reach - std::chrono::hours(24), span.to + reach + std::chrono::hours(24)};
  auto off = work_.time_off().ListTimeOff(barber_id, around);
  if (!off) return off.error();
  RepositoryDays days(work_);
  auto booked = EveryBooked(days, barber_id, around);
  if (!booked) return booked.error();
  auto held = work_.waitlist().Held(barber_id, around);
  if (!held) return held.error();
  Busy busy;
  for (const auto& t : *off) busy.off.push_back(t.during);
  for (const auto& a : **booked) {
    if (IsLive(a.status)) busy.booked.push_back({a.starts_at, a.ends_at + a.buffer});
  }
  for (const auto& h : *held) busy.booked.push_back({h.from, h.to + rules.buffer});
  int offers = 0;
  for (const auto& entry : *line) {
    if (entry.hold) continue;
    const auto day = shop_time_.ToLocal(entry.window.from);
    const auto slots = FreeSlots(*barber, day, now, busy, shop_time_, rules, entry.length);
    const auto time = FirstFit(entry, slots, freed);
    if (!time) continue;
    const WaitlistHold hold{common::NewUuid(),  entry.id, barber_id,   entry.client_id, *time, now,
                            now + policy_.hold, "held",   rules.buffer};
    auto made = work_.waitlist().Offer(hold, MakeWaitlistOfferEvent(hold, barber->name, shop_time_, now));
    if (!made) return made.error();
    if (!*made) continue;  // booked or held meanwhile: the next in line may fit elsewhere
    busy.booked.push_back({time->from, time->to + rules.buffer});
    ++offers;
  }
  return offers;
}

common::Status WaitlistService::Released(const WaitlistHold& hold) {
  auto held = work_.waitlist().Held(hold.barber_id, hold.during);
  if (!held) return held.error();
  if (!held->empty()) return common::Ok{};
  const auto barber = FindBarber(work_.barbers(), "", hold.barber_id);
  if (!barber) return barber.error();
  return work_.waitlist().Announce(
      barber->id, MakeScheduleChangedEvent({ScheduleChange::kHoldEnded, barber->id, barber->name, hold.during},
                                           shop_time_, clock_.Now()));
}

common::Result<int> WaitlistService::Sweep(std::size_t limit) {
  auto lapsed = work_.waitlist().Lapse(clock_.Now(), limit);
  if (!lapsed) return lapsed.error();
  for (const auto& hold : *lapsed) {
    if (auto offers = OfferFreed(hold.barber_id, hold.during); !offers) return offers.error();
    if (auto told = Released(hold); !told) return told.error();
  }
  return static_cast<int>(lapsed->size());
}

common::Result<int> WaitlistService::Recheck(std::size_t lines) {
  auto waiting = work_.waitlist().WaitingLines(clock_.Now(), lines);
  if (!waiting) return waiting.error();
  int offers = 0;
  std::optional<common::Error> failed;  // the first line that failed; the others are rechecked
  for (const auto& line : *waiting) {
    auto made = OfferFreed(line.barber_id, line.windows);
    if (made) {
      offers += *made;
    } else if (!failed) {
      failed = made.error();
    }
  }
  if (failed) return *failed;
  return offers;
}

}  // namespace barbershop::core::domain
