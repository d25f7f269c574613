#include "app/realtime_app.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/contained.hpp"
#include "barbershop/common/failpoints.hpp"
#include "barbershop/common/listen.hpp"
#include "bus/amqp_consumer.hpp"
#include "bus/event_handler.hpp"
#include "hub/hub.hpp"
#include "net/ws_server.hpp"
#include "store/appointment_parties.hpp"
#include "store/core_slots.hpp"
#include "store/realtime_store.hpp"
#include "store/redis_client.hpp"
#include "store/redis_subscriber.hpp"

namespace barbershop::realtime::app {

using common::ErrorCode;
using common::MakeError;

namespace {

constexpr std::chrono::seconds kSessionTtl{90};
constexpr std::chrono::seconds kHeartbeatEvery{30};
constexpr std::chrono::seconds kPartiesCacheFor{300};

/// The availability feed's later tries, as timers on the io threads.
class IoTimers final : public hub::Timers {
 public:
  explicit IoTimers(boost::asio::io_context& io) : io_(io) {}
  void After(std::chrono::milliseconds delay, std::function<void()> task) override {
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
    timer->async_wait([timer, task = std::move(task)](const boost::system::error_code& error) {
      if (!error) task();
    });
  }

 private:
  boost::asio::io_context& io_;
};

}  // namespace

RealtimeApp::RealtimeApp(RealtimeConfig config, const common::Clock& clock)
    : config_(std::move(config)), clock_(clock), io_(config_.io_threads) {}

RealtimeApp::~RealtimeApp() { Shutdown(); }

common::Status RealtimeApp::Start() {
  if (auto armed = common::ArmFailpoints(config_.failpoints); !armed) return armed.error();
  if (config_.token_public_keys.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no token public keys (set BARBERSHOP_TOKEN_PUBLIC_KEYS)");
  }
  auto tokens = common::TokenVerifier::FromDirectory(config_.token_public_keys, clock_);
  if (!tokens) {
    return MakeError(ErrorCode::kInvalidArgument, tokens.error().message + " (BARBERSHOP_TOKEN_PUBLIC_KEYS)");
  }
  tokens_ = std::make_unique<common::TokenVerifier>(std::move(*tokens));
  auto zone = common::ShopTime::ForZone(config_.shop_timezone);
  if (!zone) return MakeError(ErrorCode::kInvalidArgument, zone.error().message + " (set BARBERSHOP_SHOP_TIMEZONE)");
  shop_time_ = std::make_unique<common::ShopTime>(std::move(*zone));
  auto redis_address = store::ParseRedisUrl(config_.redis_url);
  if (!redis_address) {
    return MakeError(ErrorCode::kInvalidArgument, redis_address.error().message + " (set BARBERSHOP_REDIS_URL)");
  }
  if (const auto problem = common::CheckAmqpUrl(config_.amqp_url); !problem.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, problem + " (set BARBERSHOP_AMQP_URL)");
  }
  if (config_.core_address.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no core service address (set BARBERSHOP_CORE_ADDRESS)");
  }
  auto proxies = common::TrustedProxies::Parse(config_.trusted_proxies);
  if (!proxies)
    return MakeError(ErrorCode::kInvalidArgument, proxies.error().message + " (BARBERSHOP_TRUSTED_PROXIES)");
  spdlog::info("trusted proxies (client addresses from their X-Forwarded-For): {}", proxies->ToString());
  auto ws_address = common::SplitHostPort(config_.ws_address);
  if (!ws_address)
    return MakeError(ErrorCode::kInvalidArgument, ws_address.error().message + " (set BARBERSHOP_WS_ADDRESS)");

  blocking_ = std::make_unique<boost::asio::thread_pool>(static_cast<std::size_t>(config_.blocking_threads));
  redis_ = std::make_unique<store::RedisPool>(*redis_address, static_cast<std::size_t>(config_.blocking_threads) + 1);
  store_ = std::make_unique<store::RealtimeStore>(*redis_, config_.inbox_max_length, config_.chat_max_length, clock_);
  subscriber_ = std::make_unique<store::RedisSubscriber>(*redis_address);
  hub_ = std::make_unique<hub::Hub>(*subscriber_);
  subscriber_->Start(*hub_);
  parties_ = std::make_unique<store::GrpcAppointmentParties>(config_.core_address, kPartiesCacheFor, *shop_time_);
  slots_ = std::make_unique<store::CoreSlotSource>(config_.core_address);
  timers_ = std::make_unique<IoTimers>(io_);
  availability_ = std::make_unique<hub::AvailabilityFeed>(*hub_, *slots_, *timers_);

