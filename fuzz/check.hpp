#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace barbershop::fuzz {

/// Ends the run as a crash (libFuzzer saves the input) when a promise of the code under
/// test does not hold.
inline void Require(bool holds, std::string_view what) {
  if (holds) return;
  std::fprintf(stderr, "broken promise: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Runs `body`; an exception escaping it is a crash, as it would be out of an Asio
/// handler.
template <typename Body>
void NoThrow(std::string_view what, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%.*s threw: %s\n", static_cast<int>(what.size()), what.data(), e.what());
    std::abort();
  }
}

/// The text of a message sent to a client or stored for one: a JSON object that
/// nlohmann reads back.
inline nlohmann::json RequireJsonObject(std::string_view text, std::string_view what) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  Require(!parsed.is_discarded() && parsed.is_object(), what);
  return parsed;
}

}  // namespace barbershop::fuzz
