#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/container/devector.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub.hpp"
#include "hub/limits.hpp"
#include "hub/login_sessions.hpp"
#include "hub/message_store.hpp"
#include "hub/replay_planner.hpp"
#include "hub/session_state.hpp"
#include "hub/stream_id.hpp"
#include "net/gated_socket.hpp"
#include "net/liveness.hpp"
#include "net/server_context.hpp"
#include "net/upgrade.hpp"

namespace barbershop::realtime::net {

/// One accepted WebSocket: its socket I/O (one write in flight, a bounded queue behind
/// it, pings), its place in the hub, and the replay, chat and mark-read work it hands to
/// the blocking pool (decided by hub::ReplayPlanner and hub/chat.hpp).  Everything it
/// does runs on its strand; other threads reach it through posts.
///
/// Between messages a socket is dormant: it holds its TCP connection alone, without
/// Beast's stream, waits for it to become readable, and writes its frames itself
/// (unfragmented, unmasked text and pings).  It wakes (a new Beast stream, see
/// GatedSocket) when the client sends something and when it closes, and dozes again
/// once what came is read.
class WebSocketSession final : public hub::Listener,
                               public hub::SessionEndListener,
                               public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(std::shared_ptr<ServerContext> context, Socket socket, Admission admission, std::uint64_t number,
                   std::string address);
  ~WebSocketSession() override;

  void Start(const boost::beast::http::request<boost::beast::http::empty_body>& request);
  void OnReady() override;
  void OnMessage(std::shared_ptr<const std::string> message) override;
  void OnMessages(const Batch& batch) override;
  /// Closes the socket with 4001 "session_ended".
  void OnSessionEnded() override;
  /// Closes with `code` once what is being written is out (forcibly after a grace period).
  void Close(std::uint16_t code, const char* reason);
  /// Thread-safe: reads only what the constructor set.
  hub::SessionRecord record() const;
  /// Thread-safe: whether the socket was opened without a token (an availability stream):
  /// it has no user, login session or session record.
  bool anonymous() const { return claims_.subject.empty(); }
  /// Thread-safe: what the server's sweep reads to ping a quiet socket or close a silent one.
  Liveness& liveness() { return liveness_; }
  /// Sends a ping (the sweep found the socket quiet).
  void Ping();
  /// Closes the socket without a close frame: it did not answer a ping.
  void TimedOut();
  /// Thread-safe: when the token the socket was opened with expires.
  common::TimePoint expires_at() const { return claims_.expires_at; }
  boost::asio::any_io_executor get_executor() { return strand_; }

 private:
  using Frame = std::shared_ptr<const std::string>;
  using Stream = boost::beast::websocket::stream<GatedSocket,
                                                 false>;  // no permessage-deflate: its zlib state would dwarf the rest
  using Timer = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                  boost::asio::wait_traits<std::chrono::steady_clock>, Strand>;

