#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace barbershop::common {

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past
/// U+10FFFF).
bool IsValidUtf8(std::string_view text);

/// The longest start of `text` of at most `max_bytes` bytes that ends on a character
/// boundary: cutting never splits a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes);

/// `value` as compact JSON text.  Text that is not valid UTF-8 is written with U+FFFD in
/// place of the bad bytes instead of throwing, so a reply built from outside input can
/// always be sent.
std::string ToJsonText(const nlohmann::json& value);

}  // namespace barbershop::common
