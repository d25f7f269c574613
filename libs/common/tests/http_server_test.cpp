#include "barbershop/common/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

namespace barbershop::common {
namespace {

// Sends raw bytes to 127.0.0.1:port; what comes back until the server closes.
std::string Exchange(std::uint16_t port, const std::string& bytes) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  asio::write(socket, asio::buffer(bytes), ec);
  std::string answer;
  char chunk[512];
  while (!ec) {
    const auto n = socket.read_some(asio::buffer(chunk), ec);
    answer.append(chunk, n);
  }
  return answer;
}

TEST(HttpServerTest, ServesItsRoutesAndRefusesABodyBeforeParsingIt) {
  HttpServer server;
  server.Handle("/healthz", [] { return HttpReply{200, "text/plain; charset=utf-8", "ok\n"}; });
  ASSERT_TRUE(server.Start("127.0.0.1", 0));
  const auto ok = Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  // A chunked body cut after its last chunk's first line trips an assertion in Beast's
  // chunk parser, which aborted a debug build: nothing past the header is read.
  const auto chunked =
      Exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 413", 0), 0u) << chunked;
  const auto sized = Exchange(server.port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(sized.rfind("HTTP/1.1 413", 0), 0u) << sized;
  EXPECT_EQ(Exchange(server.port(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 404", 0),
            0u);
  server.Stop();
}

}  // namespace
}  // namespace barbershop::common
