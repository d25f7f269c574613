#include "net/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "barbershop/common/listen.hpp"
#include "net/http_session.hpp"

namespace barbershop::realtime::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(std::shared_ptr<ServerContext> context)
    : context_(std::move(context)), acceptor_(context_->deps.io), backoff_timer_(context_->deps.io) {}

common::Status Listener::Listen(const std::string& host, std::uint16_t port) {
  if (auto listening = common::Listen(acceptor_, host, port); !listening) {
    return common::MakeError(listening.error().code, listening.error().message + " (set BARBERSHOP_WS_ADDRESS)");
  }
  return common::Ok{};
}

void Listener::Run() { DoAccept(); }

void Listener::Stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->backoff_timer_.cancel();
  });
}

std::uint16_t Listener::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::DoAccept() {
  acceptor_.async_accept(asio::make_strand(context_->deps.io),
                         [self = shared_from_this()](boost::system::error_code ec, Socket socket) {
                           self->OnAccept(ec, std::move(socket));
                         });
}

void Listener::OnAccept(boost::system::error_code ec, Socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (const auto pause = common::AcceptBackoff(ec); pause.count() > 0) {
    // Out of file descriptors: accepting again at once would spin until one is freed.
    context_->deps.metrics.accept_backoffs.Inc();
    spdlog::warn("cannot accept a connection: {}; trying again in {} ms", ec.message(), pause.count());
    backoff_timer_.expires_after(pause);
    backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec && !self->context_->stopping) self->DoAccept();
    });
    return;
  }
  if (!ec) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small frames must not wait for Nagle
    if (context_->settings.socket_send_buffer > 0) {
      // A smaller kernel buffer finds a reader that stopped sooner and holds less memory.
      socket.set_option(asio::socket_base::send_buffer_size(context_->settings.socket_send_buffer), ignored);
    }
    std::make_shared<HttpSession>(context_, std::move(socket))->Start();
  }
  DoAccept();
}

}  // namespace barbershop::realtime::net
