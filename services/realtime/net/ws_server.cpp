#include "net/ws_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/container/devector.hpp>
#include <date/date.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "barbershop/common/contained.hpp"
#include "barbershop/common/listen.hpp"
#include "barbershop/common/text.hpp"
#include "hub/limits.hpp"
#include "hub/protocol.hpp"
#include "hub/routes.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using common::ErrorCode;
using common::MakeError;

namespace {

constexpr std::chrono::seconds kSlowCloseGrace{2};
constexpr std::chrono::seconds kRequestTimeout{15};
constexpr std::uint16_t kSlowCloseCode = 4000;
constexpr std::size_t kReplayBatch = 500;
constexpr std::chrono::seconds kSweepEvery{1};
constexpr std::size_t kFanOutStrands = 8;
// An idle socket waits for its next message with a read buffer of this many bytes; the
// rest of a message is read into a buffer of its size, released once it is handled.
constexpr std::size_t kIdleReadBytes = 16;
// A send queue that grew past this many entries gives its memory back once drained.
constexpr std::size_t kKeptQueueCapacity = 16;
// Messages over a socket's rate answered with an error before it is closed (1008).
constexpr std::uint8_t kRefusedBeforeClose = 10;

std::string IsoTime(std::chrono::system_clock::time_point at) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(at));
}

std::string NowIso() { return IsoTime(std::chrono::system_clock::now()); }

common::TimePoint NowSeconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// A chat's messages are kept until a day after it closes (hub::kChatOpenAfterEnd), or a
// month when the appointment's end is unknown.
std::chrono::seconds ChatRetention(const hub::Parties& parties, common::TimePoint now) {
  if (parties.ends_at == common::TimePoint{}) return std::chrono::hours(30 * 24);
  return std::max<std::chrono::seconds>(std::chrono::hours(24),
                                        parties.ends_at + hub::kChatOpenAfterEnd + std::chrono::hours(24) - now);
}

using Frame = std::shared_ptr<const std::string>;
// Concrete executor types: every pending operation of a socket carries copies of its
// executor, and a strand is half the size of a type-erased executor.
using Strand = asio::strand<asio::io_context::executor_type>;
using Socket = tcp::socket::rebind_executor<Strand>::other;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>, Strand>;

Frame MakeFrame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

// A stored notification replayed after `since` shows its current read status.
std::string WithReadStatus(const std::string& id, const std::string& body, const std::set<std::string>& read) {
  if (read.count(id) == 0) return hub::WithLeadingId(id, body);
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || parsed.value("type", "") != "notification") return hub::WithLeadingId(id, body);
  parsed["status"] = "read";
  return hub::WithLeadingId(id, common::ToJsonText(parsed));
}

}  // namespace

ServerMetrics::ServerMetrics(common::MetricsRegistry& r)
    : registry(r),
      connections(r.GetGauge("realtime_connections", "Open WebSocket connections")),
      accepted(r.GetCounter("realtime_connections_accepted_total", "WebSocket upgrades accepted")),
      messages_sent(r.GetCounter("realtime_messages_sent_total", "Messages written to sockets")),
      slow_disconnects(r.GetCounter("realtime_slow_disconnects_total", "Sockets closed for not keeping up")),
      client_errors(r.GetCounter("realtime_client_errors_total", "Error frames sent for bad client input")),
      chat_messages(r.GetCounter("realtime_chat_messages_total", "Chat messages stored and fanned out")),
      chat_store_seconds(r.GetHistogram("realtime_chat_store_seconds", "Time to store and publish a chat message")),
      accept_backoffs(r.GetCounter("realtime_accept_backoffs_total",
                                   "Pauses of the accept loop for want of a file descriptor")),
      resyncs(r.GetCounter("realtime_catch_up_failures_total",
                           "Catch-ups after a pub/sub outage that failed and asked the client to resync")),
      messages_refused(r.GetCounter("realtime_client_messages_refused_total",
                                    "Client messages refused for coming faster than a socket's rate")),
      blocking_failures(common::UnhandledErrors(r, "realtime blocking job")) {}

common::Counter& ServerMetrics::Refused(unsigned status) {
  return registry.GetCounter("realtime_upgrades_refused_total", "WebSocket upgrades refused, by HTTP status",
                             {{"status", std::to_string(status)}});
}

