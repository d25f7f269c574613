#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct amqp_connection_state_t_;

namespace barbershop::common {

/// Where events travel on RabbitMQ: the core publishes them to `exchange`, the real-time
/// service consumes them from the durable `queue`, bound with each of `bindings`
/// (appointment changes, "appointment.<type>", changes to a barber's hours, services or
/// time off, "barber.schedule_changed", and ended login sessions, "session.ended").
/// Both services declare all three, whoever starts first (on a fresh or rebuilt broker,
/// an event published before the queue exists would be routed nowhere), so the queue's
/// arguments are written here once: the broker refuses to declare a queue again with
/// other arguments (PRECONDITION_FAILED).
struct EventTopology {
  std::string exchange = "barbershop.events";
  std::string queue = "barbershop.realtime.events";
  std::vector<std::string> bindings = {"appointment.#", "barber.#", "session.#"};
};

/// Declares the durable topic exchange, the durable queue (one active consumer at a
/// time) and its bindings on an open channel of `connection`.  Idempotent.  Empty on
/// success, else which step failed (after a refusal the broker has closed the channel).
/// Uses the connection like any rabbitmq-c call: not concurrently with other calls on it.
std::string DeclareEventTopology(::amqp_connection_state_t_* connection, std::uint16_t channel,
                                 const EventTopology& topology);

}  // namespace barbershop::common
