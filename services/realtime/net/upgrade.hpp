#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "barbershop/common/result.hpp"
#include "barbershop/common/tokens.hpp"
#include "hub/login_sessions.hpp"
#include "hub/routes.hpp"
#include "net/server_context.hpp"

namespace barbershop::realtime::net {

/// An upgrade that may go ahead: where to, for whom, (on a chat) the appointment's
/// parties, and its place among the sockets of its login session, taken before Redis was
/// asked whether the session ended (none for a stream anyone may open).  The route no
/// longer holds the token.
struct Admission {
  hub::Route route;
  common::Claims claims;
  hub::Parties parties;
  std::shared_ptr<hub::LoginSessions::Watch> watch;
};

/// Decides whether a WebSocket upgrade to `target` may go ahead: a known path, a server
/// not shutting down, a valid token (from `authorization`'s Bearer or ?token=), the
/// bearer allowed on the route, and the token's login session not ended (asked of Redis
/// on the blocking pool, after the upgrade took its watch); on a chat, the core is asked
/// for the appointment's parties and the chat must be open.  `done` gets the admission or
/// the error to refuse with, on `strand`: at once for a refusal that asks nobody.  A
/// barber's availability needs no token: the core is asked whether it can answer for
/// that barber, day and service, and the admission names no user and has no watch.
void AuthorizeUpgrade(const std::shared_ptr<ServerContext>& context, std::string_view target,
                      std::string_view authorization, const Strand& strand,
                      std::function<void(common::Result<Admission>)> done);

}  // namespace barbershop::realtime::net