  /// Moves to the state after `event`; false when the event did not apply.
  bool Move(hub::SessionEvent event);
  void OnAccept(boost::system::error_code ec);
  /// An availability stream: joins the feed instead of the hub; nothing is replayed.
  void StartWatching();
  void Replay();
  void CatchUp();
  void FinishReplay(hub::Replay replay);
  /// A live message from the hub: held while replaying, dropped if replayed, else queued.
  void TakeLive(Frame message);
  /// Queues a frame and writes it if no write is out.
  void Enqueue(Frame frame);
  /// Queues a frame (or closes a socket too far behind); Flush writes.
  void Push(Frame frame);
  void Flush();
  void DoWrite();
  /// Dormant: writes what the kernel takes now, the rest asynchronously; OnWrite follows.
  template <typename Buffers>
  void WriteDormant(const Buffers& buffers);
  void OnWrite(boost::system::error_code ec, std::size_t bytes);
  void DoRead();
  /// Awake: reads the next message with Beast (or learns there is none, and dozes).
  void ReadAwake();
  void OnReadable(boost::system::error_code ec);
  /// Drops Beast's stream, keeping the TCP connection, and waits for it to be readable.
  void Doze();
  /// Makes a Beast stream over the dormant connection; false if it could not.
  bool Wake();
  Socket& socket() { return stream_ ? stream_->next_layer().next_layer() : dormant_; }
  void OnReadSome(boost::system::error_code ec, std::size_t bytes);
  void OnRead(boost::system::error_code ec, std::size_t bytes);
  /// Takes a token for a client frame (a message, a ping or a pong); false when refused.
  bool Admit();
  /// Once too many frames in a row were refused, closes the socket with 1008 and returns
  /// true.
  bool CloseIfFlooding();
  /// Has Beast tell Admit of each ping and pong it reads.
  void WatchControlFrames();
  /// Ends the connection at once, without a close frame: for a flood inside a message.
  void CutOff();
  void HandleChat(std::string text);
  void HandleMarkRead(std::string notification_id);
  /// After a blocking job for a client message: its error, if any, then the next read.
  void Answered(const common::Status& result);
  void SendError(const common::Error& error);
  void CloseForEndedSession();
  void DoClose();
  void Finish();
  /// The job that takes back what the accept announced (the session's record, a chat's
  /// presence).
  std::function<void()> TakeBack() const;
  std::string StreamKey() const;
  std::string Channel() const { return hub::ChannelFor(route_); }
  hub::AvailabilityKey AvailabilityKey() const { return {route_.id, route_.date, route_.service}; }
  ServerDeps& deps() const { return context_->deps; }

  // Tens of thousands of these stay open at once, mostly idle: what an idle one holds is
  // kept small (no read buffer, no queue storage, one timer, nothing derivable stored).
  std::shared_ptr<ServerContext> context_;
  Strand strand_;
  Liveness liveness_;
  std::optional<Stream> stream_;  // awake
  Socket dormant_;                // dormant: the connection itself
  // The header of the frame being written while dormant; a backlog goes out in one write,
  // its headers in a block made for that write.
  std::array<std::uint8_t, 10> header_{};
  std::unique_ptr<std::array<std::uint8_t, 10>[]> headers_;
  boost::beast::flat_buffer buffer_;
  hub::Route route_;
  common::Claims claims_;
  hub::Parties parties_;
  std::shared_ptr<hub::LoginSessions::Watch> watch_;  // this socket in the server's login session index
  std::uint64_t number_;
  std::string address_;  // the client's, counted in the server's SocketCounter until destroyed
  std::chrono::sys_time<std::chrono::milliseconds> connected_at_;
  hub::TokenBucket incoming_;
  std::uint8_t refused_in_a_row_ = 0;  // frames refused by the bucket since the last one taken (saturates)

  hub::SessionState state_ = hub::SessionState::kJoining;
  // Independent of the state: one write in flight at a time; and whether the socket got
  // into the hub and Redis (what Finish undoes), which it does not when the server was
  // stopping as it was accepted.
  bool writing_ = false;
  std::uint8_t in_flight_ = 0;  // frames the write in flight carries, from the queue's front
  bool joined_ = false;
  bool wake_after_write_ = false;   // the client sent something while a dormant write was out
  bool read_after_write_ = false;   // awake with nothing to read while writing: doze after the write
  bool cut_off_ = false;            // shut by CutOff: the frames Beast has already read still come by
  hub::Announcement announcement_;  // the session's record and presence, against the socket's end
  boost::container::devector<Frame> queue_;
  std::vector<Frame> held_;           // live messages that arrived while replaying
  std::size_t replay_allowance_ = 0;  // replayed frames still queued: not held against the limit
  hub::StreamId last_id_;
  std::uint16_t close_code_ = 1000;
  const char* close_reason_ = "";
  std::unique_ptr<Timer> close_timer_;  // made on Close: the grace period for the closing handshake
};

}  // namespace barbershop::realtime::net
