#include "barbershop/common/shop_time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace barbershop::common {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `width` digits at `pos`.
bool ReadDigits(std::string_view text, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + width, out);
  if (ec != std::errc{}) return false;
  pos += width;
  return true;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

Error BadTime(std::string_view text) {
  return MakeError(ErrorCode::kInvalidArgument,
                   "date_time must be ISO 8601, e.g. 2026-12-01T15:00 or 2026-12-01T15:00:00+02:00; got '" +
                       std::string(text.substr(0, 64)) + "'");
}

}  // namespace

Result<ShopTime> ShopTime::ForZone(const std::string& zone_name) {
  try {
    return ShopTime(date::locate_zone(zone_name), zone_name);
  } catch (const std::exception&) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown time zone '" + zone_name + "'");
  }
}

Result<TimePoint> ShopTime::Parse(std::string_view text) const {
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!ReadDigits(text, pos, 4, y) || !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, mo) ||
      !Expect(text, pos, '-') || !ReadDigits(text, pos, 2, d)) {
    return BadTime(text);
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return BadTime(text);
  ++pos;
  if (!ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, mi)) return BadTime(text);
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, pos, 2, s)) return BadTime(text);
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      std::size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
        ++digits;
      }
      if (digits == 0 || digits > 9) return BadTime(text);
    }
  }
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1970 || y > 9999 || h > 23 || mi > 59 || s > 59) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "date_time '" + std::string(text.substr(0, 64)) + "' is not a real calendar date and time");
  }
  const auto local = date::local_days{ymd} + std::chrono::hours{h} + minutes{mi} + seconds{s};

  if (pos == text.size()) {
    const auto info = zone_->get_info(local);
    switch (info.result) {
      // A time the clocks repeat (falling back) is its first occurrence.
      case date::local_info::unique:
      case date::local_info::ambiguous:
        return TimePoint{local.time_since_epoch() - info.first.offset};
      case date::local_info::nonexistent:
        return MakeError(ErrorCode::kInvalidArgument, "date_time '" + std::string(text) + "' does not exist in " +
                                                          zone_name_ +
                                                          " (the clocks skip it); give a time with an offset");
    }
  }
  int sign = 0;
  int oh = 0, om = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    if (!ReadDigits(text, pos, 2, oh)) return BadTime(text);
    if (pos < text.size() && text[pos] == ':') ++pos;
    if (!ReadDigits(text, pos, 2, om)) return BadTime(text);
    if (oh > 18 || om > 59) return BadTime(text);
  } else {
    return BadTime(text);
  }
  if (pos != text.size()) return BadTime(text);
  const seconds offset = std::chrono::hours{oh} + minutes{om};
  const TimePoint instant{local.time_since_epoch() - sign * offset};
  // An offset can carry the instant out of the years the shop's clock is read in (and
  // Format writes): "1970-01-01T00:00+05:00" is still 1969 in the shop.
  if (const int year = ToLocal(instant).year; year < 1970 || year > 9999) {
    return MakeError(ErrorCode::kInvalidArgument, "date_time '" + std::string(text.substr(0, 64)) +
                                                      "' is outside the years 1970 to 9999 in " + zone_name_);
  }
  return instant;
}

std::string ShopTime::Format(TimePoint instant) const {
  const auto info = zone_->get_info(instant);
  const auto local = date::local_seconds{instant.time_since_epoch() + info.offset};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<seconds> tod{local - day};
  const auto off = std::chrono::duration_cast<minutes>(info.offset).count();
  const int abs_off = static_cast<int>(off < 0 ? -off : off);
  // "YYYY-MM-DDTHH:MM:SS+HH:MM", written digit by digit: every listed appointment is
  // formatted twice, so this is on the hot path of GetAppointments.
  std::string out = "0000-00-00T00:00:00+00:00";
  auto put = [&out](std::size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      out[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, std::clamp(static_cast<int>(ymd.year()), 0, 9999), 4);  // timestamptz stays within these years here
  put(5, static_cast<int>(static_cast<unsigned>(ymd.month())), 2);
  put(8, static_cast<int>(static_cast<unsigned>(ymd.day())), 2);
  put(11, static_cast<int>(tod.hours().count()), 2);
  put(14, static_cast<int>(tod.minutes().count()), 2);
  put(17, static_cast<int>(tod.seconds().count()), 2);
  out[19] = off < 0 ? '-' : '+';
  put(20, abs_off / 60, 2);
  put(23, abs_off % 60, 2);
  return out;
}

LocalTime ShopTime::ToLocal(TimePoint instant) const {
  const auto info = zone_->get_info(instant);
  const auto local = date::local_seconds{instant.time_since_epoch() + info.offset};
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd{day};
  const date::weekday wd{day};
  return LocalTime{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                   wd.iso_encoding(), static_cast<int>(std::chrono::duration_cast<minutes>(local - day).count())};
}

TimePoint ShopTime::AtLocalMinute(const LocalTime& day, int minute_of_day) const {
  const date::year_month_day ymd{date::year{day.year}, date::month{day.month}, date::day{day.day}};
  const auto local = date::local_seconds{date::local_days{ymd}} + minutes{minute_of_day};
  const auto info = zone_->get_info(local);
  if (info.result == date::local_info::nonexistent) {
    // The skipped hour: the first instant after the gap.
    return TimePoint{info.second.begin.time_since_epoch()};
  }
  return TimePoint{local.time_since_epoch() - info.first.offset};
}

bool IsCalendarDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  const auto read = [&](std::size_t at, std::size_t length, auto& value) {
    const auto* end = text.data() + at + length;
    const auto [stop, error] = std::from_chars(text.data() + at, end, value);
    return error == std::errc{} && stop == end;
  };
  if (!read(0, 4, year) || !read(5, 2, month) || !read(8, 2, day)) return false;
  return year >= 1970 && date::year_month_day{date::year{year}, date::month{month}, date::day{day}}.ok();
}

std::string FormatCalendarDay(const LocalTime& local) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", local.year, local.month, local.day);
  return text;
}

Result<int> ParseClockMinutes(std::string_view text) {
  std::size_t pos = 0;
  int h = 0, m = 0;
  if (!ReadDigits(text, pos, 2, h) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, m) || pos != text.size() ||
      m > 59 || h > 24 || (h == 24 && m != 0)) {
    return MakeError(ErrorCode::kInvalidArgument, "expected a time of day as HH:MM, got '" + std::string(text) + "'");
  }
  return h * 60 + m;
}

std::string FormatClockMinutes(int minutes_of_day) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes_of_day / 60) % 100, minutes_of_day % 60);
  return buf;
}

}  // namespace barbershop::common