/// One accepted WebSocket.  Everything it does runs on its strand; other threads reach
/// it through posts (hub messages, results of blocking calls).
class Session final : public hub::Listener, public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<WsServer::Impl> server, Socket socket, hub::Route route, common::Claims claims,
          hub::Parties parties, std::uint64_t number, std::string address);
  ~Session() override;

  void Start(http::request<http::empty_body> request);
  void OnReady() override;
  void OnMessage(Frame message) override;
  /// Closes with `code` once what is being written is out (forcibly after a grace period).
  void Close(std::uint16_t code, const char* reason);
  /// Thread-safe: reads only what the constructor set.
  store::SessionRecord record() const;
  /// Thread-safe: when the token the socket was opened with expires.
  common::TimePoint expires_at() const { return claims_.expires_at; }
  asio::any_io_executor get_executor() { return ws_.get_executor(); }

 private:
  void OnAccept(beast::error_code ec);
  void Replay();
  void CatchUp();
  void FinishReplay(std::vector<Frame> frames, hub::StreamId last_id);
  void Enqueue(Frame frame);
  void DoWrite();
  void OnWrite(beast::error_code ec, std::size_t bytes);
  void DoRead();
  void OnReadSome(beast::error_code ec, std::size_t bytes);
  void OnRead(beast::error_code ec, std::size_t bytes);
  void HandleChat(std::string text);
  void HandleMarkRead(std::string notification_id);
  void SendError(const common::Error& error);
  void DoClose();
  void Finish();
  template <typename F>
  void Blocking(F work);
  std::string StreamKey() const;
  std::string Channel() const { return hub::ChannelFor(route_); }
  ServerDeps& deps() const;
  const ServerSettings& settings() const;

  // Tens of thousands of these stay open at once, mostly idle: what an idle one holds is
  // kept small (no read buffer, no queue storage, one timer, nothing derivable stored).
  std::shared_ptr<WsServer::Impl> server_;
  websocket::stream<Socket, false> ws_;  // no permessage-deflate: its zlib state would dwarf the rest
  beast::flat_buffer buffer_;
  hub::Route route_;
  common::Claims claims_;
  hub::Parties parties_;
  std::uint64_t number_;
  std::string address_;  // the client's, counted in the server's SocketCounter until destroyed
  std::chrono::system_clock::time_point connected_at_;
  hub::TokenBucket incoming_;
  std::uint8_t refused_in_a_row_ = 0;  // messages refused by the bucket since the last one taken

  boost::container::devector<Frame> queue_;
  bool writing_ = false;
  bool replaying_ = true;
  std::vector<Frame> held_;  // live messages that arrived while replaying
  std::size_t replay_allowance_ = 0;  // replayed frames still queued: not held against the limit
  hub::StreamId last_id_;
  bool registered_ = false;
  bool joined_ = false;
  bool live_ = false;  // the first replay is done
  bool closing_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  std::uint16_t close_code_ = 1000;
  const char* close_reason_ = "";
  std::unique_ptr<Timer> close_timer_;  // made on Close: the grace period for the closing handshake
};

struct WsServer::Impl : std::enable_shared_from_this<WsServer::Impl> {
  Impl(ServerSettings s, ServerDeps d)
      : settings(std::move(s)), deps(std::move(d)), acceptor(deps.io), sweep_timer(deps.io), accept_timer(deps.io) {
    for (std::size_t i = 0; i < kFanOutStrands; ++i) fan_out.push_back(asio::make_strand(deps.io));
  }

  ServerSettings settings;
  ServerDeps deps;
  tcp::acceptor acceptor;
  asio::steady_timer sweep_timer;
  asio::steady_timer accept_timer;  ///< the pause after running out of file descriptors
  // The hub's deliveries run here, a channel always on the same strand (in order), on
  // the io threads: a socket whose strand is free writes at once, without a post each.
  std::vector<Strand> fan_out;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_number{1};
  mutable std::mutex mutex;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
  hub::SocketCounter sockets{settings.max_sockets_per_user, settings.max_sockets_per_address};

