#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <chrono>

#include "hub/protocol.hpp"
#include "net/websocket_session.hpp"

namespace barbershop::realtime::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using common::ErrorCode;
using common::MakeError;

namespace {

constexpr std::chrono::seconds kRequestTimeout{15};

common::Error AddressFull() {
  return MakeError(ErrorCode::kResourceExhausted, "too many open sockets from this address");
}

/// Every X-Forwarded-For line of the request, in order, as one list.
std::string ForwardedFor(const http::request<http::empty_body>& request) {
  std::string list;
  const auto [first, last] = request.equal_range("X-Forwarded-For");
  for (auto field = first; field != last; ++field) {
    if (!list.empty()) list += ',';
    list.append(field->value().data(), field->value().size());
  }
  return list;
}

}  // namespace

HttpSession::HttpSession(std::shared_ptr<ServerContext> context, Socket socket)
    : context_(std::move(context)), stream_(std::move(socket)) {}

void HttpSession::Start() {
  asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::DoRead, shared_from_this()));
}

void HttpSession::DoRead() {
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  stream_.expires_after(kRequestTimeout);
  // The header alone: neither the probes nor an upgrade have a body, and one that comes
  // with a body is refused before any of it is parsed.
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(boost::system::error_code ec, std::size_t) {
  if (ec) return Shutdown();
  const bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
  request_ = parser_->release();
  if (has_body) {
    request_.keep_alive(false);
    return Reply(413, "text/plain; charset=utf-8", "a request here takes no body\n");
  }
  if (websocket::is_upgrade(request_)) {
    // An address at its cap is refused before its upgrade asks Redis or the core anything.
    auto address = ClientAddress();
    if (context_->sockets.AddressFull(address)) return Refuse(AddressFull());
    return AuthorizeUpgrade(
        context_, request_.target(), request_[http::field::authorization], stream_.get_executor(),
        [self = shared_from_this(), address = std::move(address)](common::Result<Admission> admission) mutable {
          if (!admission) return self->Refuse(admission.error());
          self->Accept(std::move(*admission), std::move(address));
        });
  }
  const std::string method(request_.method_string());
  const std::string target(request_.target());
  if (!context_->probes.Blocks(method, target)) {
    auto reply = context_->probes.Answer(method, target);
    return Reply(reply.status, reply.content_type, std::move(reply.body));
  }
  context_->PostBlocking([self = shared_from_this(), method, target] {
    auto reply = self->context_->probes.Answer(method, target);
    asio::post(self->stream_.get_executor(),
               [self, reply = std::move(reply)] { self->Reply(reply.status, reply.content_type, reply.body); });
  });
}

std::string HttpSession::ClientAddress() {
  beast::error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  // Behind the gateway every socket comes from its address: the client's is the one the
  // gateway appended to X-Forwarded-For, believed only from a trusted peer.
  return ec ? std::string("unknown")
            : context_->settings.trusted_proxies.ClientAddress(peer.address().to_string(), ForwardedFor(request_));
}

void HttpSession::Accept(Admission admission, std::string address) {
  if (admission.watch && admission.watch->ended()) {
    return Refuse(MakeError(ErrorCode::kUnauthenticated, "the login session of this token has ended"));
  }
  switch (context_->sockets.TryAdd(admission.claims.subject, address)) {
    case hub::SocketCounter::Verdict::kUserFull:
      return Refuse(
          MakeError(ErrorCode::kResourceExhausted, "too many open sockets for this user (at most " +
                                                       std::to_string(context_->settings.max_sockets_per_user) + ")"));
    case hub::SocketCounter::Verdict::kAddressFull:
      return Refuse(AddressFull());
    case hub::SocketCounter::Verdict::kAdmitted:
      break;
  }
  stream_.expires_never();
  auto session = std::make_shared<WebSocketSession>(context_, stream_.release_socket(), std::move(admission),
                                                    context_->NextNumber(), std::move(address));
  session->Start(request_);
}

void HttpSession::Refuse(const common::Error& error) {
  const auto status = hub::HttpStatusFor(error.code);
  context_->deps.metrics.Refused(status).Inc();
  request_.keep_alive(false);
  Reply(status, "application/json", hub::ErrorFrame(error));
}

void HttpSession::Reply(unsigned status, const std::string& content_type, std::string body) {
  auto response =
      std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), request_.version());
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

void HttpSession::Shutdown() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace barbershop::realtime::net
