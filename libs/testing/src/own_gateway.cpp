#include "barbershop/testing/own_gateway.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <sstream>

#include "barbershop/testing/stack.hpp"

namespace barbershop::testing {

OwnGateway::OwnGateway() {
  static std::atomic<int> gateways{0};
  dir_ = "/tmp/barbershop-test-gateway-" + std::to_string(getpid()) + "-" + std::to_string(gateways++);
}

OwnGateway::~OwnGateway() {
  Stop();
  RunStackCommand("rm -rf " + dir_);
}

namespace {

/// render.sh's arguments for these copies.
std::string Upstreams(const std::vector<std::string>& cores, const std::vector<std::string>& realtimes,
                      const std::vector<std::string>& core_https) {
  std::string args;
  for (const auto& core : cores) args += " --core-grpc " + core;
  for (const auto& core : core_https) args += " --core-http " + core;
  for (const auto& copy : realtimes) args += " --realtime " + copy;
  return args;
}

}  // namespace

bool OwnGateway::Start(const std::vector<std::string>& cores, const std::vector<std::string>& realtimes,
                       const std::vector<std::string>& core_https) {
  if (!RunStackCommand("gateway_start_free " + dir_ + Upstreams(cores, realtimes, core_https) +
                       " && echo $GATEWAY_GRPC_PORT $GATEWAY_HTTP_PORT >" + dir_ + "/ports")) {
    return false;
  }
  std::ifstream ports(dir_ + "/ports");
  unsigned grpc = 0;
  unsigned http = 0;
  ports >> grpc >> http;
  grpc_port_ = static_cast<std::uint16_t>(grpc);
  http_port_ = static_cast<std::uint16_t>(http);
  return grpc_port_ != 0 && http_port_ != 0;
}

bool OwnGateway::Reload(const std::vector<std::string>& cores, const std::vector<std::string>& realtimes,
                        const std::vector<std::string>& core_https) {
  return RunStackCommand("gateway_reload " + dir_ + " " + std::to_string(grpc_port_) + " " +
                         std::to_string(http_port_) + Upstreams(cores, realtimes, core_https));
}

void OwnGateway::Stop() { RunStackCommand("gateway_stop " + dir_); }

std::string OwnGateway::Log() const {
  std::ostringstream log;
  for (const auto* name : {"/logs/nginx.out", "/logs/error.log", "/logs/access.log"}) {
    std::ifstream file(dir_ + name);
    // Read as a string: streaming an empty file's rdbuf() would set the failbit on `log`
    // and silence every file after it.
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    log << name << ":\n" << text << "\n";
  }
  return log.str();
}

}  // namespace barbershop::testing
