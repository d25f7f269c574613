#include "net/websocket_session.hpp"

#include <date/date.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <array>
#include <utility>

#include "hub/chat.hpp"
#include "hub/frame_edges.hpp"
#include "hub/protocol.hpp"
#include "store/realtime_store.hpp"

namespace barbershop::realtime::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using common::ErrorCode;
using common::MakeError;

namespace {

constexpr std::chrono::seconds kSlowCloseGrace{2};
constexpr std::uint16_t kSlowCloseCode = 4000;
constexpr std::uint16_t kSessionEndedCloseCode = 4001;
// An idle socket waits for its next message with a read buffer of this many bytes; the
// rest of a message is read into a buffer of its size, released once it is handled.
constexpr std::size_t kIdleReadBytes = 16;
// A send queue that grew past this many entries gives its memory back once drained.
constexpr std::size_t kKeptQueueCapacity = 16;
// A dormant socket behind writes this many queued frames at most in one go.
constexpr std::size_t kFramesPerWrite = 32;
// Messages over a socket's rate answered with an error before it is closed (1008).
constexpr std::uint8_t kRefusedBeforeClose = 10;
constexpr std::chrono::seconds kSessionTtl{90};

std::shared_ptr<const std::string> MakeFrame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

/// Queued like a message, sent as a ping.
const std::shared_ptr<const std::string>& PingFrame() {
  static const auto ping = MakeFrame("");
  return ping;
}

/// How a queued frame goes out from a dormant socket.
hub::Opcode OpcodeOf(const std::shared_ptr<const std::string>& frame) {
  return frame == PingFrame() ? hub::Opcode::kPing : hub::Opcode::kText;
}

/// What a socket waking up plays to its new Beast stream: the connection is already
/// open, and the stream must only learn so.
const http::request<http::empty_body>& ReplayedHandshake() {
  static const auto request = [] {
    http::request<http::empty_body> handshake{http::verb::get, "/", 11};
    handshake.set(http::field::host, "localhost");
    handshake.set(http::field::upgrade, "websocket");
    handshake.set(http::field::connection, "upgrade");
    handshake.set(http::field::sec_websocket_key, "AAAAAAAAAAAAAAAAAAAAAA==");
    handshake.set(http::field::sec_websocket_version, "13");
    return handshake;
  }();
  return request;
}

}  // namespace

WebSocketSession::WebSocketSession(std::shared_ptr<ServerContext> context, Socket socket, Admission admission,
                                   std::uint64_t number, std::string address)
    : context_(std::move(context)),
      strand_(socket.get_executor()),
      stream_(std::in_place, std::move(socket), &liveness_),
      dormant_(strand_),
      route_(std::move(admission.route)),
      claims_(std::move(admission.claims)),
      parties_(std::move(admission.parties)),
      watch_(std::move(admission.watch)),
      number_(number),
      address_(std::move(address)),
      connected_at_(context_->deps.clock.NowMilliseconds()),
      incoming_(context_->settings.messages_per_second, context_->settings.message_burst,
                hub::TokenBucket::Clock::now()) {
  // Dormant writes go straight to the kernel and never wait for room (WriteDormant).
  beast::error_code ignored;
  stream_->next_layer().next_layer().non_blocking(true, ignored);
}

WebSocketSession::~WebSocketSession() { context_->sockets.Remove(claims_.subject, address_); }

hub::SessionRecord WebSocketSession::record() const {
  return hub::SessionRecord{context_->settings.instance_id + "/" + std::to_string(number_), claims_.subject,
                            claims_.role, Channel(), date::format("%FT%TZ", connected_at_)};
}

std::string WebSocketSession::StreamKey() const {
  return route_.kind == hub::StreamKind::kChat ? store::RealtimeStore::ChatKey(route_.id)
                                               : store::RealtimeStore::InboxKey(route_.id);
}

bool WebSocketSession::Move(hub::SessionEvent event) {
  const auto next = hub::SessionStateAfter(state_, event);
  if (next == state_) return false;
  state_ = next;
  return true;
}

void WebSocketSession::Start(const http::request<http::empty_body>& request) {
  // Pings and the idle timeout are the server's sweep's (ws_server.cpp), for awake and
  // dormant sockets alike.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  stream_->set_option(timeouts);
  stream_->set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "barbershop-realtime"); }));
  stream_->read_message_max(hub::kMaxFrameBytes);
  stream_->auto_fragment(false);
  WatchControlFrames();
  stream_->async_accept(request, beast::bind_front_handler(&WebSocketSession::OnAccept, shared_from_this()));
}

