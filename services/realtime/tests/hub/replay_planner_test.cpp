#include "hub/replay_planner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_message_store.hpp"

namespace barbershop::realtime::hub {
namespace {

using nlohmann::json;

constexpr const char* kInbox = "inbox:u1";
constexpr const char* kChat = "chat:a1";

std::string Notification(int n) { return json{{"type", "notification"}, {"n", n}, {"status", "unread"}}.dump(); }

JoinRequest InboxJoin(std::string since) {
  return JoinRequest{StreamKind::kClientAppointments, kInbox, "user:u1", "u1", std::move(since), "", {}};
}

JoinRequest ChatJoin(std::string before = "") {
  return JoinRequest{StreamKind::kChat, kChat, "chat:a1", "u1", "", std::move(before), {"b1", "u1"}};
}

std::vector<json> Parsed(const Replay& replay) {
  std::vector<json> out;
  for (const auto& frame : replay.frames) out.push_back(json::parse(frame));
  return out;
}

class ReplayPlannerTest : public ::testing::Test {
 protected:
  std::vector<std::string> AddNotifications(int count) {
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) ids.push_back(store_.Add(kInbox, Notification(i), 1000));
    return ids;
  }

  FakeMessageStore store_{1000, 1000};
};

TEST_F(ReplayPlannerTest, ReplaysWhatCameAfterSinceInsideTheStream) {
  const auto ids = AddNotifications(5);
  const ReplayPlanner planner(store_, ReplayLimits{});
  const auto replay = planner.Join(InboxJoin(ids[1]));
  ASSERT_TRUE(replay) << replay.error().message;
  const auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0]["type"], "welcome");
  EXPECT_EQ(frames[0]["id"], ids[1]);
  EXPECT_EQ(frames[0]["stream"], "user:u1");
  for (int i = 2; i < 5; ++i) {
    EXPECT_EQ(frames[i - 1]["id"], ids[i]);
    EXPECT_EQ(frames[i - 1]["n"], i);
  }
  EXPECT_EQ(replay->last_id, *StreamId::Parse(ids[4]));
}

TEST_F(ReplayPlannerTest, NotificationsAlreadyReadAreReplayedAsRead) {
  const auto ids = AddNotifications(3);
  ASSERT_TRUE(store_.MarkRead("u1", ids[2]));
  const auto replay = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin(ids[0]));
  ASSERT_TRUE(replay);
  const auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[1]["status"], "unread");
  EXPECT_EQ(frames[2]["status"], "read");
  EXPECT_EQ(frames[2]["id"], ids[2]);
}

TEST_F(ReplayPlannerTest, ASinceOlderThanTheTrimmedStartAsksForAResync) {
  FakeMessageStore capped(3, 3);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(capped.Add(kInbox, Notification(i), 3));
  const auto replay = ReplayPlanner(capped, ReplayLimits{}).Join(InboxJoin(ids[1]));
  ASSERT_TRUE(replay);
  const auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0]["type"], "welcome");
  EXPECT_EQ(frames[0]["id"], ids[5]);  // resume from the newest, after refetching
  EXPECT_EQ(frames[1]["type"], "resync_required");
  EXPECT_EQ(frames[1]["since"], ids[1]);
  EXPECT_EQ(frames[1]["oldest_id"], ids[3]);
  EXPECT_EQ(replay->last_id, *StreamId::Parse(ids[5]));

  // The oldest one kept, and anything after it, is still inside the stream.
  const auto inside = ReplayPlanner(capped, ReplayLimits{}).Join(InboxJoin(ids[3]));
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->frames.size(), 3u);
}

TEST_F(ReplayPlannerTest, ASinceAfterTheNewestSendsNothingAndAsksForNoResync) {
  AddNotifications(2);
  const std::string future = "99999999999999-0";
  const auto replay = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin(future));
  ASSERT_TRUE(replay);
  const auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0]["type"], "welcome");
  EXPECT_EQ(frames[0]["id"], future);
  EXPECT_EQ(replay->last_id, *StreamId::Parse(future));
}

TEST_F(ReplayPlannerTest, ASinceOnAStreamThatIsGoneOrNeverWasAsksForAResync) {
  const auto never = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin("1700000000000-0"));
  ASSERT_TRUE(never);
  auto frames = Parsed(*never);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0]["id"], "0-0");
  EXPECT_EQ(frames[1]["type"], "resync_required");
  EXPECT_EQ(frames[1]["oldest_id"], "");

  const auto ids = AddNotifications(3);
  store_.Delete(kInbox);  // expired
  const auto gone = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin(ids[1]));
  ASSERT_TRUE(gone);
  frames = Parsed(*gone);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[1]["type"], "resync_required");

  // "0-0" asks for everything: nothing is lost on an empty stream.
  const auto everything = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin("0-0"));
  ASSERT_TRUE(everything);
  EXPECT_EQ(everything->frames.size(), 1u);
}

