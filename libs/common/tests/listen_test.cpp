#include "barbershop/common/listen.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

namespace barbershop::common {
namespace {

TEST(ListenTest, BindsAFreePortAndRefusesATakenOne) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor first(io);
  ASSERT_TRUE(Listen(first, "127.0.0.1", 0));
  const auto port = first.local_endpoint().port();
  EXPECT_NE(port, 0);
  boost::asio::ip::tcp::acceptor second(io);
  auto taken = Listen(second, "127.0.0.1", port);
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(taken.error().message.find(std::to_string(port)), std::string::npos);
}

TEST(ListenTest, RefusesAHostThatIsNotAnAddress) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  auto refused = Listen(acceptor, "localhost", 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace barbershop::common