void WebSocketSession::OnAccept(beast::error_code ec) {
  if (ec) return;
  liveness_.Heard();
  // From here on the server counts the socket; Finish (which only an accepted socket
  // reaches) takes it off again.
  context_->Add(number_, shared_from_this());
  deps().metrics.accepted.Inc();
  deps().metrics.connections.Add(1);
  if (context_->stopping) return Close(static_cast<std::uint16_t>(websocket::close_code::going_away), "shutting down");
  if (hub::IsPublic(route_)) return StartWatching();
  // The session may have ended since the upgrade asked Redis: its watch heard it.
  if (!context_->login_sessions.Attach(*watch_, shared_from_this())) return CloseForEndedSession();
  // The token's expiry is watched by the server's sweep (net/ws_server.cpp): one timer
  // for all sockets rather than one each.
  joined_ = true;
  deps().hub.Join(Channel(), shared_from_this());
  context_->PostBlocking([self = shared_from_this()] {
    if (!self->announcement_.Begin()) return;  // closed already: nothing to announce
    if (auto ok = self->deps().sessions.TouchSessions({self->record()}, kSessionTtl); !ok) {
      spdlog::warn("cannot record the session in Redis: {}", ok.error().message);
    }
    if (self->route_.kind == hub::StreamKind::kChat) {
      (void)self->deps().messages.Publish(self->Channel(), hub::Presence(self->claims_.subject, true));
    }
    if (!self->announcement_.Done()) self->TakeBack()();  // it closed meanwhile
  });
  DoRead();
}

void WebSocketSession::StartWatching() {
  // Nothing to replay: the feed sends the current slots first, then each change.
  joined_ = true;
  Move(hub::SessionEvent::kReplayed);
  deps().availability.Join(AvailabilityKey(), shared_from_this());
  DoRead();
}

void WebSocketSession::OnReady() {
  // Joined: from now on every published message reaches OnMessage, so the replay below
  // cannot miss one; duplicates are dropped by id.
  asio::post(strand_, [self = shared_from_this()] {
    if (!self->Move(hub::SessionEvent::kSubscribed)) return;
    if (self->state_ == hub::SessionState::kReplaying) return self->Replay();
    if (self->state_ == hub::SessionState::kCatchingUp) self->CatchUp();
    // kCatchUpDue: the read in flight is followed by a catch-up (FinishReplay).
  });
}

void WebSocketSession::Replay() {
  hub::JoinRequest request{route_.kind, StreamKey(), Channel(), claims_.subject, route_.since, route_.before, {}};
  if (route_.kind == hub::StreamKind::kChat) request.presence_of = {parties_.barber_id, parties_.client_id};
  context_->PostBlocking([self = shared_from_this(), request = std::move(request)] {
    auto replay = self->context_->replays.Join(request);
    if (!replay) {
      spdlog::warn("replay of {} failed: {}", self->Channel(), replay.error().message);
      return asio::post(self->strand_, [self] {
        self->Close(static_cast<std::uint16_t>(websocket::close_code::try_again_later), "try again later");
      });
    }
    asio::post(self->strand_, [self, replay = std::move(*replay)]() mutable { self->FinishReplay(std::move(replay)); });
  });
}

void WebSocketSession::CatchUp() {
  // The pub/sub connection was lost and is back: whatever was published meanwhile is in
  // the stream; read it from the last id sent, holding live messages as in a replay.
  context_->PostBlocking([self = shared_from_this(), stream = StreamKey(), since = last_id_] {
    auto caught_up = self->context_->replays.CatchUpAfter(stream, since);
    if (!caught_up.read) {
      spdlog::warn("catch-up of {} failed: {}", self->Channel(), caught_up.read.error().message);
      self->deps().metrics.resyncs.Inc();
    }
    asio::post(self->strand_,
               [self, replay = std::move(caught_up.replay)]() mutable { self->FinishReplay(std::move(replay)); });
  });
}

