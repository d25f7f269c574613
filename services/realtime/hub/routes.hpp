#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "barbershop/common/result.hpp"
#include "barbershop/common/tokens.hpp"

namespace barbershop::realtime::hub {

/// Which of the seed's three WebSocket paths a request names.
enum class StreamKind { kBarberAppointments, kClientAppointments, kChat };

/// A parsed WebSocket request target.
struct Route {
  StreamKind kind;
  std::string id;      ///< barber id, client id or appointment id
  std::string token;   ///< from ?token= (browsers cannot set headers)
  std::string since;   ///< ?since=<id>: replay what came after
  std::string before;  ///< ?before=<id>: chat history older than this
};

/// Parses "/websocket/barber/{id}/appointments", "/websocket/client/{id}/appointments"
/// and "/websocket/appointment/{id}/chat" with an optional query.  kNotFound for any
/// other path; kInvalidArgument for a malformed since/before.  The id comes out in lower
/// case, as the core writes ids: one appointment has one chat, whatever case a client
/// used.
common::Result<Route> ParseRoute(std::string_view target);

/// The two parties of an appointment, and when it ends (the epoch when unknown).
struct Parties {
  std::string barber_id;
  std::string client_id;
  common::TimePoint ends_at{};
};

/// How long after an appointment ends its chat stays open.
inline constexpr std::chrono::hours kChatOpenAfterEnd{7 * 24};

/// kFailedPrecondition once the appointment ended more than kChatOpenAfterEnd ago: chat
/// is for appointments to come and ones just past.
common::Status ChatOpen(const Parties& parties, common::TimePoint now);

/// Whether the token's bearer may open the route: only that barber their schedule, only
/// that client their appointments, only the appointment's parties (or an admin) its chat.
/// `parties` is needed for a chat route only.  kPermissionDenied otherwise.
common::Status Authorize(const Route& route, const common::Claims& claims, const Parties* parties);

/// The Redis pub/sub channel a route listens on: "user:{id}" or "chat:{appointment_id}".
std::string ChannelFor(const Route& route);
std::string UserChannel(std::string_view user_id);
std::string ChatChannel(std::string_view appointment_id);

/// The HTTP status that refuses an upgrade for an error (401, 403, 404, 400, 503, 500).
unsigned HttpStatusFor(common::ErrorCode code);

}  // namespace barbershop::realtime::hub
