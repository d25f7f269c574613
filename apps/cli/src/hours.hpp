#pragma once

// A barber's weekly hours as one line of text, both ways.

#include <optional>
#include <string>

#include "failure.hpp"
#include "user_service.pb.h"

namespace barbershop::cli {

/// "Mon-Sat 09:00-18:00", or "Mon-Fri 09:00-18:00, Sat 10:00-14:00" when days differ;
/// "no working hours" when there are none.
std::string FormatHours(const Barber& barber);

/// Reads hours as FormatHours writes them into `request`; a usage failure for text it
/// cannot read.  The server checks the times themselves.
std::optional<Failure> ParseHours(const std::string& text, SaveBarberRequest& request);

}  // namespace barbershop::cli
