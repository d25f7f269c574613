#pragma once

#include <string>
#include <vector>

#include "barbershop/common/shop_time.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// The barber whose chair `caller` manages: `barber_name`'s, which must be the caller's
/// own unless the caller is an admin, or the caller's own when `barber_name` is empty.
common::Result<Barber> ChairFor(BarberRepository& barbers, const Caller& caller, const std::string& barber_name);

/// A display name of 1 to 64 printable characters, not only spaces, and at most 28
/// stretches of working hours, each within a day (opening before closing), that do not
/// overlap on any weekday.
common::Status ValidateChair(const std::string& name, const std::vector<WorkingHours>& hours);

/// Each rule chosen within its bounds: a buffer of 0 to 240 minutes and a grid of 5 to
/// 240, each a multiple of 5; a notice of 0 to 30 days for booking and 0 to 7 days for
/// cancelling; a horizon of 1 to 730 days.  The error names the rule.
common::Status ValidateRules(const RuleChoices& rules);

/// Makes `user_id` (the caller when empty) a barber with this name, these working hours
/// and auto-confirm setting, and these booking rules (nullopt: as they were), or changes them for a barber: an admin
/// for anyone but an admin, a barber for their own chair.  Bookings already made stay as they are; a new name shows on
/// them too.  Stores a barber.schedule_changed event ("hours_changed", occurred at `now`) with the change.  Returns the
/// barber as saved.
common::Result<Barber> SaveChair(AccountRepository& accounts, BarberRepository& barbers, const Caller& caller,
                                 const std::string& user_id, const std::string& name,
                                 const std::vector<WorkingHours>& hours, bool auto_confirm,
                                 const std::optional<RuleChoices>& rules, const common::ShopTime& shop_time,
                                 TimePoint now);

}  // namespace barbershop::core::domain