TEST(SinceLostTest, ComparesSinceWithWhatTheStreamStillHolds) {
  const auto id = [](const char* text) { return *StreamId::Parse(text); };
  // Never trimmed: an old since still finds everything after it.
  EXPECT_FALSE(SinceLost(StreamState{"10-0", "20-0", 5, 5}, id("5-0")));
  // Trimmed past since.
  EXPECT_TRUE(SinceLost(StreamState{"10-0", "20-0", 5, 9}, id("5-0")));
  EXPECT_FALSE(SinceLost(StreamState{"10-0", "20-0", 5, 9}, id("10-0")));
  // Emptied (every entry deleted) after since, or since from elsewhere.
  EXPECT_TRUE(SinceLost(StreamState{"", "20-0", 0, 9}, id("5-0")));
  EXPECT_FALSE(SinceLost(StreamState{"", "20-0", 0, 9}, id("20-0")));
  EXPECT_TRUE(SinceLost(StreamState{"", "0-0", 0, 0}, id("1-0")));
  EXPECT_FALSE(SinceLost(StreamState{"", "0-0", 0, 0}, id("0-0")));
}

TEST_F(ReplayPlannerTest, HistoryOnJoinIsCappedAtHistoryLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(store_.Add(kChat, json{{"type", "chat_message"}, {"n", i}}.dump(), 1000));
  store_.online = {"b1"};
  ReplayLimits limits;
  limits.history_limit = 4;
  const ReplayPlanner planner(store_, limits);
  const auto replay = planner.Join(ChatJoin());
  ASSERT_TRUE(replay);
  auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 1u + 4u + 2u);
  EXPECT_EQ(frames[0]["type"], "welcome");
  EXPECT_EQ(frames[0]["id"], ids[9]);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(frames[1 + i]["id"], ids[6 + i]);  // the newest four, oldest first
  EXPECT_EQ(frames[5], (json{{"type", "presence"}, {"user_id", "b1"}, {"online", true}}));
  EXPECT_EQ(frames[6], (json{{"type", "presence"}, {"user_id", "u1"}, {"online", false}}));
  EXPECT_EQ(replay->last_id, *StreamId::Parse(ids[9]));

  // Older pages: the four before `before`.
  const auto older = planner.Join(ChatJoin(ids[3]));
  ASSERT_TRUE(older);
  frames = Parsed(*older);
  ASSERT_EQ(frames.size(), 1u + 3u + 2u);
  EXPECT_EQ(frames[1]["id"], ids[0]);
  EXPECT_EQ(frames[3]["id"], ids[2]);
}

TEST_F(ReplayPlannerTest, AChatMessageSentWhileTheHistoryIsReadIsReplayedOnceAndNotTakenLiveAgain) {
  // The other party sends a message between the stream's state and its history being
  // read: the history has it, and the socket (subscribed already) gets it live as well.
  // The replay's last id covers it, so the live copy is taken for one already sent.
  const auto first = store_.Add(kChat, json{{"type", "chat_message"}, {"n", 0}}.dump(), 1000);
  std::string sent_meanwhile;
  store_.before_history = [&] {
    sent_meanwhile = store_.Add(kChat, json{{"type", "chat_message"}, {"n", 1}}.dump(), 1000);
  };
  const auto replay = ReplayPlanner(store_, ReplayLimits{}).Join(ChatJoin());
  ASSERT_TRUE(replay);
  const auto frames = Parsed(*replay);
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[0]["id"], first);  // the welcome, from the state read first
  EXPECT_EQ(frames[1]["id"], first);
  EXPECT_EQ(frames[2]["id"], sent_meanwhile);
  EXPECT_EQ(replay->last_id, *StreamId::Parse(sent_meanwhile));
}

TEST_F(ReplayPlannerTest, AnInboxJoinWithoutSinceSendsTheWelcomeAlone) {
  const auto ids = AddNotifications(3);
  const auto replay = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin(""));
  ASSERT_TRUE(replay);
  ASSERT_EQ(replay->frames.size(), 1u);
  EXPECT_EQ(json::parse(replay->frames[0])["id"], ids[2]);
}

