#include "sessions.hpp"

#include <nlohmann/json.hpp>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/text.hpp"
#include "validation.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;

NewSession StartSession(TimePoint now, std::chrono::seconds refresh_lifetime) {
  return NewSession{common::NewUuid(), common::NewRefreshToken(), now + refresh_lifetime};
}

common::Result<User> CheckSessionOpen(SessionRepository& sessions, const Caller& caller) {
  // The core issues only tokens whose session and account are ids; any other one names
  // no session of this shop.
  if (!ValidateId(caller.session_id, "sid") || !ValidateId(caller.user_id, "sub")) {
    return MakeError(ErrorCode::kUnauthenticated, "this session has ended: log in again");
  }
  auto check = sessions.FindSessionState(caller.session_id, caller.user_id);
  if (!check) return check.error();
  switch (check->state) {
    case SessionState::kOpen:
      if (check->account) return std::move(*check->account);
      break;
    case SessionState::kAccountClosed:
      return MakeError(ErrorCode::kUnauthenticated, "this account is deactivated or deleted");
    case SessionState::kEnded:
      break;
  }
  return MakeError(ErrorCode::kUnauthenticated, "this session has ended: log in again");
}

SessionEndedEvent MakeSessionEndedEvent(const std::string& session_id, const std::string& user_id, SessionEnd reason,
                                        const common::ShopTime& shop_time, TimePoint now) {
  const std::string event_id = common::NewTimeOrderedUuid();
  const nlohmann::json payload = {
      {"event_id", event_id},     {"type", "session.ended"}, {"occurred_at", shop_time.Format(now)},
      {"session_id", session_id}, {"user_id", user_id},      {"reason", SessionEndName(reason)}};
  return SessionEndedEvent{event_id, common::ToJsonText(payload)};
}

SessionEnding EndingFor(SessionEnd reason, const common::ShopTime& shop_time, TimePoint now) {
  return SessionEnding{reason, now,
                       [reason, &shop_time, now](const std::string& session_id, const std::string& user_id) {
                         return MakeSessionEndedEvent(session_id, user_id, reason, shop_time, now);
                       }};
}

common::Error RefreshRefusal(RefreshUse use) {
  switch (use) {
    case RefreshUse::kExpired:
      return MakeError(ErrorCode::kUnauthenticated, "the refresh token has expired: log in again");
    case RefreshUse::kReused:
      return MakeError(ErrorCode::kUnauthenticated,
                       "this refresh token was already used, so a copy of it is in other hands: the session has "
                       "ended on every device; log in again");
    case RefreshUse::kSessionEnded:
      return MakeError(ErrorCode::kUnauthenticated, "this session has ended: log in again");
    case RefreshUse::kRotated:
    case RefreshUse::kUnknown:
      break;
  }
  return MakeError(ErrorCode::kUnauthenticated, "the refresh token is not valid: log in again");
}

}  // namespace barbershop::core::domain
