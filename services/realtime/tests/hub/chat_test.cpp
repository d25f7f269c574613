#include "hub/chat.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_message_store.hpp"
#include "hub/protocol.hpp"

namespace barbershop::realtime::hub {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;
using nlohmann::json;

// 2027-01-15 08:00:00 UTC.
const common::TimePoint kNow{1'800'000'000s};

class ChatTest : public ::testing::Test {
 protected:
  ChatRoom Room() const {
    return ChatRoom{
        "a1", parties_, "chat:a1", "chat:a1", {{"b1", "inbox:b1", "user:b1"}, {"c1", "inbox:c1", "user:c1"}}};
  }

  FakeMessageStore store_{1000, 50};
  common::FakeClock clock_{kNow};
  Parties parties_{"b1", "c1", kNow + 2h};
};

TEST_F(ChatTest, AMessageIsStoredPublishedAndDatedByTheClock) {
  const auto sent = SendChatMessage(store_, clock_, Room(), "c1", "See you at ten");
  ASSERT_TRUE(sent) << sent.error().message;
  const auto* id = &sent->id;
  const auto stored = store_.Entries("chat:a1");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, *id);
  const auto body = json::parse(stored[0].body);
  EXPECT_EQ(body["type"], "chat_message");
  EXPECT_EQ(body["sender"], "client");
  EXPECT_EQ(body["sender_id"], "c1");
  EXPECT_EQ(body["message"], "See you at ten");
  EXPECT_EQ(body["sent_at"], "2027-01-15T08:00:00.000Z");
  ASSERT_GE(store_.published.size(), 1u);
  EXPECT_EQ(store_.published[0].first, "chat:a1");
  EXPECT_EQ(LeadingId(store_.published[0].second), *id);
  // Kept until a day after the chat closes (a week after the appointment ends).
  EXPECT_EQ(store_.expires["chat:a1"], 2h + kChatOpenAfterEnd + 24h);
}

TEST_F(ChatTest, TheOtherPartyGetsAnUnreadNotificationAndTheSenderNone) {
  const auto sent = SendChatMessage(store_, clock_, Room(), "c1", "Running ten minutes late");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(sent->notified);
  EXPECT_TRUE(store_.Entries("inbox:c1").empty());
  const auto told = store_.Entries("inbox:b1");
  ASSERT_EQ(told.size(), 1u);
  const auto body = json::parse(told[0].body);
  EXPECT_EQ(body["type"], "notification");
  EXPECT_EQ(body["kind"], "chat_message");
  EXPECT_EQ(body["status"], "unread");
  EXPECT_EQ(body["appointment_id"], "a1");
  EXPECT_EQ(body["sender"], "client");
  EXPECT_EQ(body["chat_message_id"], sent->id);
  EXPECT_EQ(body["message"], "New message from your client: Running ten minutes late");
  // Published on the barber's own channel, and kept as long as the inbox keeps messages.
  ASSERT_EQ(store_.published.size(), 2u);
  EXPECT_EQ(store_.published[1].first, "user:b1");
  EXPECT_EQ(store_.expires["inbox:b1"], 0s);

  // An admin's message tells both parties; a long one is cut, as valid UTF-8.
  std::string long_text(119, 'a');
  long_text += "\xc3\xa7 and more";
  ASSERT_TRUE(SendChatMessage(store_, clock_, Room(), "admin-1", long_text));
  ASSERT_EQ(store_.Entries("inbox:c1").size(), 1u);
  const auto cut = json::parse(store_.Entries("inbox:c1")[0].body)["message"].get<std::string>();
  EXPECT_EQ(cut, "New message from the shop: " + std::string(119, 'a') + "\u2026");
  EXPECT_EQ(store_.Entries("inbox:b1").size(), 2u);
}

TEST_F(ChatTest, AMessageStoredWhoseNotificationFailsIsStillSent) {
  store_.fail_writes_after = 1;
  const auto sent = SendChatMessage(store_, clock_, Room(), "b1", "hello");
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_FALSE(sent->notified);
  EXPECT_EQ(store_.Entries("chat:a1").size(), 1u);
  EXPECT_TRUE(store_.Entries("inbox:c1").empty());
}

TEST_F(ChatTest, AnEmptyTooLongOrNonUtf8MessageIsRefusedAndNothingIsStored) {
  for (const std::string& text :
       {std::string(), std::string(kMaxChatTextBytes + 1, 'a'), std::string("\xff\xfe"), std::string("caf\xc3")}) {
    const auto sent = SendChatMessage(store_, clock_, Room(), "c1", text);
    ASSERT_FALSE(sent) << text.size();
    EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(ValidateChatText(text));
  }
  EXPECT_TRUE(store_.Entries("chat:a1").empty());
  EXPECT_TRUE(store_.Entries("inbox:b1").empty());
  EXPECT_TRUE(store_.published.empty());
  EXPECT_EQ(ValidateChatText("").error().message, "the chat message is empty");
  EXPECT_EQ(ValidateChatText(std::string(kMaxChatTextBytes + 1, 'a')).error().message,
            "the chat message is longer than 4096 bytes");

  EXPECT_TRUE(SendChatMessage(store_, clock_, Room(), "c1", std::string(kMaxChatTextBytes, 'a')));
  EXPECT_TRUE(SendChatMessage(store_, clock_, Room(), "b1",
                              "Ca va, \xc3\xa7"
                              "a marche"));
}

TEST_F(ChatTest, AStoreThatFailsGivesUnavailable) {
  store_.fail_writes = common::MakeError(ErrorCode::kInternal, "Redis: OOM");
  const auto id = SendChatMessage(store_, clock_, Room(), "c1", "hello");
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(id.error().message, "the message could not be stored; send it again");
}

TEST_F(ChatTest, ChatGoesToAnOpenChatOnly) {
  const auto inbox = CheckChatAllowed(StreamKind::kClientAppointments, parties_, kNow);
  ASSERT_FALSE(inbox);
  EXPECT_EQ(inbox.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(CheckChatAllowed(StreamKind::kChat, parties_, kNow));
  EXPECT_TRUE(CheckChatAllowed(StreamKind::kChat, parties_, parties_.ends_at + kChatOpenAfterEnd));
  const auto closed = CheckChatAllowed(StreamKind::kChat, parties_, parties_.ends_at + kChatOpenAfterEnd + 1s);
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(ChatTest, RetentionIsADayAfterTheChatClosesAndAtLeastADay) {
  EXPECT_EQ(ChatRetention(parties_, kNow), 2h + kChatOpenAfterEnd + 24h);
  EXPECT_EQ(ChatRetention(parties_, kNow + 2h + kChatOpenAfterEnd + 24h), 24h);
  EXPECT_EQ(ChatRetention(Parties{"b1", "c1", {}}, kNow), std::chrono::hours(30 * 24));
}

class MarkReadTest : public ::testing::Test {
 protected:
  Inbox MyInbox() const { return Inbox{"u1", "inbox:u1", "user:u1"}; }

  FakeMessageStore store_{1000, 50};
};

TEST_F(MarkReadTest, ANotificationIsMarkedReadAndTheUsersSocketsAreTold) {
  const auto id = store_.Add("inbox:u1", R"({"type":"notification","status":"unread"})", 1000);
  ASSERT_TRUE(MarkNotificationRead(store_, MyInbox(), id));
  EXPECT_EQ(store_.ReadBy("u1"), std::set<std::string>{id});
  ASSERT_EQ(store_.published.size(), 1u);
  EXPECT_EQ(store_.published[0].first, "user:u1");
  const auto told = json::parse(store_.published[0].second);
  EXPECT_EQ(told["type"], "notification_read");
  EXPECT_EQ(told["notification_id"], id);
  EXPECT_EQ(store_.Entries("inbox:u1").size(), 2u);  // stored too, for a replay
}

TEST_F(MarkReadTest, AnUnknownIdOrAMessageThatIsNoNotificationIsNotFoundAndChangesNothing) {
  const auto chat_like = store_.Add("inbox:u1", R"({"type":"notification_read","notification_id":"1-0"})", 1000);
  for (const std::string& id : {std::string("1-0"), std::string("99999999999999-0"), chat_like}) {
    const auto marked = MarkNotificationRead(store_, MyInbox(), id);
    ASSERT_FALSE(marked) << id;
    EXPECT_EQ(marked.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(marked.error().message, "no such notification");
  }
  EXPECT_TRUE(store_.ReadBy("u1").empty());
  EXPECT_TRUE(store_.published.empty());
  EXPECT_EQ(store_.Entries("inbox:u1").size(), 1u);
}

TEST_F(MarkReadTest, AStoreThatCannotBeReadGivesItsError) {
  store_.fail_reads = common::MakeError(ErrorCode::kUnavailable, "Redis is down");
  const auto marked = MarkNotificationRead(store_, MyInbox(), "1-0");
  ASSERT_FALSE(marked);
  EXPECT_EQ(marked.error().code, ErrorCode::kUnavailable);
}

TEST(MarkReadCheckTest, MarkReadGoesToAnAppointmentsStreamWithAMessageId) {
  EXPECT_TRUE(CheckMarkRead(StreamKind::kBarberAppointments, "17-0"));
  EXPECT_TRUE(CheckMarkRead(StreamKind::kClientAppointments, "17"));
  const auto on_chat = CheckMarkRead(StreamKind::kChat, "17-0");
  ASSERT_FALSE(on_chat);
  EXPECT_EQ(on_chat.error().code, ErrorCode::kInvalidArgument);
  const auto not_an_id = CheckMarkRead(StreamKind::kClientAppointments, "seventeen");
  ASSERT_FALSE(not_an_id);
  EXPECT_EQ(not_an_id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(not_an_id.error().message, "notification_id is not a message id");
}

}  // namespace
}  // namespace barbershop::realtime::hub