  void DoAccept();
  /// Runs `work` on the blocking pool; an exception it throws fails only that job.
  template <typename F>
  void PostBlocking(F work) {
    asio::post(deps.blocking, [work = std::move(work), failures = &deps.metrics.blocking_failures]() mutable {
      common::RunContained("a blocking job of the WebSocket server", failures, work);
    });
  }
  /// Every second: closes (1008) the sockets whose token has expired.
  void Sweep();
  void Add(std::uint64_t number, const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex);
    sessions[number] = session;
  }
  void Remove(std::uint64_t number) {
    std::lock_guard lock(mutex);
    sessions.erase(number);
  }
  std::vector<std::shared_ptr<Session>> Snapshot() const {
    std::lock_guard lock(mutex);
    std::vector<std::shared_ptr<Session>> live;
    live.reserve(sessions.size());
    for (const auto& [number, weak] : sessions) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    return live;
  }
};

namespace {

/// One plain HTTP connection: probes and metrics, or an upgrade that is checked first.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<WsServer::Impl> server, Socket socket)
      : server_(std::move(server)), stream_(std::move(socket)) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::DoRead, shared_from_this()));
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    stream_.expires_after(kRequestTimeout);
    // The header alone: neither the probes nor an upgrade have a body, and one that comes
    // with a body is refused before any of it is parsed.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Shutdown();
    const bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
    request_ = parser_->release();
    if (has_body) {
      request_.keep_alive(false);
      return Reply(413, "text/plain; charset=utf-8", "a request here takes no body\n");
    }
    if (websocket::is_upgrade(request_)) return Upgrade();
    std::string target(request_.target());
    target = target.substr(0, target.find('?'));
    if (request_.method() != http::verb::get) return Reply(405, "text/plain; charset=utf-8", "method not allowed\n");
    if (target == "/healthz") return Reply(200, "text/plain; charset=utf-8", "ok\n");
    if (target == "/metrics") {
      return Reply(200, "text/plain; version=0.0.4; charset=utf-8", server_->deps.metrics.registry.Render());
    }
    if (target == "/readyz") {
      auto self = shared_from_this();
      server_->PostBlocking([self] {
        auto reply = self->server_->stopping ? common::HttpReply{503, "text/plain; charset=utf-8", "shutting down\n"}
                                             : self->server_->deps.readiness();
        asio::post(self->stream_.get_executor(),
                   [self, reply = std::move(reply)] { self->Reply(reply.status, reply.content_type, reply.body); });
      });
      return;
    }
    Reply(404, "text/plain; charset=utf-8", "not found\n");
  }

  void Upgrade() {
    auto route = hub::ParseRoute(request_.target());
    if (!route) return Refuse(route.error());
    if (server_->stopping) return Refuse(MakeError(ErrorCode::kUnavailable, "shutting down"));
    std::string token = common::BearerToken(request_[http::field::authorization]);
    if (token.empty()) token = route->token;
    if (token.empty()) {
      return Refuse(MakeError(ErrorCode::kUnauthenticated, "a token is required (Authorization: Bearer, or ?token=)"));
    }
    auto claims = server_->deps.tokens.Verify(token);
    if (!claims) return Refuse(claims.error());
    if (route->kind != hub::StreamKind::kChat) {
      if (auto allowed = hub::Authorize(*route, *claims, nullptr); !allowed) return Refuse(allowed.error());
      return Accept(std::move(*route), std::move(*claims), {});
    }
    auto self = shared_from_this();
    server_->PostBlocking([self, route = std::move(*route), claims = std::move(*claims), token]() mutable {
      auto parties = self->server_->deps.parties.Lookup(token, route.id);
      asio::post(self->stream_.get_executor(), [self, route = std::move(route), claims = std::move(claims),
                                                parties = std::move(parties)]() mutable {
        if (!parties) return self->Refuse(parties.error());
        if (auto allowed = hub::Authorize(route, claims, &*parties); !allowed) return self->Refuse(allowed.error());
        if (auto open = hub::ChatOpen(*parties, NowSeconds()); !open) return self->Refuse(open.error());
        self->Accept(std::move(route), std::move(claims), std::move(*parties));
      });
    });
  }

  void Accept(hub::Route route, common::Claims claims, hub::Parties parties) {
    beast::error_code ec;
    const auto peer = stream_.socket().remote_endpoint(ec);
    std::string address = ec ? std::string("unknown") : peer.address().to_string();
    switch (server_->sockets.TryAdd(claims.subject, address)) {
      case hub::SocketCounter::Verdict::kUserFull:
        return Refuse(MakeError(ErrorCode::kResourceExhausted,
                                "too many open sockets for this user (at most " +
                                    std::to_string(server_->settings.max_sockets_per_user) + ")"));
      case hub::SocketCounter::Verdict::kAddressFull:
        return Refuse(MakeError(ErrorCode::kResourceExhausted, "too many open sockets from this address"));
      case hub::SocketCounter::Verdict::kAdmitted:
        break;
    }
    stream_.expires_never();
    const auto number = server_->next_number++;
    auto session = std::make_shared<Session>(server_, stream_.release_socket(), std::move(route), std::move(claims),
                                             std::move(parties), number, std::move(address));
    session->Start(std::move(request_));
  }

  void Refuse(const common::Error& error) {
    const auto status = hub::HttpStatusFor(error.code);
    server_->deps.metrics.Refused(status).Inc();
    request_.keep_alive(false);
    Reply(status, "application/json", hub::ErrorFrame(error));
  }

  void Reply(unsigned status, const std::string& content_type, std::string body) {
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status),
                                                                         request_.version());
    response->set(http::field::server, "barbershop-realtime");
    response->set(http::field::content_type, content_type);
    response->keep_alive(request_.keep_alive() && !websocket::is_upgrade(request_));
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
      if (ec || !response->keep_alive()) return self->Shutdown();
      self->DoRead();
    });
  }

  void Shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  std::shared_ptr<WsServer::Impl> server_;
  beast::basic_stream<tcp, Strand> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::request<http::empty_body> request_;
};

}  // namespace

