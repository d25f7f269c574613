#include "barbershop/common/http_server.hpp"

#include "barbershop/common/listen.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <optional>
#include <thread>

namespace barbershop::common {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr const char* kText = "text/plain; charset=utf-8";

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

bool IsRead(std::string_view method) { return method == "GET" || method == "HEAD"; }

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const HttpRoutes& routes) : stream_(std::move(socket)), routes_(routes) {}

  void Start() { DoRead(); }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    // The header alone: a probe has no body, and one that comes with a body is refused
    // before any of it is parsed.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    const bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
    request_ = parser_->release();
    auto response = std::make_shared<http::response<http::string_body>>();
    response->version(request_.version());
    response->keep_alive(request_.keep_alive() && !has_body);
    response->set(http::field::server, "barbershop");
    if (has_body) {
      response->result(http::status::payload_too_large);
      response->set(http::field::content_type, kText);
      response->body() = "a request here takes no body\n";
    } else {
      auto reply = routes_.Answer(View(request_.method_string()), View(request_.target()));
      response->result(reply.status);
      response->set(http::field::content_type, reply.content_type);
      response->body() = std::move(reply.body);
    }
    response->prepare_payload();
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response](beast::error_code write_error, std::size_t) {
                        if (write_error || !response->keep_alive()) return self->Close();
                        self->DoRead();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::request<http::empty_body> request_;
  const HttpRoutes& routes_;
};

}  // namespace

void HttpRoutes::Handle(const std::string& path, Handler handler, bool blocks) {
  routes_[path] = Route{std::move(handler), blocks};
}

const HttpRoutes::Route* HttpRoutes::Find(std::string_view method, std::string_view target) const {
  if (!IsRead(method)) return nullptr;
  const auto route = routes_.find(PathOf(target));
  return route == routes_.end() ? nullptr : &route->second;
}

bool HttpRoutes::Blocks(std::string_view method, std::string_view target) const {
  const auto* route = Find(method, target);
  return route != nullptr && route->blocks;
}

HttpReply HttpRoutes::Answer(std::string_view method, std::string_view target) const {
  if (!IsRead(method)) return {405, kText, "method not allowed\n"};
  const auto* route = Find(method, target);
  if (route == nullptr) return {404, kText, "not found\n"};
  try {
    return route->handler();
  } catch (const std::exception&) {
    return {500, kText, "internal error\n"};
  }
}

struct HttpServer::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  HttpRoutes routes;
  std::thread thread;

  void DoAccept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<HttpSession>(std::move(socket), routes)->Start();
      DoAccept();
    });
  }
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}
// Stop() throws only when the server's thread cannot be joined (a system error), and then
// there is nothing better to do than to end the process.
HttpServer::~HttpServer() { Stop(); }  // NOLINT(bugprone-exception-escape)

void HttpServer::Handle(const std::string& path, Handler handler) { impl_->routes.Handle(path, std::move(handler)); }

Status HttpServer::Start(const std::string& host, std::uint16_t port) {
  if (auto listening = Listen(impl_->acceptor, host, port); !listening) return listening;
  impl_->DoAccept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return Ok{};
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  impl_->thread.join();
}

Result<std::pair<std::string, std::uint16_t>> SplitHostPort(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "expected HOST:PORT, got '" + address + "'");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc{} || ptr != end || port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument, "expected HOST:PORT, got '" + address + "'");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

}  // namespace barbershop::common
