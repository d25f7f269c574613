#include "barbershop/testing/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <string_view>

#include "barbershop/testing/eventually.hpp"

extern char** environ;

namespace barbershop::testing {

namespace {

std::string TempDir() {
  const char* dir = std::getenv("TMPDIR");
  return dir == nullptr || *dir == '\0' ? std::string("/tmp") : std::string(dir);
}

/// A name no other child of this run has: the log and port file are named after it.
std::string UniqueName(const std::string& log_name) {
  static std::atomic<int> next{0};
  return log_name + "-" + std::to_string(getpid()) + "-" + std::to_string(next++);
}

/// The last lines of a child's log.
std::string LogTail(const std::string& path) {
  constexpr std::size_t kLines = 40;
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > kLines) lines.pop_front();
  }
  std::string tail;
  for (const auto& line : lines) tail += line + "\n";
  return tail;
}

}  // namespace

HttpAnswer HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(30));  // a busy machine answers late, not never
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    if (!body.empty()) request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    HttpAnswer answer{response.result_int(), {}, response.body()};
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      answer.headers[name] = std::string(field.value());
    }
    return answer;
  } catch (const std::exception&) {
    return {};
  }
}

std::pair<unsigned, std::string> HttpGet(std::uint16_t port, const std::string& target) {
  auto answer = HttpCall(port, "GET", target);
  return {answer.status, std::move(answer.body)};
}

std::string RawExchange(std::uint16_t port, const std::string& bytes) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  asio::write(socket, asio::buffer(bytes), ec);
  std::string answer;
  char chunk[512];
  while (!ec) {
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    answer.append(chunk, n);
  }
  return answer;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    Kill(SIGKILL);
    Wait(std::chrono::seconds(5));
  }
  if (!port_file_.empty()) std::remove(port_file_.c_str());
}

bool ChildProcess::Spawn(const std::vector<std::string>& args, const std::vector<std::string>& settings,
                         const std::string& probe, const std::string& log_name, std::chrono::seconds timeout) {
  const std::string base = TempDir() + "/" + UniqueName(log_name);
  log_ = base + ".log";
  port_file_ = base + ".ports";
  std::remove(port_file_.c_str());
  ports_.clear();

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).rfind("BARBERSHOP_", 0) != 0) env.emplace_back(*e);
  }
  env.insert(env.end(), settings.begin(), settings.end());
  env.push_back("BARBERSHOP_PORT_FILE=" + port_file_);
  std::vector<std::string> argv_storage = args;
  std::vector<char*> argv;
  for (auto& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  // posix_spawn, not fork: between fork and exec a child of a threaded process may only
  // make async-signal-safe calls, and opening the log there (malloc) can hang it for good
  // when another thread held the allocator's lock at the fork.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    pid_ = -1;
    std::fprintf(stderr, "%s could not be started: %s\n", args.front().c_str(), std::strerror(spawned));
    return false;
  }
  pid_ = pid;

  bool exited = false;
  std::string last_answer = "no port file yet";
  const bool ready = Eventually(
      [&] {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          exited = true;
          return true;
        }
        if (!ReadPorts() || port(probe) == 0) return false;
        const auto [code, body] = HttpGet(port(probe), "/readyz");
        last_answer = code == 0 ? "no answer from /readyz" : "/readyz answered " + std::to_string(code) + ": " + body;
        return code == 200;
      },
      timeout);
  if (ready && !exited) return true;
  // Why, in the test's output: a child that never got ready says so in its log.
  std::fprintf(stderr, "%s %s; the end of its log (%s):\n%s\n", args.front().c_str(),
               exited ? "exited before it was ready" : ("was not ready in time (" + last_answer + ")").c_str(),
               log_.c_str(), LogTail(log_).c_str());
  return false;
}

bool ChildProcess::ReadPorts() {
  if (!ports_.empty()) return true;
  std::ifstream in(port_file_);
  if (!in) return false;
  std::string name;
  unsigned port = 0;
  while (in >> name >> port) ports_[name] = static_cast<std::uint16_t>(port);
  return !ports_.empty();
}

std::uint16_t ChildProcess::port(const std::string& name) const {
  const auto found = ports_.find(name);
  return found == ports_.end() ? 0 : found->second;
}

void ChildProcess::Kill(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ChildProcess::Wait(std::chrono::milliseconds timeout) {
  std::optional<int> exit_status;
  Eventually(
      [&] {
        if (pid_ <= 0) return true;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
        pid_ = -1;
        exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      },
      timeout);
  return exit_status;
}

}  // namespace barbershop::testing
