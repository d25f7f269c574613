#pragma once

#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// A barber's time off: the barber or an admin adds, lists and removes it.  Time off
/// never overlaps a live appointment: adding it is refused while one falls in it, and a
/// booking is refused inside it.  Adding or removing it stores a barber.schedule_changed
/// event with it.  Holds only references; one per call is cheap.
class TimeOffBook {
 public:
  TimeOffBook(BarberRepository& barbers, TimeOffRepository& time_off, const common::ShopTime& shop_time,
              const common::Clock& clock)
      : barbers_(barbers), time_off_(time_off), shop_time_(shop_time), clock_(clock) {}

  /// [from, to) off for `barber_name` (the caller's own chair when empty): both bounds
  /// ISO 8601 or a calendar day for its start, `to` not past and at most 366 days after
  /// `from`; `reason` at most 200 printable characters.
  common::Result<TimeOff> Add(const Caller& caller, const std::string& barber_name, const std::string& from,
                              const std::string& to, const std::string& reason);
  common::Result<TimeOff> Remove(const Caller& caller, const std::string& time_off_id);
  /// The time off overlapping [from, to) (from the start of today when `from` is empty,
  /// with no end when `to` is).
  common::Result<std::vector<TimeOff>> List(const Caller& caller, const std::string& barber_name,
                                            const std::string& from, const std::string& to);

 private:
  BarberRepository& barbers_;
  TimeOffRepository& time_off_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
};

}  // namespace barbershop::core::domain
