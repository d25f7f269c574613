#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "barbershop/common/result.hpp"
#include "barbershop/common/tokens.hpp"
#include "hub/routes.hpp"
#include "net/server_context.hpp"

namespace barbershop::realtime::net {

/// An upgrade that may go ahead: where to, for whom, and (on a chat) the appointment's
/// parties.  The route no longer holds the token.
struct Admission {
  hub::Route route;
  common::Claims claims;
  hub::Parties parties;
};

/// Decides whether a WebSocket upgrade to `target` may go ahead: a known path, a server
/// not shutting down, a valid token (from `authorization`'s Bearer or ?token=), and the
/// bearer allowed on the route; on a chat, the core is asked for the appointment's
/// parties (on the blocking pool) and the chat must be open.  `done` gets the admission
/// or the error to refuse with, on `strand`: at once when nothing is asked of the core.
void AuthorizeUpgrade(const std::shared_ptr<ServerContext>& context, std::string_view target,
                      std::string_view authorization, const Strand& strand,
                      std::function<void(common::Result<Admission>)> done);

}  // namespace barbershop::realtime::net
