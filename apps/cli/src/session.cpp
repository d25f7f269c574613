#include "session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

namespace barbershop::cli {
namespace {

namespace fs = std::filesystem;

Failure NoConfigFolder() {
  return Failure{kExitRefused, "cannot find a config folder for the session; set HOME or XDG_CONFIG_HOME"};
}

bool WritePrivateFile(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  // A leftover file keeps its old mode through O_CREAT, so set it explicitly.
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  return ::close(fd) == 0 && ok;
}

}  // namespace

std::string ChooseServer(const std::optional<std::string>& given, const char* from_environment,
                         const std::optional<Session>& session) {
  if (given) return *given;
  if (from_environment != nullptr && from_environment[0] != '\0') return from_environment;
  if (session && !session->server.empty()) return session->server;
  return kDefaultServer;
}

fs::path SessionStore::DefaultPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return fs::path(xdg) / "barbershop" / "session.json";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return fs::path(home) / ".config" / "barbershop" / "session.json";
  return {};
}

Expected<std::optional<Session>> SessionStore::Load() const {
  if (path_.empty()) return NoConfigFolder();
  std::error_code ec;
  if (!fs::exists(path_, ec)) {
    if (ec) return Failure{kExitRefused, "cannot read " + path_.string() + ": " + ec.message()};
    return std::optional<Session>{};
  }
  std::ifstream in(path_);
  if (!in) return Failure{kExitRefused, "cannot read " + path_.string() + ": " + std::strerror(errno)};
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, false);
  const auto field = [&json](const char* key) {
    const auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!json.is_object() || field("token").empty()) {
    return Failure{kExitRefused, "the session file " + path_.string() + " is damaged; run 'barbershop login' again"};
  }
  return std::optional<Session>{Session{field("server"), field("token"), field("user_id"), field("role"),
                                        field("expires_at"), field("refresh_token"), field("refresh_expires_at")}};
}

std::optional<Failure> SessionStore::Save(const Session& session) const {
  if (path_.empty()) return NoConfigFolder();
  const fs::path dir = path_.parent_path();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Failure{kExitRefused, "cannot create " + dir.string() + ": " + ec.message()};
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const std::string text = nlohmann::json{{"server", session.server},
                                          {"token", session.token},
                                          {"user_id", session.user_id},
                                          {"role", session.role},
                                          {"expires_at", session.expires_at},
                                          {"refresh_token", session.refresh_token},
                                          {"refresh_expires_at", session.refresh_expires_at}}
                               .dump(2) +
                           "\n";
  const fs::path temp = path_.string() + ".tmp";
  if (!WritePrivateFile(temp, text) || std::rename(temp.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    fs::remove(temp, ec);
    return Failure{kExitRefused, "cannot write " + path_.string() + ": " + reason};
  }
  return std::nullopt;
}

Expected<bool> SessionStore::Remove() const {
  if (path_.empty()) return NoConfigFolder();
  std::error_code ec;
  const bool removed = fs::remove(path_, ec);
  if (ec) return Failure{kExitRefused, "cannot remove " + path_.string() + ": " + ec.message()};
  return removed;
}

}  // namespace barbershop::cli
