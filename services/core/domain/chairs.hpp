#pragma once

#include <string>

#include "repositories.hpp"

namespace barbershop::core::domain {

/// The barber whose chair `caller` manages: `barber_name`'s, which must be the caller's
/// own unless the caller is an admin, or the caller's own when `barber_name` is empty.
common::Result<Barber> ChairFor(AccountRepository& accounts, const Caller& caller, const std::string& barber_name);

}  // namespace barbershop::core::domain
