#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "barbershop/common/amqp_connection.hpp"

namespace barbershop::core::testing {

struct ReceivedEvent {
  std::string routing_key;
  nlohmann::json payload;
};

/// A queue bound to every appointment event on `barbershop.events`, read with
/// rabbitmq-c.  Durable and named when `name` is given (it survives a broker restart),
/// otherwise exclusive to this connection; or the real-time service's own queue, read
/// (and declared, if missing) as that service does.
class TestQueue {
 public:
  struct RealtimeQueue {};
  explicit TestQueue(std::string amqp_url, std::string name = "");
  TestQueue(std::string amqp_url, RealtimeQueue);
  ~TestQueue();
  /// The next event, or nullopt after `timeout`.  Reconnects (and resubscribes) when the
  /// broker went away.
  std::optional<ReceivedEvent> Next(std::chrono::milliseconds timeout);

 private:
  bool Connect();
  void Disconnect();

  std::string url_;
  std::string name_;
  bool realtime_ = false;
  common::AmqpConnection connection_;
};

}  // namespace barbershop::core::testing
