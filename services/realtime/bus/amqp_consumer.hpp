#pragma once

#include <amqp.h>

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "barbershop/common/event_topology.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/stop_flag.hpp"

namespace barbershop::realtime::bus {

/// What became of one delivery.
struct Handled {
  enum class Outcome { kDone, kRetry, kDeadLetter };
  Outcome outcome = Outcome::kDone;
  std::string reason;  ///< for kDeadLetter: why (carried in the dead letter's x-reason header)
  std::string detail;
};

/// One delivery's routing key and body, valid while it is being handled.
struct Delivery {
  std::string_view routing_key;
  std::string_view body;
};

struct AmqpSettings {
  std::string url;  ///< amqp://user:password@host:port/vhost
  common::EventTopology topology;
  std::string dead_letters = "barbershop.realtime.dead";  ///< exchange and queue
  int prefetch = 300;
};

/// Where the consumer stands, for readiness.
enum class ConsumerState {
  kConnecting,  ///< not (yet, or no longer) connected to the broker
  kConsuming,
  kQueueLost,  ///< the broker cancelled the consumer (queue deleted, node lost): declaring it again
};

/// Consumes the shared durable queue on a thread of its own (rabbitmq-c).  Declares the
/// topology, hands the deliveries to the handler and acknowledges them (together) only
/// once the handler says they are done; a delivery the handler cannot act on is published to the
/// dead-letter exchange with its reason, then acknowledged; a kRetry is retried on the
/// same thread until it succeeds or the consumer stops (unacknowledged deliveries go
/// back to the queue).  Asks the broker to say when it cancels the consumer; then, as
/// after any failure, it reconnects with backoff, declares the queue again and consumes.
/// state() is thread-safe; Start/Stop from one thread.
class AmqpConsumer {
 public:
  /// Handles deliveries in order, a result for each.
  using Handler = std::function<std::vector<Handled>(const std::vector<Delivery>& deliveries)>;

  /// The deliveries already read from the socket (up to kBatch) are handed over
  /// together; a delivery to retry is then tried again alone.
  AmqpConsumer(AmqpSettings settings, Handler handler, common::MetricsRegistry& metrics);
  ~AmqpConsumer();
  AmqpConsumer(const AmqpConsumer&) = delete;
  AmqpConsumer& operator=(const AmqpConsumer&) = delete;

  void Start();
  void Stop();
  ConsumerState state() const { return state_.load(); }

 private:
  /// How a connection ended.
  enum class Ended { kStopped, kFailed, kCancelled };

  void Run();
  /// Connects, declares, consumes (state kConsuming) until stopped, cancelled or failed.
  Ended RunConnection();
  /// Publishes a delivery to the dead-letter exchange with the handler's reason.
  bool DeadLetter(amqp_connection_state_t connection, const amqp_envelope_t& envelope, const Handled& handled);

  /// At most this many deliveries are handled together, and handled before they are
  /// acknowledged together.
  static constexpr std::size_t kBatch = 64;

  AmqpSettings settings_;
  Handler handler_;
  common::Counter& cancellations_;
  common::Counter& redeclarations_;
  common::StopFlag stop_;
  std::atomic<ConsumerState> state_{ConsumerState::kConnecting};
  bool declared_before_ = false;  // on the consumer's thread only
  std::thread thread_;
};

}  // namespace barbershop::realtime::bus
