#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "event_publisher.hpp"

struct amqp_connection_state_t_;

namespace barbershop::core::events {

/// EventPublisher on RabbitMQ (rabbitmq-c): declares the durable topic exchange,
/// publishes persistent messages with publisher confirms, and reads the broker's
/// basic.ack/basic.nack frames (honouring `multiple`).  Reconnects on the next call
/// after any failure.  Not thread-safe.
class RabbitPublisher final : public EventPublisher {
 public:
  RabbitPublisher(std::string url, std::string exchange, std::chrono::milliseconds confirm_timeout);
  ~RabbitPublisher() override;

  common::Status PublishConfirmed(const std::vector<OutgoingEvent>& batch) override;
  bool connected() const { return connection_ != nullptr; }

 private:
  common::Status Connect();
  void Disconnect();
  common::Status WaitForConfirms(std::uint64_t first_tag, std::uint64_t last_tag);

  std::string url_;
  std::string exchange_;
  std::chrono::milliseconds confirm_timeout_;
  ::amqp_connection_state_t_* connection_ = nullptr;
  std::uint64_t next_tag_ = 1;
};

}  // namespace barbershop::core::events
