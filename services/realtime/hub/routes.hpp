#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "barbershop/common/result.hpp"
#include "barbershop/common/tokens.hpp"

namespace barbershop::realtime::hub {

/// Which WebSocket path a request names: the seed's three, and a barber's live free
/// slots, which anyone may watch.
enum class StreamKind { kBarberAppointments, kClientAppointments, kChat, kBarberAvailability };

/// A parsed WebSocket request target.
struct Route {
  StreamKind kind;
  std::string id;         ///< barber id, client id or appointment id
  std::string token{};    ///< from ?token= (browsers cannot set headers)
  std::string since{};    ///< ?since=<id>: replay what came after
  std::string before{};   ///< ?before=<id>: chat history older than this
  std::string date{};     ///< availability: ?date=YYYY-MM-DD, a day of the shop's calendar
  std::string service{};  ///< availability: ?service=<name>, slots long enough for it (empty: the default)
};

/// The longest service name a route may carry (the core's limit).
inline constexpr std::size_t kMaxServiceNameBytes = 64;

/// Parses "/websocket/barber/{id}/appointments", "/websocket/client/{id}/appointments",
/// "/websocket/appointment/{id}/chat" and "/websocket/barber/{id}/availability" with an
/// optional query.  kNotFound for any other path; kInvalidArgument for a malformed
/// since/before, and for availability a missing or malformed date, a service name over
/// 64 bytes or not UTF-8, or a since or before (it starts from the current slots).  The id comes out in lower case, as
/// the core writes ids: one appointment has one chat, whatever case a client used.
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
/// that client their appointments, only the appointment's parties (or an admin) its chat;
/// anyone a barber's availability (which needs no token).
/// `parties` is needed for a chat route only.  kPermissionDenied otherwise.
common::Status Authorize(const Route& route, const common::Claims& claims, const Parties* parties);

/// Whether a route is open without a token (a barber's availability).
inline bool IsPublic(const Route& route) { return route.kind == StreamKind::kBarberAvailability; }

/// The Redis pub/sub channel a route listens on: "user:{id}", "chat:{appointment_id}" or
/// "availability:{barber_id}".
std::string ChannelFor(const Route& route);
std::string UserChannel(std::string_view user_id);
std::string ChatChannel(std::string_view appointment_id);

/// The HTTP status that refuses an upgrade for an error (401, 403, 404, 400, 503, 500).
unsigned HttpStatusFor(common::ErrorCode code);

}  // namespace barbershop::realtime::hub
