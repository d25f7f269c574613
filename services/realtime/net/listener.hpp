#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "barbershop/common/result.hpp"
#include "net/server_context.hpp"

namespace barbershop::realtime::net {

/// The accept loop: each connection gets a strand of its own and an HttpSession.  Out of
/// file descriptors, it pauses (common::AcceptBackoff) rather than spin.  Thread-safe.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  explicit Listener(std::shared_ptr<ServerContext> context);

  /// Binds; an error says what to set.
  common::Status Listen(const std::string& host, std::uint16_t port);
  /// Starts accepting (on the io_context's threads).
  void Run();
  /// Stops accepting.  Returns at once.
  void Stop();
  std::uint16_t port() const;

 private:
  void DoAccept();
  void OnAccept(boost::system::error_code ec, Socket socket);

  std::shared_ptr<ServerContext> context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_timer_;  ///< the pause after running out of file descriptors
};

}  // namespace barbershop::realtime::net
