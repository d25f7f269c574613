#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace barbershop::realtime::hub {

/// A Redis stream entry id ("<milliseconds>-<sequence>"): the `id` of every stored
/// message, ordered the way Redis orders entries.
struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  /// Accepts "123-4" (and "123", read as "123-0"); nullopt for anything else.
  static std::optional<StreamId> Parse(std::string_view text);
  std::string ToString() const;
  // clang-tidy 14 takes the comparison category's literal 0 for a null pointer.
  auto operator<=>(const StreamId&) const = default;  // NOLINT(modernize-use-nullptr)
};

/// The id of a stored message: its leading `{"id":"..."` member, or empty for a
/// message that carries none (ephemeral ones, e.g. presence).  Reads no further.
std::string_view LeadingId(std::string_view message);

/// Puts `"id":"<id>"` first into a JSON object's text (`{...}` without an id).
std::string WithLeadingId(std::string_view id, std::string_view object_text);

}  // namespace barbershop::realtime::hub
