// The target of a WebSocket upgrade request (path and query), parsed as the HTTP
// session parses it before it checks the token (net/ws_server.cpp, HttpSession::Upgrade).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "barbershop/common/text.hpp"
#include "check.hpp"
#include "hub/protocol.hpp"
#include "hub/routes.hpp"
#include "hub/stream_id.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
using barbershop::fuzz::RequireJsonObject;
namespace common = barbershop::common;
namespace hub = barbershop::realtime::hub;

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    char escaped[4];
    std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
    out += escaped;
  }
  return out;
}

void Route(std::string_view target) {
  auto route = hub::ParseRoute(target);
  if (!route) {
    const auto status = hub::HttpStatusFor(route.error().code);
    Require(status == 400 || status == 404, "a bad target is refused with 400 or 404");
    RequireJsonObject(hub::ErrorFrame(route.error()), "the refusal's body is a JSON object");
  } else {
    Require(!route->id.empty() && route->id.size() <= 64, "the id in the path is within its limits");
    Require(route->since.empty() || hub::StreamId::Parse(route->since).has_value(), "since is a message id");
    Require(route->before.empty() || hub::StreamId::Parse(route->before).has_value(), "before is a message id");
    Require(route->before.empty() || route->kind == hub::StreamKind::kChat, "before only on a chat");
    const auto channel = hub::ChannelFor(*route);
    Require(channel.size() > route->id.size(), "the channel names the id");
  }

  for (const auto plus : {common::PlusSign::kItself, common::PlusSign::kSpace}) {
    if (const auto decoded = common::PercentDecode(target, plus)) {
      Require(decoded->size() <= target.size(), "decoding never lengthens the text");
      Require(common::PercentDecode(PercentEncode(*decoded), plus) == decoded, "decoding undoes encoding");
    }
  }
  if (const auto pairs = common::ParseQuery(target)) {
    std::size_t bytes = 0;
    for (const auto& [name, value] : *pairs) bytes += name.size() + value.size();
    Require(bytes <= target.size(), "a query's pairs are no longer than the query");
  }
  if (route && route->kind == hub::StreamKind::kBarberAvailability) {
    Require(route->date.size() == 10 && route->token.empty(), "an availability stream has a day and keeps no token");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  NoThrow("parsing an upgrade target", [&] { Route(target); });
  return 0;
}
