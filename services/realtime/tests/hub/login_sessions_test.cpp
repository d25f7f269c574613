#include "hub/login_sessions.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>

namespace barbershop::realtime::hub {
namespace {

using common::ErrorCode;

/// The ended sessions Redis would remember, in memory.
class FakeEndedSessions final : public EndedSessionStore {
 public:
  common::Result<bool> EndSession(const std::string& session_id, const std::string&, std::chrono::seconds) override {
    if (failure) return *failure;
    return ended.insert(session_id).second;
  }
  common::Result<bool> IsSessionEnded(const std::string& session_id) override {
    if (failure) return *failure;
    return ended.contains(session_id);
  }
  common::Result<std::vector<std::string>> EndedAmong(const std::vector<std::string>& session_ids) override {
    ++asked;
    if (failure) return *failure;
    std::vector<std::string> out;
    for (const auto& id : session_ids) {
      if (ended.contains(id)) out.push_back(id);
    }
    return out;
  }

  std::set<std::string> ended;
  std::optional<common::Error> failure;
  int asked = 0;
};

class RecordingSocket final : public SessionEndListener {
 public:
  void OnSessionEnded() override { ++ended; }
  int ended = 0;
};

struct Socket {
  std::shared_ptr<LoginSessions::Watch> watch;
  std::shared_ptr<RecordingSocket> socket = std::make_shared<RecordingSocket>();
};

Socket Open(LoginSessions& index, const std::string& session_id) {
  Socket opened{index.Add(session_id)};
  EXPECT_TRUE(index.Attach(*opened.watch, opened.socket));
  return opened;
}

std::vector<std::string> Sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(LoginSessionsTest, AnEndClosesEverySocketOfThatSessionAndNoOther) {
  LoginSessions index;
  auto first = Open(index, "s");
  auto second = Open(index, "s");
  auto other = Open(index, "t");  // the same user's other login
  EXPECT_EQ(index.End("s"), 2u);
  EXPECT_EQ(first.socket->ended, 1);
  EXPECT_EQ(second.socket->ended, 1);
  EXPECT_EQ(other.socket->ended, 0);
  EXPECT_TRUE(first.watch->ended());
  EXPECT_FALSE(other.watch->ended());
  EXPECT_EQ(index.End("nobody-here"), 0u);
}

TEST(LoginSessionsTest, AnEndHeardBeforeTheSocketAttachesRefusesIt) {
  LoginSessions index;
  // The upgrade takes its watch, Redis says the session is open, then the end is heard
  // before the socket is accepted.
  auto watch = index.Add("s");
  EXPECT_EQ(index.End("s"), 0u) << "no socket yet to tell";
  EXPECT_TRUE(watch->ended());
  auto socket = std::make_shared<RecordingSocket>();
  EXPECT_FALSE(index.Attach(*watch, socket));
  EXPECT_EQ(index.End("s"), 0u) << "a refused socket is not attached";
  EXPECT_EQ(socket->ended, 0);
}

TEST(LoginSessionsTest, WatchesLeaveTheIndexWhenDestroyed) {
  LoginSessions index;
  auto first = Open(index, "s");
  auto second = Open(index, "s");
  auto pending = index.Add("u");
  EXPECT_EQ(Sorted(index.Open()), (std::vector<std::string>{"s", "u"}));
  EXPECT_EQ(index.watch_count(), 3u);
  first.watch.reset();
  EXPECT_EQ(index.End("s"), 1u);
  EXPECT_EQ(second.socket->ended, 1);
  second.watch.reset();
  pending.reset();
  EXPECT_TRUE(index.Open().empty());
  EXPECT_EQ(index.watch_count(), 0u);
}

TEST(LoginSessionsTest, ASocketAlreadyGoneIsNotTold) {
  LoginSessions index;
  auto opened = Open(index, "s");
  opened.socket.reset();  // its watch outlives it for a moment
  EXPECT_EQ(index.End("s"), 0u);
}

TEST(LoginSessionsTest, AWatchKeepsItsIndexAlive) {
  std::shared_ptr<LoginSessions::Watch> watch;
  {
    LoginSessions index;
    watch = index.Add("s");
  }
  EXPECT_EQ(watch->session_id(), "s");
  watch.reset();  // leaves an index that is no longer anybody else's: no use after free
}

TEST(LoginSessionsTest, AnUpgradeIsRefusedForAnEndedSessionAndWhenRedisCannotSay) {
  FakeEndedSessions store;
  EXPECT_TRUE(CheckSessionOpen(store, "s"));
  store.ended.insert("s");
  const auto ended = CheckSessionOpen(store, "s");
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().code, ErrorCode::kUnauthenticated);
  store.failure = common::MakeError(ErrorCode::kUnavailable, "Redis: connection refused");
  const auto unknown = CheckSessionOpen(store, "t");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(unknown.error().message.find("Redis"), std::string::npos) << "the client is not told Redis's words";
}

TEST(LoginSessionsTest, CatchingUpEndsTheOpenSessionsRedisRemembersAsEnded) {
  LoginSessions index;
  FakeEndedSessions store;
  auto ended_meanwhile = Open(index, "s");
  auto pending = index.Add("t");  // an upgrade under way
  auto still_open = Open(index, "u");
  store.ended = {"s", "t", "gone-long-ago"};
  const auto caught = CatchUpEndedSessions(index, store);
  ASSERT_TRUE(caught);
  EXPECT_EQ(*caught, 2u);
  EXPECT_EQ(ended_meanwhile.socket->ended, 1);
  EXPECT_TRUE(pending->ended());
  EXPECT_EQ(still_open.socket->ended, 0);
  EXPECT_FALSE(still_open.watch->ended());
}

TEST(LoginSessionsTest, CatchingUpAsksNothingWithoutSocketsAndFailsWithRedis) {
  LoginSessions index;
  FakeEndedSessions store;
  EXPECT_EQ(*CatchUpEndedSessions(index, store), 0u);
  EXPECT_EQ(store.asked, 0);
  auto opened = Open(index, "s");
  store.ended = {"s"};
  store.failure = common::MakeError(ErrorCode::kUnavailable, "down");
  EXPECT_FALSE(CatchUpEndedSessions(index, store));
  EXPECT_EQ(opened.socket->ended, 0);
  store.failure.reset();
  EXPECT_EQ(*CatchUpEndedSessions(index, store), 1u);
  EXPECT_EQ(opened.socket->ended, 1);
}

}  // namespace
}  // namespace barbershop::realtime::hub
