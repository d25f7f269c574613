#pragma once

#include <cstdint>
#include <string>

namespace barbershop::testing {

/// A RabbitMQ of a test's own (started by scripts/stack.sh, in a folder under /tmp),
/// which the test may stop, empty and start again on the same port.  Stopped and removed
/// when destroyed.
class OwnBroker {
 public:
  OwnBroker();
  ~OwnBroker();
  OwnBroker(const OwnBroker&) = delete;
  OwnBroker& operator=(const OwnBroker&) = delete;

  /// Starts it and waits until it accepts connections.  RabbitMQ cannot pick its own
  /// port and report it, so the first start takes a free one and, when another program
  /// took it meanwhile and the broker could not listen, tries another.
  bool Start();
  bool Stop();
  /// Removes its data (while stopped): it starts again empty, as a rebuilt broker.
  bool Wipe();
  /// Runs rabbitmqctl against it, e.g. "delete_queue NAME", as an operator would.
  bool Ctl(const std::string& arguments);
  std::string url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  std::string dir_;
  std::uint16_t port_ = 0;
  bool started_before_ = false;
};

}  // namespace barbershop::testing