void WsServer::Impl::DoAccept() {
  acceptor.async_accept(asio::make_strand(deps.io), [self = shared_from_this()](beast::error_code ec, Socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
    if (const auto pause = common::AcceptBackoff(ec); pause.count() > 0) {
      // Out of file descriptors: accepting again at once would spin until one is freed.
      self->deps.metrics.accept_backoffs.Inc();
      spdlog::warn("cannot accept a connection: {}; trying again in {} ms", ec.message(), pause.count());
      self->accept_timer.expires_after(pause);
      self->accept_timer.async_wait([self](beast::error_code wait_ec) {
        if (!wait_ec && !self->stopping) self->DoAccept();
      });
      return;
    }
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);  // small frames must not wait for Nagle
      if (self->settings.socket_send_buffer > 0) {
        // A smaller kernel buffer finds a reader that stopped sooner and holds less memory.
        socket.set_option(asio::socket_base::send_buffer_size(self->settings.socket_send_buffer), ignored);
      }
      std::make_shared<HttpSession>(self, std::move(socket))->Start();
    }
    self->DoAccept();
  });
}

void WsServer::Impl::Sweep() {
  sweep_timer.expires_after(kSweepEvery);
  sweep_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->stopping) return;
    const auto now = std::chrono::system_clock::now();
    std::vector<std::shared_ptr<Session>> expired;
    {
      std::lock_guard lock(self->mutex);
      for (const auto& [number, weak] : self->sessions) {
        auto session = weak.lock();
        if (session && session->expires_at() <= now) expired.push_back(std::move(session));
      }
    }
    for (const auto& session : expired) {
      asio::post(session->get_executor(), [session] {
        session->Close(static_cast<std::uint16_t>(websocket::close_code::policy_error), "token expired");
      });
    }
    self->Sweep();
  });
}

Session::Session(std::shared_ptr<WsServer::Impl> server, Socket socket, hub::Route route, common::Claims claims,
                 hub::Parties parties, std::uint64_t number, std::string address)
    : server_(std::move(server)),
      ws_(std::move(socket)),
      route_(std::move(route)),
      claims_(std::move(claims)),
      parties_(std::move(parties)),
      number_(number),
      address_(std::move(address)),
      connected_at_(std::chrono::system_clock::now()),
      incoming_(server_->settings.messages_per_second, server_->settings.message_burst,
                hub::TokenBucket::Clock::now()) {
  route_.token = std::string();  // checked already; no need to hold it
}

