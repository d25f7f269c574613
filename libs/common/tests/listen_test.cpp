#include "barbershop/common/listen.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

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

TEST(ListenTest, APortFileHoldsEveryPortOrIsNotThere) {
  const auto dir = std::filesystem::temp_directory_path() / ("port-file-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "ports").string();
  ASSERT_TRUE(WritePortFile(path, {{"grpc", 41001}, {"http", 41002}}));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "grpc 41001\nhttp 41002\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // A folder that is not there: an error naming the file, and nothing written.
  auto refused = WritePortFile((dir / "missing" / "ports").string(), {{"ws", 1}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("missing"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(ListenTest, RefusesAHostThatIsNotAnAddress) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  auto refused = Listen(acceptor, "localhost", 0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

TEST(ListenTest, AnAcceptWithNoDescriptorLeftBacksOff) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io);
  ASSERT_TRUE(Listen(acceptor, "127.0.0.1", 0));
  asio::ip::tcp::socket client(io);
  client.open(asio::ip::tcp::v4());
  // The lowest free descriptor becomes the limit: the next one the accept needs is refused.
  const int lowest_free = dup(0);
  ASSERT_GE(lowest_free, 0);
  close(lowest_free);
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  boost::system::error_code ec;
  client.connect(acceptor.local_endpoint(), ec);
  asio::ip::tcp::socket accepted(io);
  boost::system::error_code accept_ec;
  if (!ec) acceptor.accept(accepted, accept_ec);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(accept_ec) << "the accept should have found no descriptor";
  EXPECT_GT(AcceptBackoff(accept_ec).count(), 0) << accept_ec.message();
  EXPECT_EQ(AcceptBackoff(asio::error::connection_aborted).count(), 0);
  EXPECT_EQ(AcceptBackoff({}).count(), 0);
}

}  // namespace
}  // namespace barbershop::common
