#include "barbershop/common/http_server.hpp"

#include "barbershop/common/listen.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
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

/// One of a server's API routes.
struct ApiRoute {
  std::string prefix;
  HttpApiHandler handler;
  HttpApiRefusal refusal;
  std::size_t body_limit = 0;

  bool Takes(std::string_view target) const {
    return !prefix.empty() && PathOf(target).substr(0, prefix.size()) == prefix;
  }
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, const HttpRoutes& routes, const std::vector<ApiRoute>& apis)
      : stream_(std::move(socket)), routes_(routes), apis_(apis) {}

  void Start() { DoRead(); }

 private:
  using Response = http::response<http::string_body>;

  void DoRead() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(30));
    // The header alone: a probe has no body, and one that comes with a body is refused
    // before any of it is parsed; an API request's body is read once its size is known
    // to be within the limit.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return Close();
    for (const auto& api : apis_) {
      if (api.Takes(View(parser_->get().target()))) {
        api_ = &api;
        return OnApiHeader();
      }
    }
    const bool has_body = parser_->chunked() || parser_->content_length().value_or(0) > 0;
    const auto& request = parser_->get();
    auto response = std::make_shared<Response>();
    response->version(request.version());
    response->keep_alive(request.keep_alive() && !has_body);
    if (has_body) {
      Fill(*response, HttpReply{413, kText, "a request here takes no body\n"});
    } else {
      Fill(*response, routes_.Answer(View(request.method_string()), View(request.target())));
    }
    Write(std::move(response));
  }

  void OnApiHeader() {
    const auto& request = parser_->get();
    if (parser_->content_length().value_or(0) > api_->body_limit) {
      // Refused unread: the connection closes after the answer, so that the body left
      // unread is not taken for the next request.
      return Refuse(413, "the request body is larger than " + std::to_string(api_->body_limit) + " bytes");
    }
    const bool expects_continue = beast::iequals(request[http::field::expect], "100-continue");
    const unsigned version = request.version();
    body_parser_.emplace(std::move(*parser_));
    body_parser_->body_limit(api_->body_limit);
    if (expects_continue) {
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version);
      http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](beast::error_code ec, std::size_t) {
        if (ec) return self->Close();
        self->ReadApiBody();
      });
      return;
    }
    ReadApiBody();
  }

  void ReadApiBody() {
    http::async_read(stream_, buffer_, *body_parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec == http::error::body_limit) {
        return self->Refuse(413,
                            "the request body is larger than " + std::to_string(self->api_->body_limit) + " bytes");
      }
      if (ec) return self->Close();
      self->OnApiRequest();
    });
  }

  void OnApiRequest() {
    auto message = body_parser_->release();
    HttpRequest request;
    request.method = std::string(View(message.method_string()));
    request.target = std::string(View(message.target()));
    beast::error_code ignored;
    request.peer = stream_.socket().remote_endpoint(ignored).address().to_string();
    for (const auto& field : message) {
      std::string name(View(field.name_string()));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(View(field.value())));
    }
    request.body = std::move(message.body());
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    // Until the answer comes no other request is read on this connection, so the timer
    // must not end it meanwhile; the answer is written on the connection's strand.
    stream_.expires_never();
    api_->handler(std::move(request), [self = shared_from_this(), version, keep_alive](HttpReply reply) {
      asio::post(self->stream_.get_executor(), [self, version, keep_alive, reply = std::move(reply)]() mutable {
        auto response = std::make_shared<Response>();
        response->version(version);
        response->keep_alive(keep_alive);
        Fill(*response, std::move(reply));
        self->Write(std::move(response));
      });
    });
  }

  /// Answers an API request refused before its handler saw it, and closes the connection.
  void Refuse(unsigned status, const std::string& message) {
    auto response = std::make_shared<Response>();
    response->version(11);
    response->keep_alive(false);
    Fill(*response, api_->refusal(status, message));
    Write(std::move(response));
  }

  static void Fill(Response& response, HttpReply reply) {
    response.result(reply.status);
    response.set(http::field::server, "barbershop");
    response.set(http::field::content_type, reply.content_type);
    for (auto& [name, value] : reply.headers) response.set(name, value);
    response.body() = std::move(reply.body);
    response.prepare_payload();
  }

  void Write(std::shared_ptr<Response> response) {
    stream_.expires_after(std::chrono::seconds(30));
    Response& message = *response;  // kept alive by the handler, which owns `response`
    http::async_write(stream_, message,
                      [self = shared_from_this(), response = std::move(response)](beast::error_code ec, std::size_t) {
                        if (ec || !response->keep_alive()) return self->Close();
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
  std::optional<http::request_parser<http::string_body>> body_parser_;
  const HttpRoutes& routes_;
  const std::vector<ApiRoute>& apis_;
  const ApiRoute* api_ = nullptr;  ///< the API route of the request being read, if any
};

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return {};
}

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
  std::vector<ApiRoute> apis;  ///< in the order added; the first whose prefix fits takes a request
  std::thread thread;

  void DoAccept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) std::make_shared<HttpSession>(std::move(socket), routes, apis)->Start();
      DoAccept();
    });
  }
};

HttpServer::HttpServer() : impl_(std::make_unique<Impl>()) {}
// Stop() throws only when the server's thread cannot be joined (a system error), and then
// there is nothing better to do than to end the process.
HttpServer::~HttpServer() { Stop(); }  // NOLINT(bugprone-exception-escape)

void HttpServer::Handle(const std::string& path, Handler handler) { impl_->routes.Handle(path, std::move(handler)); }

void HttpServer::HandleApi(const std::string& prefix, HttpApiHandler handler, HttpApiRefusal refusal,
                           std::size_t body_limit) {
  impl_->apis.push_back(ApiRoute{prefix, std::move(handler), std::move(refusal), body_limit});
}

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
