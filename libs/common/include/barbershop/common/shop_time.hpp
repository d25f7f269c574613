#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/result.hpp"

namespace date {
class time_zone;
}

namespace barbershop::common {

/// Wall-clock reading of an instant in the shop's zone.
struct LocalTime {
  int year;
  unsigned month;
  unsigned day;
  unsigned iso_weekday;  ///< 1 = Monday ... 7 = Sunday
  int minute_of_day;     ///< 0 .. 1439
};

/// The shop's time zone: turns ISO 8601 text into instants and back.
/// Immutable after construction; safe to share between threads.
class ShopTime {
 public:
  /// Fails with kInvalidArgument when `zone_name` is not an IANA zone.
  static Result<ShopTime> ForZone(const std::string& zone_name);

  /// Accepts "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with an optional "Z" or "+HH:MM" offset
  /// (a space may stand for the "T").  Text without an offset is wall-clock time in the
  /// shop's zone; a wall-clock time that the zone skips (daylight saving) is refused, and
  /// one that it repeats is read as the earlier of the two instants.
  Result<TimePoint> Parse(std::string_view text) const;

  /// "2026-12-01T15:00:00+02:00": shop wall-clock time with its offset.
  std::string Format(TimePoint instant) const;

  LocalTime ToLocal(TimePoint instant) const;

  /// The instant at which the shop's clock shows `minute_of_day` on the local date of
  /// `day` (earlier instant when repeated, the first valid instant after a skipped one).
  TimePoint AtLocalMinute(const LocalTime& day, int minute_of_day) const;

  const std::string& zone_name() const { return zone_name_; }

 private:
  ShopTime(const date::time_zone* zone, std::string name) : zone_(zone), zone_name_(std::move(name)) {}
  const date::time_zone* zone_;
  std::string zone_name_;
};

/// Whether `text` is a day of the calendar written YYYY-MM-DD ("2026-12-01"; not
/// "2026-02-30"), from 1970 on.
bool IsCalendarDay(std::string_view text);

/// "2026-12-04": the calendar day of a wall-clock reading.
std::string FormatCalendarDay(const LocalTime& local);

/// The longest a barber's service may last: the core refuses a longer one, and a change
/// to a barber's day can free or take slots that start this long before it.
inline constexpr std::chrono::minutes kLongestService{8 * 60};

/// "HH:MM" <-> minutes since midnight (24:00 is allowed as the end of a day).
Result<int> ParseClockMinutes(std::string_view text);
std::string FormatClockMinutes(int minutes);

}  // namespace barbershop::common
