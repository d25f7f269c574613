#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// A small HTTP/1.1 server (Boost.Beast) for probes and metrics: GET on exact paths.
/// Handlers run on the server's own thread, one request at a time.
class HttpServer {
 public:
  using Handler = std::function<HttpReply()>;

  HttpServer();
  ~HttpServer();
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
