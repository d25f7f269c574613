#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// What a '+' in percent-encoded text stands for: itself (a URL's path) or a space (a
/// query string, as HTML forms encode it).
enum class PlusSign { kItself, kSpace };

/// `text` with its %XX escapes decoded; nullopt when an escape is cut short or is not
/// two hexadecimal digits.
std::optional<std::string> PercentDecode(std::string_view text, PlusSign plus);

/// A URL's query string ("a=1&b=x%20y", without the '?') as its name and value pairs, in
/// order, decoded; empty pairs are skipped and a pair without '=' has an empty value.
/// nullopt when a name or value has a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

}  // namespace barbershop::common
