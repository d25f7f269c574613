#pragma once

#include <optional>
#include <string>

#include "repositories.hpp"

namespace barbershop::core::domain {

/// A service's name (1 to 64 characters of valid UTF-8, no control characters, not only
/// spaces), length (5 to 480 minutes, a multiple of 5) and price (0 to 100000000 cents).
common::Status ValidateService(const BarberService& service);

/// The barber's service called `name`, ignoring case; nullptr when there is none.
const BarberService* FindService(const Barber& barber, const std::string& name);

/// A barber's price list: the barber or an admin adds, changes and removes services.
/// Holds only a reference; one per call is cheap.
class PriceList {
 public:
  explicit PriceList(BarberRepository& barbers) : barbers_(barbers) {}

  /// Adds `service` to `barber_name`'s list (the caller's own when empty), or replaces
  /// the one of the same name; returns it as stored.
  common::Result<BarberService> Save(const Caller& caller, const std::string& barber_name, BarberService service);
  /// Removes `barber_name`'s service called `name`; returns it as it was.
  common::Result<BarberService> Remove(const Caller& caller, const std::string& barber_name, const std::string& name);

 private:
  BarberRepository& barbers_;
};

}  // namespace barbershop::core::domain
