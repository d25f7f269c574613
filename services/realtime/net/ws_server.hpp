#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/http_server.hpp"
#include "barbershop/common/result.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/common/trusted_proxies.hpp"
#include "hub/availability.hpp"
#include "hub/hub.hpp"
#include "hub/login_sessions.hpp"
#include "hub/message_store.hpp"
#include "net/server_metrics.hpp"
#include "store/appointment_parties.hpp"

namespace barbershop::realtime::net {

struct ServerSettings {
  std::string instance_id;
  std::size_t send_queue_limit = 1024;         ///< messages waiting per socket before it counts as slow
  std::chrono::seconds idle_timeout{40};       ///< a ping after half of it; closed without an answer
  std::size_t history_limit = 100;             ///< chat messages replayed on join
  std::size_t replay_limit = 10000;            ///< most inbox messages replayed after ?since
  int socket_send_buffer = 0;                  ///< SO_SNDBUF in bytes; 0 leaves the kernel's autotuning
  std::size_t max_sockets_per_user = 16;       ///< 0: no limit
  std::size_t max_sockets_per_address = 1000;  ///< 0: no limit
  double messages_per_second = 5;              ///< what a client may send on one socket, on average (0: no limit)
  double message_burst = 20;                   ///< ... and at once
  /// Peers (the gateway) whose X-Forwarded-For names the client that
  /// max_sockets_per_address counts; by default nobody's.
  common::TrustedProxies trusted_proxies;
};

/// What the server needs from the rest of the service.  All of it outlives the server.
struct ServerDeps {
  boost::asio::io_context& io;
  boost::asio::thread_pool& blocking;  ///< where Redis and gRPC calls run
  const common::TokenVerifier& tokens;
  const common::Clock& clock;  ///< dates chat messages and sessions; tells when tokens and chats expire
  store::AppointmentParties& parties;
  hub::MessageStore& messages;
  hub::SessionStore& sessions;
  hub::EndedSessionStore& ended_sessions;  ///< login sessions the core ended
  hub::Hub& hub;
  hub::SlotSource& slots;               ///< the free slots an availability stream starts from
  hub::AvailabilityFeed& availability;  ///< the availability streams' watchers and their changes
  ServerMetrics& metrics;
  /// Runs on `blocking`: 200 when Redis and RabbitMQ are reachable.
  std::function<common::HttpReply()> readiness;
};

class ServerContext;
class Listener;

/// The WebSocket and probe server (Boost.Beast): the seed's three paths, a barber's live
/// availability, /healthz, /readyz and /metrics on one port.  A connection is authenticated and authorised
/// before the upgrade (net/upgrade.cpp); each socket runs on its own strand with a
/// bounded send queue (net/websocket_session.cpp).  Thread-safe.
class WsServer {
 public:
  WsServer(ServerSettings settings, ServerDeps deps);
  ~WsServer();

  /// Binds and starts accepting (on the io_context's threads).
  common::Status Start(const std::string& host, std::uint16_t port);
  std::uint16_t port() const;
  /// Stops accepting and closes every socket with 1001 (going away).  Returns at once.
  void Shutdown();
  std::size_t session_count() const;
  /// Refreshes every socket's session and presence record in Redis (blocking).
  void TouchSessions(std::chrono::seconds ttl);

 private:
  std::shared_ptr<ServerContext> context_;
  std::shared_ptr<Listener> listener_;
  std::shared_ptr<boost::asio::steady_timer> sweep_timer_;  ///< closes sockets whose token expired
};

}  // namespace barbershop::realtime::net
