#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace barbershop::realtime::bus {

/// What became of one delivery.
struct Handled {
  enum class Outcome { kDone, kRetry, kDeadLetter };
  Outcome outcome = Outcome::kDone;
  std::string reason;  ///< for kDeadLetter: why (carried in the dead letter's x-reason header)
  std::string detail;
};

struct AmqpSettings {
  std::string url;  ///< amqp://user:password@host:port/vhost
  std::string exchange = "barbershop.events";
  std::string queue = "barbershop.realtime.events";
  std::string binding = "appointment.#";
  std::string dead_letters = "barbershop.realtime.dead";  ///< exchange and queue
  int prefetch = 300;
};

/// Consumes the shared durable queue on a thread of its own (rabbitmq-c).  Declares the
/// topology, hands each delivery to the handler and acknowledges it only once the
/// handler says it is done; a delivery the handler cannot act on is published to the
/// dead-letter exchange with its reason, then acknowledged; a kRetry is retried on the
/// same thread until it succeeds or the consumer stops (unacknowledged deliveries go
/// back to the queue).  Reconnects after failures.
class AmqpConsumer {
 public:
  using Handler = std::function<Handled(std::string_view routing_key, std::string_view body)>;

  AmqpConsumer(AmqpSettings settings, Handler handler);
  ~AmqpConsumer();
  AmqpConsumer(const AmqpConsumer&) = delete;
  AmqpConsumer& operator=(const AmqpConsumer&) = delete;

  void Start();
  void Stop();
  bool connected() const { return connected_.load(); }

 private:
  void Run();
  bool RunConnection();

  AmqpSettings settings_;
  Handler handler_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::thread thread_;
};

/// Checks an AMQP URL; empty when fine, else what is wrong.
std::string CheckAmqpUrl(const std::string& url);

}  // namespace barbershop::realtime::bus
