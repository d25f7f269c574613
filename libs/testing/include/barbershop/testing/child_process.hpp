#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace barbershop::testing {

/// An HTTP answer: its status (0 when nothing listens or no answer came within 30 s), its
/// header fields by lower-case name, and its body.
struct HttpAnswer {
  unsigned status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
};

/// `method` http://127.0.0.1:port/target with these header fields and body (a
/// Content-Length is added for a body).
HttpAnswer HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = "");

/// GET http://127.0.0.1:port/target: the status and body, or {0, ""} when nothing
/// listens there or no answer comes within 30 s.
std::pair<unsigned, std::string> HttpGet(std::uint16_t port, const std::string& target);

/// Sends raw bytes to 127.0.0.1:port and returns what comes back until the server
/// closes (empty when nothing listens): for requests no HTTP client would write.
std::string RawExchange(std::uint16_t port, const std::string& bytes);

/// A service binary run as a child process on ports it picks itself (port 0), which it
/// reports in a port file (--port-file), so that no port is chosen free and then taken by
/// another program before the child binds it.  Its output goes to a log file under
/// $TMPDIR (or /tmp).  SIGKILLed when destroyed while it runs.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  virtual ~ChildProcess();

  /// Starts `args` (the binary first) with this process's environment, less its
  /// BARBERSHOP_* variables, plus `settings` ("NAME=value") and BARBERSHOP_PORT_FILE;
  /// the service must listen on port 0.  Returns once the port file is written and GET
  /// /readyz on the port named `probe` ("http", "ws") answers 200; false when the child
  /// exits first or is not ready within `timeout`.
  bool Spawn(const std::vector<std::string>& args, const std::vector<std::string>& settings, const std::string& probe,
             const std::string& log_name, std::chrono::seconds timeout = std::chrono::seconds(60));

  /// The port the child reported under `name` ("grpc", "http", "ws"); 0 when none.
  std::uint16_t port(const std::string& name) const;
  /// Where its output goes.
  const std::string& log_path() const { return log_; }

  void Kill(int signal);
  /// Waits for the process to end; its exit status (128 + signal when killed), or nullopt
  /// on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool running() const { return pid_ > 0; }

 private:
  /// Reads the port file; true once it is there.
  bool ReadPorts();

  int pid_ = -1;
  std::string log_;
  std::string port_file_;
  std::map<std::string, std::uint16_t> ports_;
};

}  // namespace barbershop::testing
