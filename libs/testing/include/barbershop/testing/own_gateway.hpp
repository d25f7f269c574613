#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace barbershop::testing {

/// The gateway (nginx, configured from deploy/gateway and started by scripts/stack.sh,
/// as make up and make test start theirs) in front of copies a test started, in a folder
/// under /tmp.  Stopped and removed when destroyed.
class OwnGateway {
 public:
  OwnGateway();
  ~OwnGateway();
  OwnGateway(const OwnGateway&) = delete;
  OwnGateway& operator=(const OwnGateway&) = delete;

  /// Starts it in front of `cores` (gRPC HOST:PORT each), `realtimes` (WebSocket
  /// HOST:PORT each) and `core_https` (the cores' HTTP HOST:PORT, for /v1/) and waits until its /healthz answers. nginx
  /// cannot listen on port 0 and report what it got, so it takes free ports and, when another program took one
  /// meanwhile and nginx could not listen, two others (stack.sh's gateway_start_free).
  bool Start(const std::vector<std::string>& cores, const std::vector<std::string>& realtimes,
             const std::vector<std::string>& core_https = {});
  /// Puts it in front of other copies, as an operator's reload does: sockets and calls
  /// already open stay where they are; new ones go to the new copies.  Returns once nginx
  /// runs the new configuration.
  bool Reload(const std::vector<std::string>& cores, const std::vector<std::string>& realtimes,
              const std::vector<std::string>& core_https = {});
  void Stop();

  /// Where gRPC clients connect: "127.0.0.1:PORT".
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port_); }
  /// The JSON API, WebSockets and probes.
  std::uint16_t http_port() const { return http_port_; }
  /// What nginx logged (its start, its errors), for a failing test's message.
  std::string Log() const;

 private:
  std::string dir_;
  std::uint16_t grpc_port_ = 0;
  std::uint16_t http_port_ = 0;
};

}  // namespace barbershop::testing