TEST_F(ReplayPlannerTest, AReplayStopsReadingOnceReplayLimitFramesAreGathered) {
  const auto ids = AddNotifications(12);
  ReplayLimits limits;
  limits.replay_limit = 5;
  limits.batch = 2;
  const auto replay = ReplayPlanner(store_, limits).Join(InboxJoin(ids[0]));
  ASSERT_TRUE(replay);
  // The welcome and two batches of two: the limit is checked between reads.
  const auto frames = Parsed(*replay);
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[4]["id"], ids[4]);
  EXPECT_EQ(replay->last_id, *StreamId::Parse(ids[4]));

  limits.replay_limit = 4;
  const auto over = ReplayPlanner(store_, limits).Join(InboxJoin(ids[0]));
  ASSERT_TRUE(over);
  EXPECT_EQ(over->frames.size(), 5u);  // 1 + 2 < 4, so a second batch is read

  limits.replay_limit = 10000;
  const auto all = ReplayPlanner(store_, limits).Join(InboxJoin(ids[0]));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->frames.size(), 12u);
}

TEST_F(ReplayPlannerTest, AJoinFailsWhenTheStoreCannotBeRead) {
  AddNotifications(2);
  store_.fail_reads = common::MakeError(common::ErrorCode::kUnavailable, "Redis is down");
  const auto replay = ReplayPlanner(store_, ReplayLimits{}).Join(InboxJoin("1-0"));
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, common::ErrorCode::kUnavailable);
}

TEST_F(ReplayPlannerTest, ACatchUpSendsWhatCameAfterTheLastIdSentUpToReplayLimit) {
  const auto ids = AddNotifications(6);
  ReplayLimits limits;
  limits.replay_limit = 3;
  const auto caught_up = ReplayPlanner(store_, limits).CatchUpAfter(kInbox, *StreamId::Parse(ids[1]));
  ASSERT_TRUE(caught_up.read);
  ASSERT_EQ(caught_up.replay.frames.size(), 3u);
  EXPECT_EQ(json::parse(caught_up.replay.frames[0])["id"], ids[2]);
  EXPECT_EQ(json::parse(caught_up.replay.frames[2])["id"], ids[4]);
  EXPECT_EQ(caught_up.replay.last_id, *StreamId::Parse(ids[4]));
}

// A pub/sub outage long enough for the stream to be trimmed past the last id the socket
// was sent: what is left is not all that was missed, so the client is told to refetch
// and the socket goes on from the newest.
TEST_F(ReplayPlannerTest, ACatchUpAfterTheStreamWasTrimmedPastTheLastIdSentAsksForAResync) {
  FakeMessageStore capped(3, 3);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(capped.Add(kInbox, Notification(i), 3));
  const auto caught_up = ReplayPlanner(capped, ReplayLimits{}).CatchUpAfter(kInbox, *StreamId::Parse(ids[1]));
  ASSERT_TRUE(caught_up.read);
  ASSERT_EQ(caught_up.replay.frames.size(), 1u);
  const auto frame = json::parse(caught_up.replay.frames[0]);
  EXPECT_EQ(frame["type"], "resync_required");
  EXPECT_EQ(frame["since"], ids[1]);
  EXPECT_EQ(frame["oldest_id"], ids[3]);
  EXPECT_EQ(caught_up.replay.last_id, *StreamId::Parse(ids[5]));

  // From the oldest one kept on, nothing is missing.
  const auto whole = ReplayPlanner(capped, ReplayLimits{}).CatchUpAfter(kInbox, *StreamId::Parse(ids[3]));
  ASSERT_EQ(whole.replay.frames.size(), 2u);
  EXPECT_EQ(json::parse(whole.replay.frames[0])["id"], ids[4]);
}

TEST_F(ReplayPlannerTest, ACatchUpThatCannotReadAsksForAResync) {
  const auto ids = AddNotifications(2);
  store_.fail_reads = common::MakeError(common::ErrorCode::kUnavailable, "Redis is down");
  const auto since = *StreamId::Parse(ids[0]);
  const auto caught_up = ReplayPlanner(store_, ReplayLimits{}).CatchUpAfter(kInbox, since);
  ASSERT_FALSE(caught_up.read);
  ASSERT_EQ(caught_up.replay.frames.size(), 1u);
  const auto frame = json::parse(caught_up.replay.frames[0]);
  EXPECT_EQ(frame["type"], "resync_required");
  EXPECT_EQ(frame["since"], ids[0]);
  EXPECT_EQ(caught_up.replay.last_id, since);
}

}  // namespace
}  // namespace barbershop::realtime::hub
