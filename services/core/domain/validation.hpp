#pragma once

#include <string>
#include <string_view>

#include "barbershop/common/result.hpp"

namespace barbershop::core::domain {

/// 3 to 32 characters from [a-z0-9_.-].
common::Status ValidateUsername(std::string_view username);
/// Trims, checks the shape (local@domain.tld, at most 254 characters) and lower-cases.
common::Result<std::string> NormalizeEmail(std::string_view email);
/// A phone number as kept: "+" and 7 to 15 digits (E.164), after dropping the spaces
/// and dashes people write between them.
common::Result<std::string> NormalizePhone(std::string_view phone);
/// 8 to 128 bytes, valid UTF-8.
common::Status ValidatePassword(std::string_view password);
/// A canonical UUID ("8-4-4-4-12" hex); names the field in the error.
common::Status ValidateId(std::string_view id, std::string_view field);
/// 1 to 128 visible ASCII characters (a UUID, say).
common::Status ValidateIdempotencyKey(std::string_view key);
/// Well-formed UTF-8 without control characters (a name, a reason).
bool IsPrintable(std::string_view text);
/// A barber_name a request looks a barber up by: 1 to 64 bytes (a display name's bounds).
common::Status ValidateBarberName(std::string_view name);
/// A name people read: 1 to 64 bytes, printable, not only spaces (a barber's, a service's).
bool IsDisplayName(std::string_view name);

}  // namespace barbershop::core::domain
