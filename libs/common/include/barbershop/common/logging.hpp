#pragma once

#include <string>

namespace barbershop::common {

/// Sends every spdlog logger's output to stdout as one JSON object per line
/// ({"ts","level","logger","msg"}).  Call once at start, before threads log.
void SetUpJsonLogging(const std::string& service_name, const std::string& level);

/// Escapes text for use inside a JSON string literal (no surrounding quotes).
std::string JsonEscape(std::string_view text);

}  // namespace barbershop::common
