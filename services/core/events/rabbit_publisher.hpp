#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/event_topology.hpp"
#include "event_publisher.hpp"

struct amqp_connection_state_t_;

namespace barbershop::core::events {

/// EventPublisher on RabbitMQ (rabbitmq-c): declares the events topology (exchange,
/// the real-time service's queue and its binding), publishes persistent messages as
/// mandatory with publisher confirms, and reads the broker's basic.ack/basic.nack frames
/// (honouring `multiple`) and basic.return (a message routed to no queue).  Reconnects,
/// and so declares the topology again, on the next call after any failure or return.
/// Not thread-safe.
class RabbitPublisher final : public EventPublisher {
 public:
  RabbitPublisher(std::string url, common::EventTopology topology, std::chrono::milliseconds confirm_timeout);
  ~RabbitPublisher() override;

  common::Status PublishConfirmed(const std::vector<OutgoingEvent>& batch) override;
  bool connected() const { return connection_ != nullptr; }

 private:
  common::Status Connect();
  void Disconnect();
  common::Status WaitForConfirms(std::uint64_t first_tag, std::uint64_t last_tag);

  std::string url_;
  common::EventTopology topology_;
  std::chrono::milliseconds confirm_timeout_;
  common::AmqpConnection amqp_;
  ::amqp_connection_state_t_* connection_ = nullptr;  ///< amqp_'s, while connected
  std::uint64_t next_tag_ = 1;
};

}  // namespace barbershop::core::events