Session::~Session() { server_->sockets.Remove(claims_.subject, address_); }

store::SessionRecord Session::record() const {
  return store::SessionRecord{settings().instance_id + "/" + std::to_string(number_), claims_.subject, claims_.role,
                              Channel(), IsoTime(connected_at_)};
}

ServerDeps& Session::deps() const { return server_->deps; }
const ServerSettings& Session::settings() const { return server_->settings; }

std::string Session::StreamKey() const {
  return route_.kind == hub::StreamKind::kChat ? store::RealtimeStore::ChatKey(route_.id)
                                               : store::RealtimeStore::InboxKey(route_.id);
}

template <typename F>
void Session::Blocking(F work) {
  server_->PostBlocking(std::move(work));
}

void Session::Start(http::request<http::empty_body> request) {
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = settings().idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "barbershop-realtime"); }));
  ws_.read_message_max(hub::kMaxFrameBytes);
  ws_.auto_fragment(false);
  ws_.async_accept(request, beast::bind_front_handler(&Session::OnAccept, shared_from_this()));
}

void Session::OnAccept(beast::error_code ec) {
  if (ec) return;
  server_->Add(number_, shared_from_this());
  registered_ = true;
  deps().metrics.accepted.Inc();
  deps().metrics.connections.Add(1);
  if (server_->stopping) return Close(static_cast<std::uint16_t>(websocket::close_code::going_away), "shutting down");
  // The token's expiry is watched by the server's sweep (WsServer::Impl::Sweep): one
  // timer for all sockets rather than one each.
  joined_ = true;
  deps().hub.Join(Channel(), shared_from_this());
  Blocking([self = shared_from_this(), store = &deps().store] {
    if (auto ok = store->TouchSessions({self->record()}, std::chrono::seconds(90)); !ok) {
      spdlog::warn("cannot record the session in Redis: {}", ok.error().message);
    }
    if (self->route_.kind == hub::StreamKind::kChat) {
      (void)store->Publish(self->Channel(), hub::Presence(self->claims_.subject, true));
    }
  });
  DoRead();
}

void Session::OnReady() {
  // Joined: from now on every published message reaches OnMessage, so the replay below
  // cannot miss one; duplicates are dropped by id.
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->finished_) return;
    if (self->live_) return self->CatchUp();
    self->Replay();
  });
}

void Session::CatchUp() {
  // The pub/sub connection was lost and is back: whatever was published meanwhile is in
  // the stream; read it from the last id sent, holding live messages as in a replay.
  if (replaying_) return;
  replaying_ = true;
  Blocking([self = shared_from_this(), since = last_id_.ToString()] {
    std::vector<Frame> frames;
    hub::StreamId last = *hub::StreamId::Parse(since);
    auto batch = self->deps().store.ReadAfter(self->StreamKey(), since, self->settings().replay_limit);
    if (batch) {
      for (const auto& message : *batch) {
        frames.push_back(MakeFrame(hub::WithLeadingId(message.id, message.body)));
        last = std::max(last, hub::StreamId::Parse(message.id).value_or(last));
      }
    } else {
      // What was published meanwhile cannot be read now: the client is told to refetch,
      // rather than left with a silent gap.
      spdlog::warn("catch-up of {} failed: {}", self->Channel(), batch.error().message);
      self->deps().metrics.resyncs.Inc();
      frames.push_back(MakeFrame(hub::ResyncRequired(since, "")));
    }
    asio::post(self->ws_.get_executor(), [self, frames = std::move(frames), last]() mutable {
      self->FinishReplay(std::move(frames), last);
    });
  });
}

