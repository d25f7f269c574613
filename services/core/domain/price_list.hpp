#pragma once

#include <optional>
#include <string>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// A service's name (1 to 64 characters of valid UTF-8, no control characters, not only
/// spaces), length (5 to 480 minutes, a multiple of 5) and price (0 to 100000000 cents).
common::Status ValidateService(const BarberService& service);

/// The barber's service called `name`, ignoring case; nullptr when there is none.
const BarberService* FindService(const Barber& barber, const std::string& name);

/// A barber's price list: the barber or an admin adds, changes and removes services,
/// each change with a barber.schedule_changed event ("services_changed": the lengths a
/// slot can be booked for changed).  Holds only references; one per call is cheap.
class PriceList {
 public:
  PriceList(BarberRepository& barbers, const common::ShopTime& shop_time, const common::Clock& clock)
      : barbers_(barbers), shop_time_(shop_time), clock_(clock) {}

  /// Adds `service` to `barber_name`'s list (the caller's own when empty), or replaces
  /// the one of the same name; returns it as stored.
  common::Result<BarberService> Save(const Caller& caller, const std::string& barber_name, BarberService service);
  /// Removes `barber_name`'s service called `name`; returns it as it was.
  common::Result<BarberService> Remove(const Caller& caller, const std::string& barber_name, const std::string& name);

 private:
  /// The event that announces a change to `chair`'s price list.
  OutboxEvent Announce(const Barber& chair) const;

  BarberRepository& barbers_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
};

}  // namespace barbershop::core::domain
