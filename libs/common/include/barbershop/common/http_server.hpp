#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

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
/// HttpRoutes does.  Handlers run on the server's own thread, one request at a time.
class HttpServer {
 public:
  using Handler = HttpRoutes::Handler;

  HttpServer();
  ~HttpServer();  // NOLINT(bugprone-exception-escape): see http_server.cpp
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Handle(const std::string& path, Handler handler);
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
