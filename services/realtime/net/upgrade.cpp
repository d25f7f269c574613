#include "net/upgrade.hpp"

#include <boost/asio/post.hpp>

namespace barbershop::realtime::net {

using common::ErrorCode;
using common::MakeError;

namespace {

/// A barber's availability: anyone may watch, once the core knows the barber, the day and
/// the service (a request that cannot be answered is refused as the core refused it).
void AdmitWatcher(const std::shared_ptr<ServerContext>& context, hub::Route route, const Strand& strand,
                  std::function<void(common::Result<Admission>)> done) {
  const hub::AvailabilityKey key{route.id, route.date, route.service};
  context->deps.slots.FreeSlots(key, [strand, done = std::move(done), route = std::move(route)](
                                         common::Result<std::vector<std::string>> slots) mutable {
    boost::asio::post(strand, [done = std::move(done), route = std::move(route), slots = std::move(slots)]() mutable {
      if (!slots) return done(slots.error());
      // No user and a token that never expires: only the address limit and the server's
      // shutdown close it.
      common::Claims nobody;
      nobody.expires_at = common::TimePoint::max();
      done(Admission{std::move(route), std::move(nobody), {}, nullptr});
    });
  });
}

}  // namespace

void AuthorizeUpgrade(const std::shared_ptr<ServerContext>& context, std::string_view target,
                      std::string_view authorization, const Strand& strand,
                      std::function<void(common::Result<Admission>)> done) {
  auto route = hub::ParseRoute(target);
  if (!route) return done(route.error());
  if (context->stopping) return done(MakeError(ErrorCode::kUnavailable, "shutting down"));
  if (hub::IsPublic(*route)) return AdmitWatcher(context, std::move(*route), strand, std::move(done));
  std::string token = common::BearerToken(authorization);
  if (token.empty()) token = route->token;
  if (token.empty()) {
    return done(MakeError(ErrorCode::kUnauthenticated, "a token is required (Authorization: Bearer, or ?token=)"));
  }
  route->token = std::string();  // checked below; no need to hold it
  auto claims = context->deps.tokens.Verify(token);
  if (!claims) return done(claims.error());
  if (route->kind != hub::StreamKind::kChat) {
    if (auto allowed = hub::Authorize(*route, *claims, nullptr); !allowed) return done(allowed.error());
  }
  // Watched before Redis is asked: a session that ends after the answer is heard by the
  // watch, and the socket is closed as soon as it is accepted (or refused, if not yet).
  auto watch = context->login_sessions.Add(claims->session_id);
  context->PostBlocking([context, strand, done = std::move(done), route = std::move(*route),
                         claims = std::move(*claims), token = std::move(token), watch = std::move(watch)]() mutable {
    if (auto open = hub::CheckSessionOpen(context->deps.ended_sessions, claims.session_id); !open) {
      return boost::asio::post(strand, [done = std::move(done), error = open.error()] { done(error); });
    }
    if (route.kind != hub::StreamKind::kChat) {
      return boost::asio::post(strand, [done = std::move(done), route = std::move(route), claims = std::move(claims),
                                        watch = std::move(watch)]() mutable {
        done(Admission{std::move(route), std::move(claims), {}, std::move(watch)});
      });
    }
    auto parties = context->deps.parties.Lookup(token, route.id);
    boost::asio::post(strand, [context, done = std::move(done), route = std::move(route), claims = std::move(claims),
                               parties = std::move(parties), watch = std::move(watch)]() mutable {
      if (!parties) return done(parties.error());
      if (auto allowed = hub::Authorize(route, claims, &*parties); !allowed) return done(allowed.error());
      if (auto open = hub::ChatOpen(*parties, context->deps.clock.Now()); !open) return done(open.error());
      done(Admission{std::move(route), std::move(claims), std::move(*parties), std::move(watch)});
    });
  });
}

}  // namespace barbershop::realtime::net
