#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"
#include "unit_of_work.hpp"

namespace barbershop::core::domain {

// Calendar feeds.  Each account may have one secret link to an iCalendar feed (RFC 5545)
// of its appointments, as barber and as client, that calendar applications subscribe to
// and fetch again every so often.  The link's token is the only credential, so it is long
// and random, kept only as its SHA-256, and shown once: a new link replaces the old one,
// which then finds nothing.

/// How far back a feed reaches: older appointments drop out of subscribers' calendars.
inline constexpr std::chrono::hours kCalendarPast{24 * 60};

/// A new link: its token, and the path the gateway serves its feed at.
struct CalendarLink {
  std::string token;
  std::string path;  ///< "/calendar/<token>.ics"
};

/// The feed of `owner`'s appointments (`entries`, in time order) as iCalendar text, with
/// CRLF line ends and lines folded at 75 octets:
/// - one VEVENT per appointment, its UID "<appointment id>@barbershop" for good, its
///   SEQUENCE the number of changes after booking, its DTSTAMP and LAST-MODIFIED the last
///   change, STATUS TENTATIVE (pending), CANCELLED, or CONFIRMED (confirmed, completed,
///   no-show);
/// - start and end on the shop's wall clock (TZID) with a VTIMEZONE that gives the shop
///   zone's every change of offset from a year before the first appointment (or `now`) to
///   a year after the last; a wall-clock time that the zone skips or repeats is written in
///   UTC instead, which no reader can mistake.
std::string RenderCalendar(const User& owner, const std::vector<CalendarEntry>& entries,
                           const common::ShopTime& shop_time, TimePoint now);

/// The calls on calendar links.  Lives for one call.
class CalendarService {
 public:
  CalendarService(UnitOfWork& work, const common::ShopTime& shop_time, const common::Clock& clock)
      : work_(work), shop_time_(shop_time), clock_(clock) {}

  /// A new link for the caller, in place of the one they had.
  common::Result<CalendarLink> Reset(const Caller& caller);

  /// The feed the link with `token` names; kNotFound when no active account has that link
  /// (never had, or it was reset).
  common::Result<std::string> Feed(std::string_view token);

 private:
  UnitOfWork& work_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
};

}  // namespace barbershop::core::domain
