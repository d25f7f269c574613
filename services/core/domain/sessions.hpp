#pragma once

#include <chrono>
#include <string>

#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

// Login sessions.  A login starts one: a short-lived access token that names it, and a
// refresh token that gets the next access token and is replaced each time.  A session
// ends on logout, when its user changes their password (every other session of theirs),
// when an admin deactivates the account or the customer deletes it, and when one of its
// refresh tokens is used a second time: then one of the two holders is a thief, and
// which is not known, so the whole session ends (OAuth 2.0's reuse detection).

/// How long a refresh token works unless used; each refresh starts a new one.
inline constexpr std::chrono::seconds kDefaultRefreshLifetime = std::chrono::hours(24 * 30);

/// A session about to start: its id and first refresh token.
struct NewSession {
  std::string id;
  common::RefreshToken refresh;
  TimePoint refresh_expires_at;
};
NewSession StartSession(TimePoint now, std::chrono::seconds refresh_lifetime);

/// The check every authenticated call passes after its token's: the token's session is
/// still open and its account active (kUnauthenticated, saying which, otherwise).  Gives
/// the account, as read with the session.
common::Result<User> CheckSessionOpen(SessionRepository& sessions, const Caller& caller);

/// The event that tells the real-time service a session ended (docs/realtime.md):
/// event_id, type "session.ended", occurred_at, session_id, user_id and reason.
SessionEndedEvent MakeSessionEndedEvent(const std::string& session_id, const std::string& user_id, SessionEnd reason,
                                        const common::ShopTime& shop_time, TimePoint now);
/// Sessions ending now for `reason`, each announced by MakeSessionEndedEvent.  Holds a
/// reference to `shop_time`.
SessionEnding EndingFor(SessionEnd reason, const common::ShopTime& shop_time, TimePoint now);

/// The error a refresh that did not rotate answers (kUnauthenticated, saying why).
common::Error RefreshRefusal(RefreshUse use);

}  // namespace barbershop::core::domain
