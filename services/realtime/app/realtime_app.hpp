#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"

namespace barbershop::realtime {
namespace hub {
class Hub;
class AvailabilityFeed;
class Timers;
}  // namespace hub
namespace store {
class RedisPool;
class RedisSubscriber;
class RealtimeStore;
class GrpcAppointmentParties;
class CoreSlotSource;
}  // namespace store
namespace bus {
class AmqpConsumer;
class EventHandler;
}  // namespace bus
namespace net {
class WsServer;
struct ServerMetrics;
}  // namespace net
}  // namespace barbershop::realtime

namespace barbershop::realtime::app {

/// The assembled real-time service: Redis pool and subscriber, the hub, the RabbitMQ
/// consumer, the WebSocket server and a heartbeat for sessions and presence.
class RealtimeApp {
 public:
  RealtimeApp(RealtimeConfig config, const common::Clock& clock);
  ~RealtimeApp();

  /// Checks the configuration and binds the port; an error says what to fix.
  common::Status Start();
  /// Stops accepting, closes sockets with 1001, waits up to the grace period, stops.
  void Shutdown();
  std::uint16_t port() const;

 private:
  /// Reads Redis's memory into /metrics; at start, warns when Redis may evict or grow
  /// without bound.
  void WatchRedisMemory(bool at_start);

  RealtimeConfig config_;
  const common::Clock& clock_;
  common::MetricsRegistry metrics_;
  std::unique_ptr<common::TokenVerifier> tokens_;
  std::unique_ptr<common::ShopTime> shop_time_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<boost::asio::thread_pool> blocking_;
  std::unique_ptr<store::RedisPool> redis_;
  std::unique_ptr<store::RealtimeStore> store_;
  std::unique_ptr<store::RedisSubscriber> subscriber_;
  std::unique_ptr<hub::Hub> hub_;
  // Destroyed in this order, after the server: the slot source waits for its answers,
  // which go to the feed, which leaves the hub; the feed's timers run on io_.
  std::unique_ptr<hub::Timers> timers_;
  std::unique_ptr<hub::AvailabilityFeed> availability_;
  std::unique_ptr<store::CoreSlotSource> slots_;
  std::unique_ptr<store::GrpcAppointmentParties> parties_;
  std::unique_ptr<bus::EventHandler> events_;
  std::unique_ptr<bus::AmqpConsumer> consumer_;
  std::unique_ptr<net::ServerMetrics> server_metrics_;
  std::unique_ptr<net::WsServer> server_;
  std::vector<std::thread> io_threads_;
  std::thread heartbeat_;
  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool stopped_ = false;
};

}  // namespace barbershop::realtime::app