void WebSocketSession::FinishReplay(hub::Replay replay) {
  if (state_ == hub::SessionState::kClosed) return;
  replay_allowance_ += replay.frames.size();  // beside what an earlier read still has queued
  for (auto& frame : replay.frames) Push(MakeFrame(std::move(frame)));
  last_id_ = std::max(last_id_, replay.last_id);
  Move(hub::SessionEvent::kReplayed);
  // The subscription came back while this was read: read on from here, holding on.
  if (state_ == hub::SessionState::kCatchingUp) {
    Flush();
    return CatchUp();
  }
  auto held = std::move(held_);
  held_.clear();
  for (auto& frame : held) TakeLive(std::move(frame));
  Flush();
}

void WebSocketSession::OnMessage(Frame message) {
  // The hub fans out on the io threads: when this socket's strand is free, the message
  // is written at once, without a trip through the scheduler's queue.
  asio::dispatch(strand_, [self = shared_from_this(), message = std::move(message)]() mutable {
    self->TakeLive(std::move(message));
    self->Flush();
  });
}

void WebSocketSession::OnMessages(const hub::Listener::Batch& batch) {
  // A batch goes out in as few writes as it can; a long one is written as it is queued,
  // so that only a client that does not read fills the queue (and is closed as slow).
  asio::dispatch(strand_, [self = shared_from_this(), batch] {
    for (const auto& message : *batch) {
      self->TakeLive(message);
      if (self->queue_.size() >= kFramesPerWrite) self->Flush();
    }
    self->Flush();
  });
}

void WebSocketSession::TakeLive(Frame message) {
  if (hub::HoldsLiveMessages(state_)) return held_.push_back(std::move(message));
  if (hub::IsClosing(state_)) return;
  const auto id = hub::LeadingId(*message);
  if (!id.empty()) {
    const auto parsed = hub::StreamId::Parse(id);
    if (parsed && *parsed <= last_id_) return;  // already replayed
    if (parsed) last_id_ = *parsed;
  }
  Push(std::move(message));
}

void WebSocketSession::Ping() {
  if (!hub::IsClosing(state_)) Enqueue(PingFrame());
}

void WebSocketSession::TimedOut() {
  if (state_ == hub::SessionState::kClosed) return;
  spdlog::debug("closing a socket of user {} on {}: no answer to a ping", claims_.subject, Channel());
  Finish();
}

void WebSocketSession::OnSessionEnded() {
  asio::post(strand_, [self = shared_from_this()] { self->CloseForEndedSession(); });
}

void WebSocketSession::CloseForEndedSession() {
  if (hub::IsClosing(state_)) return;
  deps().metrics.session_ended_closes.Inc();
  spdlog::debug("closing a socket of user {} on {}: its login session ended", claims_.subject, Channel());
  Close(kSessionEndedCloseCode, "session_ended");
}

void WebSocketSession::Enqueue(Frame frame) {
  Push(std::move(frame));
  Flush();
}

void WebSocketSession::Push(Frame frame) {
  if (hub::IsClosing(state_)) return;
  if (queue_.size() >= context_->settings.send_queue_limit + replay_allowance_) {
    deps().metrics.slow_disconnects.Inc();
    spdlog::info("closing a slow socket of user {} on {}", claims_.subject, Channel());
    queue_.erase(queue_.begin() + (writing_ ? in_flight_ : 0), queue_.end());
    return Close(kSlowCloseCode, "slow");
  }
  queue_.push_back(std::move(frame));
}

void WebSocketSession::Flush() {
  if (!hub::IsClosing(state_) && !writing_ && !queue_.empty()) DoWrite();
}

void WebSocketSession::DoWrite() {
  if (stream_ && stream_->next_layer().stopping()) return;  // about to doze: Doze writes
  writing_ = true;
  in_flight_ = 1;
  const auto& frame = queue_.front();
  if (stream_) {
    // While awake, Beast writes: it may have a pong of its own to send.
    stream_->next_layer().set_may_stop(false);
    if (frame == PingFrame())
      return stream_->async_ping({}, [self = shared_from_this()](beast::error_code ec) { self->OnWrite(ec, 0); });
    stream_->text(true);
    return stream_->async_write(asio::buffer(*frame),
                                beast::bind_front_handler(&WebSocketSession::OnWrite, shared_from_this()));
  }
  if (queue_.size() == 1) {
    const auto header = hub::ServerFrameHeader(OpcodeOf(frame), frame->size(), header_);
    return WriteDormant(std::array<asio::const_buffer, 2>{asio::buffer(header_.data(), header), asio::buffer(*frame)});
  }
  // Behind: what is queued goes out in one write (one system call, fewer packets).
  in_flight_ = static_cast<std::uint8_t>(std::min(queue_.size(), kFramesPerWrite));
  headers_ = std::make_unique<std::array<std::uint8_t, 10>[]>(in_flight_);
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(std::size_t{2} * in_flight_);
  for (std::size_t i = 0; i < in_flight_; ++i) {
    const auto& queued = queue_[i];
    const auto header = hub::ServerFrameHeader(OpcodeOf(queued), queued->size(), headers_[i]);
    buffers.push_back(asio::buffer(headers_[i].data(), header));
    buffers.push_back(asio::buffer(*queued));
  }
  WriteDormant(buffers);
}

