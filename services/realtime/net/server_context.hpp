#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "barbershop/common/contained.hpp"
#include "barbershop/common/http_server.hpp"
#include "hub/limits.hpp"
#include "hub/replay_planner.hpp"
#include "net/ws_server.hpp"

namespace barbershop::realtime::net {

// Concrete executor types: every pending operation of a socket carries copies of its
// executor, and a strand is half the size of a type-erased executor.
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using Socket = boost::asio::ip::tcp::socket::rebind_executor<Strand>::other;

class WebSocketSession;

/// What every connection of one server shares: its settings and collaborators, the
/// strands the hub delivers on, and the open sockets.  Thread-safe.
class ServerContext {
 public:
  ServerContext(ServerSettings settings, ServerDeps deps);

  const ServerSettings settings;
  ServerDeps deps;
  const hub::ReplayPlanner replays;
  hub::SocketCounter sockets;
  /// Which sockets (and upgrades under way) belong to which login session.
  hub::LoginSessions login_sessions;
  /// Set when the open login sessions must be checked against the ended ones in Redis
  /// (a check after pub/sub came back failed): the sweep tries again.
  std::atomic<bool> recheck_ended_sessions{false};
  /// Set once on shutdown: no new connection is admitted.
  std::atomic<bool> stopping{false};
  /// What a plain HTTP request (no upgrade) gets: /healthz, /metrics, and /readyz, which
  /// asks Redis and RabbitMQ and so blocks.
  common::HttpRoutes probes;

  /// The strand that delivers a channel's messages: always the same one for a channel
  /// (in order), on the io threads, so a socket whose strand is free writes at once.
  const Strand& FanOutStrand(const std::string& channel) const;
  std::uint64_t NextNumber() { return next_number_++; }

  /// Runs `work` on the blocking pool; an exception it throws fails only that job.
  template <typename F>
  void PostBlocking(F work) {
    boost::asio::post(deps.blocking, [work = std::move(work), failures = &deps.metrics.blocking_failures]() mutable {
      common::RunContained("a blocking job of the WebSocket server", failures, work);
    });
  }

  void Add(std::uint64_t number, const std::shared_ptr<WebSocketSession>& session);
  void Remove(std::uint64_t number);
  /// The open sockets, at this moment.
  std::vector<std::shared_ptr<WebSocketSession>> Snapshot() const;
  std::size_t session_count() const;

 private:
  std::vector<Strand> fan_out_;
  std::atomic<std::uint64_t> next_number_{1};
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<WebSocketSession>> sessions_;
};

}  // namespace barbershop::realtime::net
