// The Redis client against the Redis that scripts/test.sh starts.
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/redis_client.hpp"

namespace barbershop::realtime::store {
namespace {

std::optional<RedisAddress> TestRedis() {
  const char* url = std::getenv("BARBERSHOP_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  auto address = ParseRedisUrl(url);
  if (!address) return std::nullopt;
  return *address;
}

TEST(RedisConnectionTest, AConnectionTheServerClosedIsReplacedWithoutFailingTheCommand) {
  const auto address = TestRedis();
  if (!address) GTEST_SKIP() << "needs BARBERSHOP_TEST_REDIS_URL (make test)";
  RedisConnection connection(*address);
  const auto before = connection.Command({"CLIENT", "ID"});
  ASSERT_TRUE(before) << before.error().message;
  // The server drops the idle connection, as it does on a restart.
  RedisConnection other(*address);
  const auto killed = other.Command({"CLIENT", "KILL", "ID", std::to_string(before->integer)});
  ASSERT_TRUE(killed) << killed.error().message;
  ASSERT_EQ(killed->integer, 1);

  const auto pong = connection.Command({"PING"});
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_EQ(pong->text, "PONG");
  EXPECT_EQ(connection.reconnects(), 1u);
  const auto after = connection.Command({"CLIENT", "ID"});
  ASSERT_TRUE(after);
  EXPECT_NE(after->integer, before->integer);
}

TEST(RedisConnectionTest, AnUnreachableServerIsUnavailableNotRetriedForever) {
  RedisConnection connection(RedisAddress{"127.0.0.1", 1, 0}, std::chrono::milliseconds(200));
  const auto reply = connection.Command({"PING"});
  ASSERT_FALSE(reply);
  EXPECT_EQ(reply.error().code, common::ErrorCode::kUnavailable);
  EXPECT_EQ(connection.reconnects(), 0u);
}

}  // namespace
}  // namespace barbershop::realtime::store
