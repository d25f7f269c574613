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

CoreClient Commands::Client(const Session& session) const { return CoreClient(ServerFor(session), session.token); }

}  // namespace barbershop::cli