// The socket is non-blocking: the kernel takes the frames at once, or part of them, and
// only what it leaves is written asynchronously.  A message to a socket that keeps up
// costs one system call and no trip through the scheduler.
template <typename Buffers>
void WebSocketSession::WriteDormant(const Buffers& buffers) {
  beast::error_code ec;
  const auto written = dormant_.write_some(buffers, ec);
  if (ec && ec != asio::error::would_block) return OnWrite(ec, written);
  if (written == asio::buffer_size(buffers)) return OnWrite(ec, written);
  beast::buffers_suffix<Buffers> rest(buffers);
  rest.consume(written);
  asio::async_write(dormant_, rest, beast::bind_front_handler(&WebSocketSession::OnWrite, shared_from_this()));
}

void WebSocketSession::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  headers_.reset();
  // A write that completed as the socket was being finished: its frames are gone with the queue.
  if (ec || state_ == hub::SessionState::kClosed) return Finish();
  for (; in_flight_ > 0; --in_flight_) {
    if (queue_.front() != PingFrame()) deps().metrics.messages_sent.Inc();
    queue_.pop_front();
    if (replay_allowance_ > 0) --replay_allowance_;
  }
  if (hub::IsClosing(state_)) return DoClose();
  if (std::exchange(wake_after_write_, false)) {
    if (!Wake()) return Finish();
    ReadAwake();
  } else if (std::exchange(read_after_write_, false)) {
    DoRead();  // dozes now if nothing came meanwhile
  }
  if (stream_ && queue_.empty()) stream_->next_layer().set_may_stop(true);
  if (!writing_ && !queue_.empty()) return DoWrite();
  if (queue_.capacity() > kKeptQueueCapacity) queue_.shrink_to_fit();
}

void WebSocketSession::DoRead() {
  if (!stream_) return;  // dormant: already waiting for the connection to be readable
  if (stream_->next_layer().AtRest()) {
    if (!writing_) return Doze();
    read_after_write_ = true;  // the stream may go once the write is out
    return;
  }
  ReadAwake();
}

void WebSocketSession::ReadAwake() {
  stream_->next_layer().set_may_stop(!writing_);
  stream_->async_read_some(buffer_.prepare(kIdleReadBytes),
                           beast::bind_front_handler(&WebSocketSession::OnReadSome, shared_from_this()));
}

void WebSocketSession::Doze() {
  dormant_ = std::move(stream_->next_layer().next_layer());
  stream_.reset();
  if (hub::IsClosing(state_)) return DoClose();  // the close waited for this
  // The wait first: a write that finds the socket gone ends it, and the wait with it.
  dormant_.async_wait(Socket::wait_read, beast::bind_front_handler(&WebSocketSession::OnReadable, shared_from_this()));
  if (!writing_ && !queue_.empty()) DoWrite();
}

void WebSocketSession::OnReadable(beast::error_code ec) {
  if (ec == asio::error::operation_aborted || stream_ || hub::IsClosing(state_)) return;  // woken to close
  if (ec) return Finish();
  liveness_.Heard();
  if (writing_) {
    wake_after_write_ = true;  // Beast may answer a ping: not beside a write of ours
    return;
  }
  if (!Wake()) return Finish();
  ReadAwake();
}

bool WebSocketSession::Wake() {
  stream_.emplace(std::move(dormant_), &liveness_);
  stream_->read_message_max(hub::kMaxFrameBytes);
  stream_->auto_fragment(false);
  WatchControlFrames();
  auto& gate = stream_->next_layer();
  gate.set_replaying(true);
  beast::error_code ec;
  stream_->accept(ReplayedHandshake(), ec);
  gate.set_replaying(false);
  deps().metrics.wakes.Inc();
  if (ec) spdlog::error("a socket of user {} on {} could not wake: {}", claims_.subject, Channel(), ec.message());
  return !ec;
}

