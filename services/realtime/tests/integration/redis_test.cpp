// The Redis client and the service's store against the Redis that scripts/test.sh starts.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "store/realtime_store.hpp"
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

// Events handed over together (a burst from the bus) are stored in order, each once: a
// duplicate among them is known by its key and stores nothing.  (That they go in one
// EVAL is StoreEvents' one command; Redis's command counts are the whole server's, which
// the other tests share, so they are not counted here.)
TEST(RealtimeStoreTest, EventsHandedOverTogetherAreStoredInOrderEachOnce) {
  const auto address = TestRedis();
  if (!address) GTEST_SKIP() << "needs BARBERSHOP_TEST_REDIS_URL (make test)";
  RedisPool pool(*address, 1);
  const common::SystemClock clock;
  RealtimeStore store(pool, 1000, 1000, clock);
  const auto unique = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const auto inbox = [&](const std::string& user) { return RealtimeStore::InboxKey(user + unique); };
  const auto event = [&](const std::string& name, std::vector<Append> messages) {
    return EventWrite{"rt:event:" + name + unique, std::move(messages), "rt:test:notice:" + unique, name};
  };
  const auto seen = event("seen", {{inbox("ana"), "rt:test:" + unique, R"({"m":"seen"})"}});
  ASSERT_TRUE(store.StoreEvents({seen}));
  const auto stored =
      store.StoreEvents({event("first", {{inbox("ana"), "rt:test:" + unique, R"({"m":"a1"})"},
                                         {inbox("bo"), "rt:test:" + unique, R"({"m":"b1"})"}}),
                         seen, event("second", {{inbox("ana"), "rt:test:" + unique, R"({"m":"a2"})"}})});
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_EQ(stored->size(), 3u);
  ASSERT_TRUE((*stored)[0].has_value());
  EXPECT_EQ((*stored)[0]->size(), 2u);
  EXPECT_FALSE((*stored)[1].has_value());
  ASSERT_TRUE((*stored)[2].has_value());
  EXPECT_EQ((*stored)[2]->size(), 1u);
  const auto ana = store.ReadAfter(inbox("ana"), "0", 10);
  ASSERT_TRUE(ana);
  std::vector<std::string> bodies;
  for (const auto& message : *ana) bodies.push_back(message.body);
  EXPECT_EQ(bodies, (std::vector<std::string>{R"({"m":"seen"})", R"({"m":"a1"})", R"({"m":"a2"})"}));
  EXPECT_EQ((*ana)[1].id, (*(*stored)[0])[0]);
  EXPECT_EQ((*ana)[2].id, (*(*stored)[2])[0]);
}

}  // namespace
}  // namespace barbershop::realtime::store
