#include "barbershop/common/http_server.hpp"

#include <gtest/gtest.h>

#include "barbershop/testing/child_process.hpp"

namespace barbershop::common {
namespace {

using ::barbershop::testing::RawExchange;

TEST(HttpServerTest, ServesItsRoutesAndRefusesABodyBeforeParsingIt) {
  HttpServer server;
  server.Handle("/healthz", [] { return HttpReply{200, "text/plain; charset=utf-8", "ok\n"}; });
  ASSERT_TRUE(server.Start("127.0.0.1", 0));
  const auto ok = RawExchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  // A chunked body cut after its last chunk's first line trips an assertion in Beast's
  // chunk parser, which aborted a debug build: nothing past the header is read.
  const auto chunked =
      RawExchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 413", 0), 0u) << chunked;
  const auto sized = RawExchange(server.port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(sized.rfind("HTTP/1.1 413", 0), 0u) << sized;
  EXPECT_EQ(RawExchange(server.port(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 404", 0),
            0u);
  server.Stop();
}

}  // namespace
}  // namespace barbershop::common
