#include "net/ws_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <thread>

#include "net/listener.hpp"
#include "net/liveness.hpp"
#include "net/server_context.hpp"
#include "net/websocket_session.hpp"

namespace barbershop::realtime::net {

namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;

namespace {

constexpr std::chrono::seconds kSweepEvery{1};

/// On the blocking pool: ends the open login sessions that Redis remembers as ended (some
/// may have ended while pub/sub was down); on failure the sweep tries again.
void CheckEndedSessions(const std::shared_ptr<ServerContext>& context) {
  context->PostBlocking([context] {
    auto ended = hub::CatchUpEndedSessions(context->login_sessions, context->deps.ended_sessions);
    if (!ended) {
      spdlog::warn("cannot check for login sessions ended while pub/sub was down: {}; trying again",
                   ended.error().message);
      context->recheck_ended_sessions = true;
    } else if (*ended > 0) {
      spdlog::info("{} login sessions ended while pub/sub was down; their sockets are closed", *ended);
    }
  });
}

/// Every second (more often for a short idle timeout): closes (1008) the sockets whose
/// token has expired, pings those quiet for half the idle timeout and closes those
/// silent for all of it, and checks the login sessions again if that failed before.  One
/// timer for all sockets rather than one each.
void Sweep(const std::shared_ptr<ServerContext>& context, const std::shared_ptr<asio::steady_timer>& timer) {
  const auto idle_timeout = std::chrono::duration_cast<Liveness::Clock::duration>(context->settings.idle_timeout);
  timer->expires_after(std::min<Liveness::Clock::duration>(kSweepEvery, idle_timeout / 4));
  timer->async_wait([context, timer, idle_timeout](boost::system::error_code ec) {
    if (ec || context->stopping) return;
    if (context->recheck_ended_sessions.exchange(false)) CheckEndedSessions(context);
    const auto now = context->deps.clock.Now();
    const auto steady_now = Liveness::Clock::now();
    for (const auto& session : context->Snapshot()) {
      if (session->expires_at() <= now) {
        asio::post(session->get_executor(), [session] {
          session->Close(static_cast<std::uint16_t>(websocket::close_code::policy_error), "token expired");
        });
        continue;
      }
      switch (session->liveness().Check(steady_now, idle_timeout)) {
        case Liveness::Verdict::kFine:
          break;
        case Liveness::Verdict::kPing:
          asio::post(session->get_executor(), [session] { session->Ping(); });
          break;
        case Liveness::Verdict::kSilent:
          asio::post(session->get_executor(), [session] { session->TimedOut(); });
          break;
      }
    }
    Sweep(context, timer);
  });
}

}  // namespace

WsServer::WsServer(ServerSettings settings, ServerDeps deps)
    : context_(std::make_shared<ServerContext>(std::move(settings), std::move(deps))),
      listener_(std::make_shared<Listener>(context_)),
      sweep_timer_(std::make_shared<asio::steady_timer>(context_->deps.io)) {}

WsServer::~WsServer() { context_->deps.hub.SetFanOut({}); }

common::Status WsServer::Start(const std::string& host, std::uint16_t port) {
  if (auto listening = listener_->Listen(host, port); !listening) return listening;
  context_->deps.hub.SetFanOut([context = context_](const std::string& channel, std::function<void()> deliver) {
    asio::post(context->FanOutStrand(channel), std::move(deliver));
  });
  // Ended login sessions, for the copy's whole life: each closes its sockets here.  Once
  // the channel is subscribed (again), whatever ended before is read from Redis.
  context_->deps.hub.Keep(
      hub::kEndedSessionsChannel,
      [context = context_](const std::string& session_id) { context->login_sessions.End(session_id); },
      [context = context_] { CheckEndedSessions(context); });
  listener_->Run();
  Sweep(context_, sweep_timer_);
  return common::Ok{};
}

std::uint16_t WsServer::port() const { return listener_->port(); }

void WsServer::Shutdown() {
  context_->stopping = true;
  listener_->Stop();
  asio::post(sweep_timer_->get_executor(), [timer = sweep_timer_] { timer->cancel(); });
  for (const auto& session : context_->Snapshot()) {
    asio::post(session->get_executor(), [session] {
      session->Close(static_cast<std::uint16_t>(websocket::close_code::going_away), "server shutting down");
    });
  }
}

std::size_t WsServer::session_count() const { return context_->session_count(); }

void WsServer::TouchSessions(std::chrono::seconds ttl) {
  // Redis runs one command at a time: refreshing 10,000 sessions in one pipeline would
  // hold up every event and chat message behind it for tens of milliseconds.  Small
  // batches with a pause between them let those through.
  constexpr std::size_t kBatch = 200;
  constexpr auto kPause = std::chrono::milliseconds(5);
  auto sessions = context_->Snapshot();
  std::erase_if(sessions, [](const auto& session) { return session->anonymous(); });  // no user, no record
  std::vector<hub::SessionRecord> records;
  records.reserve(kBatch);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    records.push_back(sessions[i]->record());
    if (records.size() < kBatch && i + 1 < sessions.size()) continue;
    if (auto ok = context_->deps.sessions.TouchSessions(records, ttl); !ok) {
      spdlog::warn("cannot refresh sessions in Redis: {}", ok.error().message);
      return;
    }
    records.clear();
    if (i + 1 < sessions.size()) std::this_thread::sleep_for(kPause);
  }
}

}  // namespace barbershop::realtime::net
