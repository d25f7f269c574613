#pragma once

#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>

#include <memory>
#include <optional>
#include <string>

#include "barbershop/common/result.hpp"
#include "net/server_context.hpp"
#include "net/upgrade.hpp"

namespace barbershop::realtime::net {

/// One plain HTTP connection: probes and metrics (ServerContext::probes), or an upgrade,
/// checked (net/upgrade.cpp) and counted against the socket limits before it is handed
/// to a WebSocketSession.  Runs on its strand.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(std::shared_ptr<ServerContext> context, Socket socket);
  void Start();

 private:
  void DoRead();
  void OnRead(boost::system::error_code ec, std::size_t bytes);
  /// The client's address: the peer's, or behind the gateway the one it names.
  std::string ClientAddress();
  void Accept(Admission admission, std::string address);
  void Refuse(const common::Error& error);
  void Reply(unsigned status, const std::string& content_type, std::string body);
  void Shutdown();

  std::shared_ptr<ServerContext> context_;
  boost::beast::basic_stream<boost::asio::ip::tcp, Strand> stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  boost::beast::http::request<boost::beast::http::empty_body> request_;
};

}  // namespace barbershop::realtime::net
