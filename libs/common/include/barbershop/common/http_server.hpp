#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers{};  ///< more response headers
};

/// A request to an API route, whole: its header fields and its body.
struct HttpRequest {
  std::string method;                                        ///< "GET", "POST", ...
  std::string target;                                        ///< the path and the query string, as sent
  std::string peer;                                          ///< the connection's remote address ("127.0.0.1", "::1")
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
  std::string body;

  /// The first header field named `name` (lower case), empty when absent.
  std::string_view Header(std::string_view name) const;
};

/// Where an API route answers a request: call it exactly once, from any thread.
using HttpResponder = std::function<void(HttpReply)>;
/// An API route: gets the request and answers when it is ready, without holding the
/// server's thread (it may hand the request on and answer from another thread).
using HttpApiHandler = std::function<void(HttpRequest, HttpResponder)>;
/// The reply an API route gives to a request the server refuses before it reaches the
/// route (a body over the limit): its status and a message.
using HttpApiRefusal = std::function<HttpReply(unsigned status, std::string_view message)>;

/// What a probe endpoint answers: GET (or HEAD) on exact paths (/healthz, /readyz,
/// /metrics), 405 for other methods, 404 for other paths, 500 when a handler throws.
/// Shared by the core's probe server and the real-time service, which answers the same
/// requests on its WebSocket port.  Routes are added before serving; Answer is then
/// thread-safe.
class HttpRoutes {
 public:
  using Handler = std::function<HttpReply()>;

  /// `blocks`: the handler may wait on I/O (a readiness check asking the database), so a
  /// server with an event loop runs it elsewhere.
  void Handle(const std::string& path, Handler handler, bool blocks = false);
  /// Whether answering this request runs a handler that blocks.
  bool Blocks(std::string_view method, std::string_view target) const;
  /// The reply to `method` on `target` (a query string is ignored).
  HttpReply Answer(std::string_view method, std::string_view target) const;

 private:
  struct Route {
    Handler handler;
    bool blocks = false;
  };
  const Route* Find(std::string_view method, std::string_view target) const;

  std::map<std::string, Route, std::less<>> routes_;
};

/// A small HTTP/1.1 server (Boost.Beast) for probes and metrics, answering as
/// HttpRoutes does, and for an API under a path prefix (HandleApi).  Probe handlers run
/// on the server's own thread, one request at a time; an API handler is called there and
/// may answer later from another thread, while the server goes on with other connections.
class HttpServer {
 public:
  using Handler = HttpRoutes::Handler;

  HttpServer();
  ~HttpServer();  // NOLINT(bugprone-exception-escape): see http_server.cpp
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Handle(const std::string& path, Handler handler);
  /// Sends every request whose path starts with `prefix` (any method, with a body of at
  /// most `body_limit` bytes) to `handler`.  A longer body is refused with 413 before it is
  /// read, in `refusal`'s words.  Added before Start; a server may have several, with
  /// prefixes that do not overlap.
  void HandleApi(const std::string& prefix, HttpApiHandler handler, HttpApiRefusal refusal, std::size_t body_limit);
  /// Binds host:port (port 0 picks a free one) and starts serving; kUnavailable with a
  /// message naming the address when it cannot bind.
  Status Start(const std::string& host, std::uint16_t port);
  std::uint16_t port() const;
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Splits "host:port"; kInvalidArgument when malformed.
Result<std::pair<std::string, std::uint16_t>> SplitHostPort(const std::string& address);

}  // namespace barbershop::common
