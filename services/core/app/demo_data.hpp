#pragma once

#include "barbershop/common/passwords.hpp"
#include "storage/database.hpp"

namespace barbershop::core::app {

/// Demo logins, also printed by `make up` and listed in README.md.
inline constexpr const char* kDemoPassword = "barbershop-demo";
inline constexpr const char* kDemoCustomerEmail = "demo@barbershop.test";
inline constexpr const char* kDemoAdminEmail = "admin@barbershop.test";

/// Creates the demo barbers (Ana, Ion, Elena: Monday to Saturday, 09:00 to 18:00), a
/// demo customer and a demo admin, where missing.  Running it again changes nothing.
common::Status EnsureDemoData(storage::Database& db, const common::PasswordHasher& hasher);

}  // namespace barbershop::core::app