// Once this side has begun to close (IsClosing), it reads no more: Beast's close reads and drops what
// the peer still sends until the peer's close frame.  A read of ours beside it would find
// the message it had begun drained under it (Beast asserts, or reads nothing forever).
void WebSocketSession::OnReadSome(beast::error_code ec, std::size_t bytes) {
  // A control frame (a pong) came and nothing after it: the stream holds nothing.
  if (ec == asio::error::would_block && stream_ && stream_->next_layer().stopping()) {
    CloseIfFlooding();
    return Doze();
  }
  buffer_.commit(bytes);
  if (ec || stream_->is_message_done()) return OnRead(ec, bytes);
  if (hub::IsClosing(state_)) return;
  stream_->next_layer().set_may_stop(false);  // the rest of a message: no edge before its end
  stream_->async_read(buffer_, beast::bind_front_handler(&WebSocketSession::OnRead, shared_from_this()));
}

void WebSocketSession::OnRead(beast::error_code ec, std::size_t) {
  if (ec) return Finish();  // closed, dead, or a frame over the limit (Beast answered it with 1009)
  const std::string frame = beast::buffers_to_string(buffer_.data());
  buffer_.clear();
  buffer_.shrink_to_fit();
  if (hub::IsClosing(state_)) return;
  if (!Admit()) {
    if (CloseIfFlooding()) return;
    SendError(MakeError(ErrorCode::kResourceExhausted, "too many messages; slow down"));
    return DoRead();
  }
  auto message = hub::ParseClientMessage(frame);
  if (!message) {
    SendError(message.error());
    return DoRead();
  }
  if (auto* chat = std::get_if<hub::ChatRequest>(&*message)) return HandleChat(std::move(chat->text));
  HandleMarkRead(std::get<hub::MarkReadRequest>(*message).notification_id);
}

bool WebSocketSession::Admit() {
  if (incoming_.Take(hub::TokenBucket::Clock::now())) {
    refused_in_a_row_ = 0;
    return true;
  }
  deps().metrics.messages_refused.Inc();
  if (refused_in_a_row_ <= kRefusedBeforeClose) ++refused_in_a_row_;
  return false;
}

bool WebSocketSession::CloseIfFlooding() {
  if (refused_in_a_row_ <= kRefusedBeforeClose) return false;
  Close(static_cast<std::uint16_t>(websocket::close_code::policy_error), "too many messages");
  return true;
}

void WebSocketSession::WatchControlFrames() {
  // Beast answers a ping itself, and each ping or pong wakes a dormant socket: unlimited,
  // a client could keep a core busy with them.  Past the limit they are refused (counted;
  // a ping still gets its pong), and the socket closes once its read ends.  Between the
  // fragments of a message that never ends the read never ends: there the flood cuts the
  // connection off at once.  The gate, not Beast, says whether a message is under way:
  // Beast skips empty fragments without counting a message begun, so a message of empty
  // fragments would never be one to it.
  stream_->control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) return;
    Admit();
    if (refused_in_a_row_ > kRefusedBeforeClose && stream_->next_layer().InFragmentedMessage()) CutOff();
  });
}

void WebSocketSession::CutOff() {
  // The rest of the flood already read comes by here too, once per frame: the socket is
  // cut off, counted and logged once.
  if (cut_off_ || hub::IsClosing(state_)) return;
  cut_off_ = true;
  deps().metrics.cut_off.Inc();
  spdlog::info("cutting off a socket of user {} on {}: a flood of control frames inside a message", claims_.subject,
               Channel());
  // Beast's read and any write fail on the shut connection, and their handlers finish the
  // socket; no frame of ours can be sent in the middle of the peer's message.
  beast::error_code ignored;
  socket().shutdown(Socket::shutdown_both, ignored);
}

void WebSocketSession::SendError(const common::Error& error) {
  deps().metrics.client_errors.Inc();
  Enqueue(MakeFrame(hub::ErrorFrame(error)));
}

void WebSocketSession::Answered(const common::Status& result) {
  if (!result) SendError(result.error());
  if (!hub::IsClosing(state_)) DoRead();
}

