#pragma once
// What the core's load generators add to bench_client.hpp: around-the-clock barbers,
// made through the core's account service on its database.
#include <string>
#include <vector>

#include "bench_client.hpp"

namespace barbershop::bench {

/// Barbers who work around the clock, so every half hour is a bookable slot (or, with
/// `shop_week`, Monday to Saturday 09:00 to 19:00); returns their user names.  Each logs
/// in with "<name>@bench.test" and kBarberPassword.
std::vector<std::string> NewBarbers(const std::string& database_url, int count, bool shop_week = false);
inline constexpr const char* kBarberPassword = "bench-password";

/// Vacuums and analyzes the appointment tables and flushes dirty pages, as pgbench
/// vacuums before its runs: the maintenance that a burst of bookings calls for then
/// runs before the next phase, not in the middle of its measurement.
void SettleDatabase(const std::string& database_url);

}  // namespace barbershop::bench
