#pragma once

#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "day_source.hpp"

namespace barbershop::core::domain {

/// A barber's days in one read: when they work, what is taken and what is free, and,
/// for the barber and admins, the appointments and time off themselves.
struct BarberSchedule {
  Barber barber;
  TimeRange range;                        ///< the days asked for, from the first's start
  std::vector<TimeRange> open;            ///< working time, hours that run past midnight as one
  std::vector<TimeRange> busy;            ///< live appointments and time off, overlapping ones as one
  std::vector<TimeRange> free;            ///< working time that is not busy
  bool detailed = false;                  ///< the caller is the barber or an admin: what follows is filled
  std::vector<Appointment> appointments;  ///< every appointment starting in the range, any status
  std::vector<TimeOff> time_off;          ///< overlapping the range
};

/// The most days one schedule covers.
inline constexpr int kLongestSchedule = 31;

/// [from, to) as a sorted list of disjoint ranges: those that overlap or touch become one.
std::vector<TimeRange> Merged(std::vector<TimeRange> ranges);

/// What of `whole` is outside every range of `taken` (sorted and disjoint).
std::vector<TimeRange> Without(const std::vector<TimeRange>& whole, const std::vector<TimeRange>& taken);

/// `barber`'s working time on the shop's calendar days from `first` (its start) up to
/// `end`, clipped to them: each stretch of hours on the wall clock, one that closes at
/// midnight joined to the next day's that opens then.  Plain function for unit tests.
std::vector<TimeRange> WorkingTime(const Barber& barber, TimePoint first, TimePoint end,
                                   const common::ShopTime& shop_time);

/// A barber is named by name or by id: one of the two, else kInvalidArgument.
common::Status CheckOneBarber(const std::string& barber_name, const std::string& barber_id);

/// Whether `caller` (null: not signed in) sees the details of `barber_id`'s schedule:
/// the barber and admins do.
bool SeesDetails(const Caller* caller, const std::string& barber_id);

/// Reads barbers' schedules from a DaySource.  Holds only references; one per call is
/// cheap.
class ScheduleReader {
 public:
  ScheduleReader(DaySource& days, const common::ShopTime& shop_time, const common::Clock& clock)
      : days_(days), shop_time_(shop_time), clock_(clock) {}

  /// The schedule of the barber named `barber_name`, or whose user id is `barber_id` (one
  /// of the two), over the calendar days from `from` (today when empty) up to, not
  /// including, `to` (a week after `from` when empty; at most kLongestSchedule days).
  /// `caller` is null for someone not signed in; only the barber and admins get the
  /// details.
  common::Result<BarberSchedule> Read(const Caller* caller, const std::string& barber_name,
                                      const std::string& barber_id, const std::string& from, const std::string& to);
  /// The days Read covers for `from` and `to`, from the first's start; kInvalidArgument
  /// naming the field that is wrong.
  common::Result<TimeRange> Days(const std::string& from, const std::string& to) const;
  /// Read over `days` as Days gave them.
  common::Result<BarberSchedule> Read(const Caller* caller, const std::string& barber_name,
                                      const std::string& barber_id, const TimeRange& days);

 private:
  DaySource& days_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
};

}  // namespace barbershop::core::domain
