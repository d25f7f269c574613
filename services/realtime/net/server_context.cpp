#include "net/server_context.hpp"

#include <functional>

namespace barbershop::realtime::net {

namespace {

constexpr std::size_t kFanOutStrands = 8;
constexpr const char* kText = "text/plain; charset=utf-8";

}  // namespace

ServerContext::ServerContext(ServerSettings s, ServerDeps d)
    : settings(std::move(s)),
      deps(std::move(d)),
      replays(deps.messages, hub::ReplayLimits{settings.history_limit, settings.replay_limit}),
      sockets(settings.max_sockets_per_user, settings.max_sockets_per_address) {
  for (std::size_t i = 0; i < kFanOutStrands; ++i) fan_out_.push_back(boost::asio::make_strand(deps.io));
  probes.Handle("/healthz", [] { return common::HttpReply{200, kText, "ok\n"}; });
  probes.Handle("/metrics", [this] {
    return common::HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", deps.metrics.registry.Render()};
  });
  probes.Handle(
      "/readyz",
      [this] {
        return stopping ? common::HttpReply{503, kText, "shutting down\n"} : deps.readiness();
      },
      /*blocks=*/true);
}

const Strand& ServerContext::FanOutStrand(const std::string& channel) const {
  return fan_out_[std::hash<std::string>{}(channel) % fan_out_.size()];
}

void ServerContext::Add(std::uint64_t number, const std::shared_ptr<WebSocketSession>& session) {
  std::lock_guard lock(mutex_);
  sessions_[number] = session;
}

void ServerContext::Remove(std::uint64_t number) {
  std::lock_guard lock(mutex_);
  sessions_.erase(number);
}

std::vector<std::shared_ptr<WebSocketSession>> ServerContext::Snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<WebSocketSession>> live;
  live.reserve(sessions_.size());
  for (const auto& [number, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

std::size_t ServerContext::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace barbershop::realtime::net