void Session::Replay() {
  Blocking([self = shared_from_this()] {
    auto& store = self->deps().store;
    const auto& route = self->route_;
    std::vector<Frame> frames;
    hub::StreamId last{};
    auto fail = [&](const common::Error& error) {
      spdlog::warn("replay of {} failed: {}", self->Channel(), error.message);
      asio::post(self->ws_.get_executor(), [self] {
        self->Close(static_cast<std::uint16_t>(websocket::close_code::try_again_later), "try again later");
      });
    };
    const auto stream_key = self->StreamKey();
    auto state = store.State(stream_key);
    if (!state) return fail(state.error());
    const auto state_last = hub::StreamId::Parse(state->last_id).value_or(hub::StreamId{});
    const auto first = hub::StreamId::Parse(state->first_id);
    if (!route.since.empty()) {
      const auto since = *hub::StreamId::Parse(route.since);
      const bool trimmed = state->entries_added > state->length;
      const bool lost = (first && since < *first && trimmed) || (!first && since > hub::StreamId{} && since < state_last) ||
                        (state->entries_added == 0 && since > hub::StreamId{});
      frames.push_back(MakeFrame(hub::Welcome(self->Channel(), lost ? state->last_id : route.since)));
      if (lost) {
        frames.push_back(MakeFrame(hub::ResyncRequired(route.since, state->first_id)));
        last = state_last;
      } else {
        std::set<std::string> read;
        if (route.kind != hub::StreamKind::kChat) {
          auto loaded = store.ReadNotifications(self->claims_.subject);
          if (!loaded) return fail(loaded.error());
          read = std::move(*loaded);
        }
        last = since;
        std::string cursor = route.since;
        while (frames.size() < self->settings().replay_limit) {
          auto batch = store.ReadAfter(stream_key, cursor, kReplayBatch);
          if (!batch) return fail(batch.error());
          for (const auto& message : *batch) {
            frames.push_back(MakeFrame(WithReadStatus(message.id, message.body, read)));
            last = std::max(last, hub::StreamId::Parse(message.id).value_or(last));
          }
          if (batch->size() < kReplayBatch) break;
          cursor = batch->back().id;
        }
      }
    } else {
      frames.push_back(MakeFrame(hub::Welcome(self->Channel(), state->last_id)));
      last = state_last;
      if (route.kind == hub::StreamKind::kChat) {
        auto history = store.ReadBefore(stream_key, route.before, self->settings().history_limit);
        if (!history) return fail(history.error());
        for (const auto& message : *history) frames.push_back(MakeFrame(hub::WithLeadingId(message.id, message.body)));
      }
    }
    if (route.kind == hub::StreamKind::kChat) {
      for (const auto& user : {self->parties_.barber_id, self->parties_.client_id}) {
        auto online = store.IsOnline(user);
        if (online) frames.push_back(MakeFrame(hub::Presence(user, *online)));
      }
    }
    asio::post(self->ws_.get_executor(), [self, frames = std::move(frames), last]() mutable {
      self->FinishReplay(std::move(frames), last);
    });
  });
}

void Session::FinishReplay(std::vector<Frame> frames, hub::StreamId last_id) {
  if (finished_) return;
  replay_allowance_ = frames.size();
  for (auto& frame : frames) Enqueue(std::move(frame));
  last_id_ = std::max(last_id_, last_id);
  replaying_ = false;
  live_ = true;
  auto held = std::move(held_);
  held_.clear();
  for (auto& frame : held) OnMessage(std::move(frame));
}

void Session::OnMessage(Frame message) {
  // The hub fans out on the io threads: when this socket's strand is free, the message
  // is written at once, without a trip through the scheduler's queue.
  asio::dispatch(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)]() mutable {
    if (self->finished_) return;
    if (self->replaying_) {
      self->held_.push_back(std::move(message));
      return;
    }
    const auto id = hub::LeadingId(*message);
    if (!id.empty()) {
      const auto parsed = hub::StreamId::Parse(id);
      if (parsed && *parsed <= self->last_id_) return;  // already replayed
      if (parsed) self->last_id_ = *parsed;
    }
    self->Enqueue(std::move(message));
  });
}

void Session::Enqueue(Frame frame) {
  if (closing_ || finished_) return;
  if (queue_.size() >= settings().send_queue_limit + replay_allowance_) {
    deps().metrics.slow_disconnects.Inc();
    spdlog::info("closing a slow socket of user {} on {}", claims_.subject, Channel());
    queue_.erase(queue_.begin() + (writing_ ? 1 : 0), queue_.end());
    return Close(kSlowCloseCode, "slow");
  }
  queue_.push_back(std::move(frame));
  if (!writing_) DoWrite();
}

