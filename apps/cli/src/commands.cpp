#include "commands.hpp"

#include <cstdlib>
#include <utility>

namespace barbershop::cli {

std::string Commands::ServerFor(const std::optional<Session>& session) const {
  return ChooseServer(options_.server, std::getenv(kServerEnv), session);
}

std::optional<Session> Commands::StoredSession() const {
  auto stored = sessions_.Load();
  return stored ? *stored : std::nullopt;
}

Expected<Session> Commands::RequireSession() const {
  auto stored = sessions_.Load();
  if (!stored) return stored.error();
  if (!stored->has_value()) return Failure{kExitRefused, "not logged in; run 'barbershop login' first"};
  return std::move(**stored);
}

CoreClient Commands::Client(const Session& session) const {
  CoreClient client(ServerFor(session), session.token);
  if (!session.refresh_token.empty()) client.RefreshWith([this, session] { return Refreshed(session); });
  return client;
}

std::optional<std::string> Commands::Refreshed(const Session& session) const {
  CoreClient client(ServerFor(session), {});
  RefreshSessionRequest request;
  request.set_refresh_token(session.refresh_token);
  LoginResponse response;
  if (client.Call(&UserService::Stub::RefreshSession, request, &response) || response.token().empty()) {
    return std::nullopt;  // the call's own refusal says to log in again
  }
  if (sessions_.Save(SessionFrom(session.server, response))) return std::nullopt;
  return response.token();
}

Session SessionFrom(const std::string& server, const LoginResponse& response) {
  return Session{server,
                 response.token(),
                 response.user_id(),
                 response.role(),
                 response.expires_at(),
                 response.refresh_token(),
                 response.refresh_expires_at()};
}

}  // namespace barbershop::cli
