#pragma once

// Where the login session lives between commands, and which core server a command talks to.

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "failure.hpp"

namespace barbershop::cli {

constexpr const char* kDefaultServer = "127.0.0.1:50051";
constexpr const char* kServerEnv = "BARBERSHOP_SERVER";

/// What `login` leaves behind for the other commands.
struct Session {
  std::string server;
  std::string token;
  std::string user_id;
  std::string role;
  std::string expires_at;
  /// Gets the next access token when this one has expired; each refresh replaces it.
  std::string refresh_token{};
  std::string refresh_expires_at{};
};

/// The core's HOST:PORT: an explicit --server (`given`), then `from_environment` (the value
/// of $BARBERSHOP_SERVER, may be null), then the session's, then the default.
std::string ChooseServer(const std::optional<std::string>& given, const char* from_environment,
                         const std::optional<Session>& session);

/// The login session on disk: one JSON file, mode 0600, in the user's config folder.
/// Not safe against two processes writing at once; the last `login` wins.
class SessionStore {
 public:
  /// `$XDG_CONFIG_HOME/barbershop/session.json` (when that is an absolute path), else
  /// `$HOME/.config/barbershop/session.json`; empty when neither variable is usable.
  static std::filesystem::path DefaultPath();

  explicit SessionStore(std::filesystem::path path) : path_(std::move(path)) {}

  /// The stored session, or no value inside when nobody is logged in.
  Expected<std::optional<Session>> Load() const;

  /// Replaces the stored session atomically; the file is never readable by others.
  std::optional<Failure> Save(const Session& session) const;

  /// Forgets the session; true when there was one.
  Expected<bool> Remove() const;

 private:
  std::filesystem::path path_;
};

}  // namespace barbershop::cli
