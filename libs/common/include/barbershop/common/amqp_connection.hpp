#pragma once

#include <chrono>
#include <cstdint>
#include <string>

struct amqp_connection_state_t_;

namespace barbershop::common {

/// The channel every connection of the services uses.
inline constexpr std::uint16_t kAmqpChannel = 1;

/// How a connection to RabbitMQ is opened.
struct AmqpOpenOptions {
  /// How long the TCP connect may take.
  std::chrono::milliseconds connect_timeout{3000};
  /// Seconds between heartbeats (0: none).  Heartbeats only work for a connection that
  /// reads all the time, since rabbitmq-c sends and checks them while it waits for a
  /// frame: a consumer asks for them, to notice a broker gone silent; a publisher, which
  /// may sit idle for hours between bookings, does not, and notices a lost broker when a
  /// confirmation does not come.
  int heartbeat_seconds = 0;
  /// Ask to be told when the broker cancels our consumer (its queue deleted), instead of
  /// being left waiting on a queue that no longer exists.
  bool consumer_cancel_notify = false;
};

/// An open connection with channel kAmqpChannel, or, when `state` is null, why not
/// ("cannot connect to 127.0.0.1:5672", "login refused", ...).  Closed when destroyed.
class AmqpConnection {
 public:
  /// Opens a connection to `url` (amqp://USER:PASSWORD@HOST:PORT/VHOST; an empty vhost
  /// is "/") and its channel.
  static AmqpConnection Open(const std::string& url, const AmqpOpenOptions& options);

  AmqpConnection() = default;
  AmqpConnection(AmqpConnection&& other) noexcept;
  AmqpConnection& operator=(AmqpConnection&& other) noexcept;
  AmqpConnection(const AmqpConnection&) = delete;
  AmqpConnection& operator=(const AmqpConnection&) = delete;
  ~AmqpConnection();

  ::amqp_connection_state_t_* state() const { return state_; }
  explicit operator bool() const { return state_ != nullptr; }
  const std::string& error() const { return error_; }
  /// Drops the connection without the closing handshake (after a failure, when the
  /// socket may be dead).
  void Drop();

 private:
  /// Closes channel and connection with their handshakes.
  void Close();

  ::amqp_connection_state_t_* state_ = nullptr;
  bool channel_open_ = false;
  std::string error_;
};

/// Empty when `url` is a well-formed AMQP URL, else what is wrong with it.
std::string CheckAmqpUrl(const std::string& url);

}  // namespace barbershop::common
