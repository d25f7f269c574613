#pragma once

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <cstdint>
#include <utility>

#include "hub/frame_edges.hpp"
#include "net/liveness.hpp"
#include "net/server_context.hpp"

namespace barbershop::realtime::net {

/// The layer under Beast's WebSocket stream while a socket is awake.  Beast keeps about
/// 2.4 KiB of state per stream (its read buffer among it) for as long as the stream
/// lives, and tens of thousands of mostly idle sockets stay open: so a socket hands its
/// TCP connection back and drops the stream between messages, and makes a new one when
/// the client sends something (WebSocketSession).  This layer makes that safe:
/// - Beast never reads past the frame it is on (hub::FrameEdges), so a stream at a
///   message edge holds nothing that dropping it would lose;
/// - once a frame came in, a read at a message edge with nothing more to read ends
///   with would_block when allowed (may_stop: no write of Beast's in flight), instead of
///   waiting with the stream held: stopping() tells the socket to drop it;
/// - a new stream learns the connection is open from the original handshake played to
///   it again (set_replaying), its answer swallowed.
class GatedSocket {
 public:
  using executor_type = Socket::executor_type;
  using next_layer_type = Socket;

  GatedSocket(Socket socket, Liveness* liveness) : socket_(std::move(socket)), liveness_(liveness) {}

  executor_type get_executor() noexcept { return socket_.get_executor(); }
  Socket& next_layer() { return socket_; }
  const Socket& next_layer() const { return socket_; }

  void set_replaying(bool replaying) { replaying_ = replaying; }
  void set_may_stop(bool may_stop) { may_stop_ = may_stop; }
  /// A read ended with would_block: the stream is to be dropped before anything else
  /// is written or closed through it.
  bool stopping() const { return stopping_; }
  /// Between the fragments of a message (FrameEdges::InFragmentedMessage).
  bool InFragmentedMessage() const { return edges_.InFragmentedMessage(); }
  /// At a message edge with nothing waiting to be read.
  bool AtRest() {
    boost::system::error_code ec;
    return edges_.AtMessageEdge() && socket_.available(ec) == 0 && !ec;
  }

  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    return socket_.read_some(buffers);
  }
  template <typename MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    return socket_.read_some(buffers, ec);
  }
  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    if (replaying_) return boost::asio::buffer_size(buffers);
    return socket_.write_some(buffers);
  }
  template <typename ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, boost::system::error_code& ec) {
    ec = {};
    if (replaying_) return boost::asio::buffer_size(buffers);
    return socket_.write_some(buffers, ec);
  }

  template <typename MutableBuffers, typename Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(boost::system::error_code, std::size_t)>(
        ReadOp<MutableBuffers>{this, buffers}, handler, socket_);
  }
  template <typename ConstBuffers, typename Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return socket_.async_write_some(buffers, std::forward<Handler>(handler));
  }

 private:
  template <typename MutableBuffers>
  struct ReadOp {
    enum class Step { kStart, kRead, kStopped };
    GatedSocket* gate;
    MutableBuffers buffers;
    Step step = Step::kStart;

    template <typename Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t size = 0) {
      switch (step) {
        case Step::kStart: {
          if (gate->ShouldStop()) {
            step = Step::kStopped;
            gate->stopping_ = true;
            return boost::asio::post(gate->socket_.get_executor(), std::move(self));
          }
          step = Step::kRead;
          const auto wanted = static_cast<std::size_t>(
              std::min<std::uint64_t>(gate->edges_.Wanted(), boost::asio::buffer_size(buffers)));
          return gate->socket_.async_read_some(boost::beast::buffers_prefix(wanted, buffers), std::move(self));
        }
        case Step::kRead:
          if (size > 0) gate->Took(boost::beast::buffers_prefix(size, buffers));
          return self.complete(ec, size);
        case Step::kStopped:
          return self.complete(boost::asio::error::would_block, 0);
      }
    }
  };

  bool ShouldStop() { return may_stop_ && edges_.frames() > 0 && AtRest(); }

  template <typename Buffers>
  void Took(const Buffers& buffers) {
    liveness_->Heard();
    for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
      edges_.Took(static_cast<const std::uint8_t*>(buffer.data()), buffer.size());
    }
  }

  Socket socket_;
  Liveness* liveness_;
  hub::FrameEdges edges_;
  bool replaying_ = false;
  bool may_stop_ = false;
  bool stopping_ = false;
};

// Closing: Beast shuts the TCP connection down through these (found by argument-dependent lookup).
inline void teardown(boost::beast::role_type role, GatedSocket& socket, boost::system::error_code& ec) {
  boost::beast::websocket::teardown(role, socket.next_layer(), ec);
}
template <typename Handler>
void async_teardown(boost::beast::role_type role, GatedSocket& socket, Handler&& handler) {
  boost::beast::websocket::async_teardown(role, socket.next_layer(), std::forward<Handler>(handler));
}

}  // namespace barbershop::realtime::net