void Session::DoWrite() {
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(*queue_.front()), beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return Finish();
  deps().metrics.messages_sent.Inc();
  queue_.pop_front();
  if (replay_allowance_ > 0) --replay_allowance_;
  if (closing_) return DoClose();
  if (!queue_.empty()) return DoWrite();
  if (queue_.capacity() > kKeptQueueCapacity) queue_.shrink_to_fit();
}

void Session::DoRead() {
  ws_.async_read_some(buffer_.prepare(kIdleReadBytes),
                      beast::bind_front_handler(&Session::OnReadSome, shared_from_this()));
}

void Session::OnReadSome(beast::error_code ec, std::size_t bytes) {
  buffer_.commit(bytes);
  if (ec || ws_.is_message_done()) return OnRead(ec, bytes);
  ws_.async_read(buffer_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code ec, std::size_t) {
  if (ec) return Finish();  // closed, dead, or a frame over the limit (Beast answered it with 1009)
  const std::string frame = beast::buffers_to_string(buffer_.data());
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (closing_) return DoRead();
  if (!incoming_.Take(hub::TokenBucket::Clock::now())) {
    deps().metrics.messages_refused.Inc();
    if (++refused_in_a_row_ > kRefusedBeforeClose) {
      Close(static_cast<std::uint16_t>(websocket::close_code::policy_error), "too many messages");
      return DoRead();
    }
    SendError(MakeError(ErrorCode::kResourceExhausted, "too many messages; slow down"));
    return DoRead();
  }
  refused_in_a_row_ = 0;
  auto message = hub::ParseClientMessage(frame);
  if (!message) {
    SendError(message.error());
    return DoRead();
  }
  if (auto* chat = std::get_if<hub::ChatRequest>(&*message)) return HandleChat(std::move(chat->text));
  HandleMarkRead(std::get<hub::MarkReadRequest>(*message).notification_id);
}

void Session::SendError(const common::Error& error) {
  deps().metrics.client_errors.Inc();
  Enqueue(MakeFrame(hub::ErrorFrame(error)));
}

void Session::HandleChat(std::string text) {
  if (route_.kind != hub::StreamKind::kChat) {
    SendError(MakeError(ErrorCode::kInvalidArgument, "chat messages go to /websocket/appointment/{id}/chat"));
    return DoRead();
  }
  const auto now = NowSeconds();
  if (auto open = hub::ChatOpen(parties_, now); !open) {
    SendError(open.error());
    return DoRead();
  }
  Blocking([self = shared_from_this(), text = std::move(text), keep = ChatRetention(parties_, now)] {
    const auto started = std::chrono::steady_clock::now();
    const auto body = hub::ChatMessageBody(self->route_.id, self->parties_, self->claims_.subject, text, NowIso());
    auto ids = self->deps().store.AppendAndPublish("", {{self->StreamKey(), self->Channel(), body}}, true, keep);
    self->deps().metrics.chat_store_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    asio::post(self->ws_.get_executor(), [self, ids = std::move(ids)] {
      if (!ids || !*ids || (*ids)->empty()) {
        self->SendError(MakeError(ErrorCode::kUnavailable, "the message could not be stored; send it again"));
      } else {
        self->deps().metrics.chat_messages.Inc();
        self->Enqueue(MakeFrame(hub::ChatAck((*ids)->front())));
      }
      if (!self->finished_) self->DoRead();
    });
  });
}

void Session::HandleMarkRead(std::string notification_id) {
  if (route_.kind == hub::StreamKind::kChat) {
    SendError(MakeError(ErrorCode::kInvalidArgument, "mark_read goes to your appointments stream"));
    return DoRead();
  }
  if (!hub::StreamId::Parse(notification_id)) {
    SendError(MakeError(ErrorCode::kInvalidArgument, "notification_id is not a message id"));
    return DoRead();
  }
  Blocking([self = shared_from_this(), id = std::move(notification_id)] {
    auto& store = self->deps().store;
    common::Status result = common::Ok{};
    const auto stream_key = self->StreamKey();
    auto stored = store.ReadOne(stream_key, id);
    if (!stored) {
      result = stored.error();
    } else if (!*stored || nlohmann::json::parse((*stored)->body, nullptr, false).value("type", "") != "notification") {
      result = MakeError(ErrorCode::kNotFound, "no such notification");
    } else if (auto marked = store.MarkRead(self->claims_.subject, id); !marked) {
      result = marked.error();
    } else if (auto published = store.AppendAndPublish(
                   "", {{stream_key, self->Channel(), hub::NotificationReadBody(id)}}, false);
               !published) {
      result = published.error();
    }
    asio::post(self->ws_.get_executor(), [self, result = std::move(result)] {
      if (!result) self->SendError(result.error());
      if (!self->finished_) self->DoRead();
    });
  });
}

void Session::Close(std::uint16_t code, const char* reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = reason;
  close_timer_ = std::make_unique<Timer>(ws_.get_executor());
  close_timer_->expires_after(kSlowCloseGrace);
  close_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Finish();
  });
  if (!writing_) DoClose();
}

