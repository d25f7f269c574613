#include "barbershop/testing/own_broker.hpp"

#include "barbershop/testing/stack.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdlib>

namespace barbershop::testing {

namespace {

/// A TCP port on 127.0.0.1 that was free a moment ago (for a server that cannot bind
/// port 0 and report what it got).
std::uint16_t FreePort() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

}  // namespace

OwnBroker::OwnBroker() {
  static std::atomic<int> brokers{0};
  dir_ = "/tmp/barbershop-test-broker-" + std::to_string(getpid()) + "-" + std::to_string(brokers++);
}

OwnBroker::~OwnBroker() {
  Stop();
  RunStackCommand("rm -rf " + dir_);
}

bool OwnBroker::Start() {
  const auto start = [this] {
    const auto args = dir_ + " " + std::to_string(port_);
    return RunStackCommand("rabbitmq_start " + args + " && rabbitmq_wait " + args + " 120");
  };
  if (started_before_) return start();  // the services know this port
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = FreePort();
    if (start()) {
      started_before_ = true;
      return true;
    }
    Stop();
  }
  return false;
}

bool OwnBroker::Stop() { return port_ == 0 || RunStackCommand("rabbitmq_stop " + dir_ + " " + std::to_string(port_)); }

bool OwnBroker::Wipe() { return RunStackCommand("rm -rf " + dir_ + "/mnesia"); }

bool OwnBroker::Ctl(const std::string& arguments) {
  return RunStackCommand("rabbitmq_env " + dir_ + " " + std::to_string(port_) +
                         " && timeout 60 /usr/lib/rabbitmq/bin/rabbitmqctl -q " + arguments + " >/dev/null");
}

}  // namespace barbershop::testing
