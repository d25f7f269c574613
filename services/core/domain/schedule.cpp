#include "schedule.hpp"

#include <algorithm>

#include "bookings.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

namespace {

/// The parts of `ranges` inside `within`, empty ones left out.
std::vector<TimeRange> Clipped(const std::vector<TimeRange>& ranges, const TimeRange& within) {
  std::vector<TimeRange> out;
  for (const auto& r : ranges) {
    const TimeRange part{std::max(r.from, within.from), std::min(r.to, within.to)};
    if (part.from < part.to) out.push_back(part);
  }
  return out;
}

}  // namespace

std::vector<TimeRange> Merged(std::vector<TimeRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const TimeRange& a, const TimeRange& b) { return a.from < b.from; });
  std::vector<TimeRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.from <= out.back().to) {
      out.back().to = std::max(out.back().to, r.to);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<TimeRange> Without(const std::vector<TimeRange>& whole, const std::vector<TimeRange>& taken) {
  std::vector<TimeRange> out;
  for (const auto& w : whole) {
    TimePoint from = w.from;
    for (const auto& t : taken) {
      if (t.to <= from || t.from >= w.to) continue;
      if (t.from > from) out.push_back({from, t.from});
      from = std::max(from, t.to);
    }
    if (from < w.to) out.push_back({from, w.to});
  }
  return out;
}

std::vector<TimeRange> WorkingTime(const Barber& barber, TimePoint first, TimePoint end,
                                   const common::ShopTime& shop_time) {
  std::vector<TimeRange> open;
  // From the day before: its hours may run on past midnight into the first day.
  auto day = shop_time.ToLocal(first - std::chrono::hours(24));
  for (int days = 0; days <= kLongestSchedule + 2 && shop_time.AtLocalMinute(day, 0) < end; ++days) {
    for (const auto& hours : barber.hours) {
      if (hours.weekday != day.iso_weekday) continue;
      open.push_back(
          {shop_time.AtLocalMinute(day, hours.opens_minute), shop_time.AtLocalMinute(day, hours.closes_minute)});
    }
    day = NextDay(day, shop_time);
  }
  return Clipped(Merged(std::move(open)), {first, end});
}

common::Status CheckOneBarber(const std::string& barber_name, const std::string& barber_id) {
  if (barber_name.empty() == barber_id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "give barber_name or barber_id, not both");
  }
  return common::Ok{};
}

bool SeesDetails(const Caller* caller, const std::string& barber_id) {
  return caller != nullptr && (caller->role == Role::kAdmin || caller->user_id == barber_id);
}

common::Result<BarberSchedule> ScheduleReader::Read(const Caller* caller, const std::string& barber_name,
                                                    const std::string& barber_id, const std::string& from,
                                                    const std::string& to) {
  if (auto one = CheckOneBarber(barber_name, barber_id); !one) return one.error();
  auto days = Days(from, to);
  if (!days) return days.error();
  return Read(caller, barber_name, barber_id, *days);
}

common::Result<TimeRange> ScheduleReader::Days(const std::string& from, const std::string& to) const {
  const auto today = shop_time_.ToLocal(clock_.Now());
  auto first = from.empty() ? common::Result<TimePoint>(shop_time_.AtLocalMinute(today, 0))
                            : ParseCalendarDay(shop_time_, from, "from");
  if (!first) return first.error();
  common::Result<TimePoint> end = *first;
  if (to.empty()) {
    auto day = shop_time_.ToLocal(*first);
    for (int i = 0; i < 7; ++i) day = NextDay(day, shop_time_);
    end = shop_time_.AtLocalMinute(day, 0);
  } else {
    end = ParseCalendarDay(shop_time_, to, "to");
    if (!end) return end.error();
  }
  // A month of days, give or take a daylight-saving hour.
  if (*end <= *first || *end - *first > std::chrono::hours(24 * kLongestSchedule + 1)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "to must be a day after from, at most " + std::to_string(kLongestSchedule) + " days after");
  }
  return TimeRange{*first, *end};
}

common::Result<BarberSchedule> ScheduleReader::Read(const Caller* caller, const std::string& barber_name,
                                                    const std::string& barber_id, const TimeRange& days) {
  const TimePoint first = days.from;
  const TimePoint end = days.to;
  auto found = days_.FindBarber(barber_name, barber_id);
  if (!found) return found.error();
  BarberSchedule schedule;
  schedule.barber = std::move(*found);
  schedule.range = days;
  schedule.detailed = SeesDetails(caller, schedule.barber.id);
  schedule.open = WorkingTime(schedule.barber, first, end, shop_time_);

  // Every appointment that starts in the range or runs into it, a page at a time.
  auto booked = EveryBooked(days_, schedule.barber.id, {first - common::kLongestService, end});
  if (!booked) return booked.error();
  const auto& listed = **booked;
  auto off = days_.TimeOffDuring(schedule.barber.id, schedule.range);
  if (!off) return off.error();
  std::vector<TimeRange> taken;
  for (const auto& a : listed) {
    if (IsLive(a.status)) taken.push_back({a.starts_at, a.ends_at});
  }
  for (const auto& t : *off) taken.push_back(t.during);
  // A time held for a customer on the waitlist is busy too.
  auto held = days_.Held(schedule.barber.id, schedule.range);
  if (!held) return held.error();
  taken.insert(taken.end(), held->begin(), held->end());
  schedule.busy = Clipped(Merged(std::move(taken)), schedule.range);
  schedule.free = Without(schedule.open, schedule.busy);
  if (schedule.detailed) {
    for (const auto& a : listed) {
      if (a.starts_at >= first) schedule.appointments.push_back(a);
    }
    schedule.time_off = std::move(*off);
  }
  return schedule;
}

}  // namespace barbershop::core::domain
