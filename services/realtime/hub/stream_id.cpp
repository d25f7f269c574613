#include "hub/stream_id.hpp"

#include <charconv>

namespace barbershop::realtime::hub {
namespace {

bool ParseNumber(std::string_view text, std::uint64_t& out) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

constexpr std::string_view kIdPrefix = R"({"id":")";

}  // namespace

std::optional<StreamId> StreamId::Parse(std::string_view text) {
  StreamId id;
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseNumber(text, id.ms)) return std::nullopt;
    return id;
  }
  if (!ParseNumber(text.substr(0, dash), id.ms) || !ParseNumber(text.substr(dash + 1), id.seq)) return std::nullopt;
  return id;
}

std::string StreamId::ToString() const { return std::to_string(ms) + "-" + std::to_string(seq); }

std::string_view LeadingId(std::string_view message) {
  if (message.substr(0, kIdPrefix.size()) != kIdPrefix) return {};
  const auto rest = message.substr(kIdPrefix.size());
  const auto end = rest.find('"');
  if (end == std::string_view::npos) return {};
  return rest.substr(0, end);
}

std::string WithLeadingId(std::string_view id, std::string_view object_text) {
  std::string out;
  out.reserve(object_text.size() + id.size() + 10);
  out.append(kIdPrefix).append(id).append("\"");
  const auto body = object_text.substr(1);  // after '{'
  if (!body.empty() && body.front() != '}') out.append(",");
  out.append(body);
  return out;
}

}  // namespace barbershop::realtime::hub