  server_metrics_ = std::make_unique<net::ServerMetrics>(metrics_);
  metrics_.AddCallbackGauge("realtime_hub_channels", "Pub/sub channels this copy is subscribed to",
                            [this] { return static_cast<double>(hub_->channel_count()); });
  metrics_.AddCallbackGauge("realtime_availability_streams",
                            "Barber, day and service triples whose free slots this copy's sockets watch",
                            [this] { return static_cast<double>(availability_->key_count()); });
  auto readiness = [this] {
    if (auto ok = store_->Ping(); !ok)
      return common::HttpReply{503, "text/plain; charset=utf-8", "redis unreachable\n"};
    if (!subscriber_->connected()) return common::HttpReply{503, "text/plain; charset=utf-8", "redis pub/sub down\n"};
    switch (consumer_ ? consumer_->state() : bus::ConsumerState::kConnecting) {
      case bus::ConsumerState::kConsuming:
        break;
      case bus::ConsumerState::kConnecting:
        return common::HttpReply{503, "text/plain; charset=utf-8", "rabbitmq unreachable\n"};
      case bus::ConsumerState::kQueueLost:
        return common::HttpReply{503, "text/plain; charset=utf-8", "rabbitmq events queue lost, declaring it again\n"};
    }
    return common::HttpReply{200, "text/plain; charset=utf-8", "ready\n"};
  };
  server_ = std::make_unique<net::WsServer>(
      net::ServerSettings{config_.instance_id, static_cast<std::size_t>(config_.send_queue_limit),
                          std::chrono::seconds(config_.idle_timeout_seconds), 100, 10000, config_.socket_send_buffer,
                          static_cast<std::size_t>(config_.max_sockets_per_user),
                          static_cast<std::size_t>(config_.max_sockets_per_address), config_.messages_per_second,
                          config_.message_burst, std::move(*proxies)},
      net::ServerDeps{io_, *blocking_, *tokens_, clock_, *parties_, *store_, *store_, *store_, *hub_, *slots_,
                      *availability_, *server_metrics_, readiness});
  if (auto ok = server_->Start(ws_address->first, ws_address->second); !ok) return ok.error();

  events_ = std::make_unique<bus::EventHandler>(
      *store_, *shop_time_, metrics_,
      [this](const std::string& appointment_id, const hub::Parties& parties) {
        parties_->Remember(appointment_id, parties);
      },
      std::chrono::seconds(config_.ended_session_memory_seconds));
  bus::AmqpSettings amqp;
  amqp.url = config_.amqp_url;
  amqp.prefetch = config_.prefetch;
  consumer_ = std::make_unique<bus::AmqpConsumer>(
      amqp, [this](const std::vector<bus::Delivery>& deliveries) { return events_->Handle(deliveries); }, metrics_);
  consumer_->Start();

  work_.emplace(io_.get_executor());
  // A handler that throws unwinds out of run(): the socket concerned is dropped with it,
  // and the thread goes back to serving the others.
  auto& io_failures = common::UnhandledErrors(metrics_, "realtime io thread");
  for (int i = 0; i < config_.io_threads; ++i) {
    io_threads_.emplace_back(
        [this, &io_failures] { common::RunRestarting("an io thread", &io_failures, [this] { io_.run(); }); });
  }
  WatchRedisMemory(true);
  heartbeat_ = std::thread([this] {
    std::unique_lock lock(heartbeat_mutex_);
    while (!heartbeat_wake_.wait_for(lock, kHeartbeatEvery, [this] { return stopped_; })) {
      lock.unlock();
      common::RunContained("the session heartbeat", &common::UnhandledErrors(metrics_, "realtime heartbeat"), [this] {
        server_->TouchSessions(kSessionTtl);
        WatchRedisMemory(false);
      });
      lock.lock();
    }
  });
  spdlog::info("real-time service {} listening on {}:{}", config_.instance_id, ws_address->first, server_->port());
  if (!config_.port_file.empty()) {
    if (auto written = common::WritePortFile(config_.port_file, {{"ws", server_->port()}}); !written) {
      return written.error();
    }
  }
  return common::Ok{};
}

void RealtimeApp::WatchRedisMemory(bool at_start) {
  auto memory = store_->Memory();
  if (!memory) return;
  metrics_.GetGauge("realtime_redis_used_memory_bytes", "Memory Redis uses")
      .Set(static_cast<double>(memory->used_bytes));
  metrics_.GetGauge("realtime_redis_max_memory_bytes", "Redis's maxmemory (0: no limit)")
      .Set(static_cast<double>(memory->max_bytes));
  if (memory->max_bytes > 0) {
    metrics_.GetGauge("realtime_redis_memory_headroom_bytes", "What Redis may still use before writes are refused")
        .Set(static_cast<double>(memory->max_bytes - memory->used_bytes));
  }
  if (at_start && memory->policy != "noeviction") {
    spdlog::warn(
        "Redis's maxmemory-policy is {}: at its limit it may evict inboxes and chats; run it with "
        "--maxmemory-policy noeviction",
        memory->policy);
  }
  if (at_start && memory->max_bytes == 0) {
    spdlog::warn("Redis has no maxmemory: it may grow until the machine runs out; give it one");
  }
}

std::uint16_t RealtimeApp::port() const { return server_ ? server_->port() : 0; }

void RealtimeApp::Shutdown() {
  {
    std::lock_guard lock(heartbeat_mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  heartbeat_wake_.notify_all();
  if (heartbeat_.joinable()) heartbeat_.join();
  if (server_) {
    server_->Shutdown();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config_.shutdown_grace_seconds);
    while (server_->session_count() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  if (consumer_) consumer_->Stop();
  work_.reset();
  io_.stop();
  for (auto& thread : io_threads_) thread.join();
  io_threads_.clear();
  if (blocking_) blocking_->join();
  if (subscriber_) subscriber_->Stop();
  spdlog::info("real-time service stopped");
}

}  // namespace barbershop::realtime::app