void Session::DoClose() {
  if (close_sent_) return;
  close_sent_ = true;
  queue_.clear();
  websocket::close_reason reason;
  reason.code = close_code_;
  reason.reason = close_reason_;
  ws_.async_close(reason, [self = shared_from_this()](beast::error_code) { self->Finish(); });
}

void Session::Finish() {
  if (finished_) return;
  finished_ = true;
  if (close_timer_) close_timer_->cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).close(ignored);
  queue_.clear();
  held_.clear();
  if (registered_) {
    server_->Remove(number_);
    deps().metrics.connections.Add(-1);
  }
  if (!joined_) return;
  deps().hub.Leave(Channel(), this);
  Blocking([store = &deps().store, record = record(), chat = route_.kind == hub::StreamKind::kChat, channel = Channel()] {
    if (auto removed = store->RemoveSession(record); !removed) return;
    if (!chat) return;
    auto online = store->IsOnline(record.user_id);
    if (online && !*online) (void)store->Publish(channel, hub::Presence(record.user_id, false));
  });
}

WsServer::WsServer(ServerSettings settings, ServerDeps deps)
    : impl_(std::make_shared<Impl>(std::move(settings), std::move(deps))) {}

WsServer::~WsServer() { impl_->deps.hub.SetFanOut({}); }

common::Status WsServer::Start(const std::string& host, std::uint16_t port) {
  if (auto listening = common::Listen(impl_->acceptor, host, port); !listening) {
    return MakeError(listening.error().code, listening.error().message + " (set BARBERSHOP_WS_ADDRESS)");
  }
  impl_->deps.hub.SetFanOut([impl = impl_](const std::string& channel, std::function<void()> deliver) {
    asio::post(impl->fan_out[std::hash<std::string>{}(channel) % impl->fan_out.size()], std::move(deliver));
  });
  impl_->DoAccept();
  impl_->Sweep();
  return common::Ok{};
}

std::uint16_t WsServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void WsServer::Shutdown() {
  impl_->stopping = true;
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->sweep_timer.cancel();
    impl->accept_timer.cancel();
  });
  for (const auto& session : impl_->Snapshot()) {
    asio::post(session->get_executor(), [session] {
      session->Close(static_cast<std::uint16_t>(websocket::close_code::going_away), "server shutting down");
    });
  }
}

std::size_t WsServer::session_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions.size();
}

void WsServer::TouchSessions(std::chrono::seconds ttl) {
  // Redis runs one command at a time: refreshing 10,000 sessions in one pipeline would
  // hold up every event and chat message behind it for tens of milliseconds.  Small
  // batches with a pause between them let those through.
  constexpr std::size_t kBatch = 200;
  constexpr auto kPause = std::chrono::milliseconds(5);
  const auto sessions = impl_->Snapshot();
  std::vector<store::SessionRecord> records;
  records.reserve(kBatch);
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    records.push_back(sessions[i]->record());
    if (records.size() < kBatch && i + 1 < sessions.size()) continue;
    if (auto ok = impl_->deps.store.TouchSessions(records, ttl); !ok) {
      spdlog::warn("cannot refresh sessions in Redis: {}", ok.error().message);
      return;
    }
    records.clear();
    if (i + 1 < sessions.size()) std::this_thread::sleep_for(kPause);
  }
}

}  // namespace barbershop::realtime::net