void WebSocketSession::HandleChat(std::string text) {
  if (auto allowed = hub::CheckChatAllowed(route_.kind, parties_, deps().clock.Now()); !allowed) {
    SendError(allowed.error());
    return DoRead();
  }
  context_->PostBlocking([self = shared_from_this(), text = std::move(text)] {
    const auto started = std::chrono::steady_clock::now();
    std::vector<hub::Inbox> inboxes;
    for (const auto& party : {self->parties_.barber_id, self->parties_.client_id}) {
      inboxes.push_back({party, store::RealtimeStore::InboxKey(party), hub::UserChannel(party)});
    }
    auto sent =
        hub::SendChatMessage(self->deps().messages, self->deps().clock,
                             {self->route_.id, self->parties_, self->StreamKey(), self->Channel(), std::move(inboxes)},
                             self->claims_.subject, text);
    self->deps().metrics.chat_store_seconds.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (sent && !sent->notified) {
      spdlog::warn("chat message {} on appointment {} is stored, but its notification could not be", sent->id,
                   self->route_.id);
    }
    asio::post(self->strand_, [self, sent = std::move(sent)] {
      if (!sent) return self->Answered(sent.error());
      self->deps().metrics.chat_messages.Inc();
      self->Enqueue(MakeFrame(hub::ChatAck(sent->id)));
      self->Answered(common::Ok{});
    });
  });
}

void WebSocketSession::HandleMarkRead(std::string notification_id) {
  if (auto allowed = hub::CheckMarkRead(route_.kind, notification_id); !allowed) {
    SendError(allowed.error());
    return DoRead();
  }
  context_->PostBlocking([self = shared_from_this(), id = std::move(notification_id)] {
    const hub::Inbox inbox{self->claims_.subject, self->StreamKey(), self->Channel()};
    auto result = hub::MarkNotificationRead(self->deps().messages, inbox, id);
    asio::post(self->strand_, [self, result = std::move(result)] { self->Answered(result); });
  });
}

void WebSocketSession::Close(std::uint16_t code, const char* reason) {
  if (!Move(hub::SessionEvent::kCloseRequested)) return;
  close_code_ = code;
  close_reason_ = reason;
  close_timer_ = std::make_unique<Timer>(strand_);
  close_timer_->expires_after(kSlowCloseGrace);
  close_timer_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->Finish();
  });
  if (!writing_) DoClose();
}

void WebSocketSession::DoClose() {
  if (stream_ && stream_->next_layer().stopping()) return;  // about to doze: Doze closes
  if (!Move(hub::SessionEvent::kCloseFrameSent)) return;
  queue_.clear();
  if (!stream_) {
    beast::error_code ignored;
    dormant_.cancel(ignored);  // its wait for a read ends; Beast reads the peer's close
    if (!Wake()) return Finish();
  }
  stream_->next_layer().set_may_stop(false);
  websocket::close_reason reason;
  reason.code = close_code_;
  reason.reason = close_reason_;
  stream_->async_close(reason, [self = shared_from_this()](beast::error_code) { self->Finish(); });
}

void WebSocketSession::Finish() {
  if (!Move(hub::SessionEvent::kSocketEnded)) return;
  if (close_timer_) close_timer_->cancel();
  beast::error_code ignored;
  socket().close(ignored);
  queue_.clear();
  held_.clear();
  context_->Remove(number_);
  deps().metrics.connections.Add(-1);
  if (!joined_) return;
  if (hub::IsPublic(route_)) return deps().availability.Leave(AvailabilityKey(), this);
  deps().hub.Leave(Channel(), this);
  // Taken back here once announced; while the announcement runs, by its job once done.
  if (announcement_.End()) context_->PostBlocking(TakeBack());
}

std::function<void()> WebSocketSession::TakeBack() const {
  // The job may outlive this socket and the server: it holds only what outlives both.
  return [sessions = &deps().sessions, messages = &deps().messages, record = record(),
          chat = route_.kind == hub::StreamKind::kChat, channel = Channel()] {
    if (auto removed = sessions->RemoveSession(record); !removed) return;
    if (!chat) return;
    auto online = messages->IsOnline(record.user_id);
    if (online && !*online) (void)messages->Publish(channel, hub::Presence(record.user_id, false));
  };
}

}  // namespace barbershop::realtime::net
