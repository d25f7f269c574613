#include "hub/stream_id.hpp"

#include <gtest/gtest.h>

namespace barbershop::realtime::hub {
namespace {

TEST(StreamIdTest, ParsesAndOrdersLikeRedis) {
  const auto a = StreamId::Parse("1700000000000-0");
  const auto b = StreamId::Parse("1700000000000-10");
  const auto c = StreamId::Parse("1700000000001");
  ASSERT_TRUE(a && b && c);
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);  // numeric, not text order
  EXPECT_EQ(c->ToString(), "1700000000001-0");
  EXPECT_EQ(StreamId::Parse("9-2")->ToString(), "9-2");
}

TEST(StreamIdTest, RefusesMalformedIds) {
  for (const char* bad : {"", "-", "1-", "-1", "a-1", "1-b", "1-2-3", "1.5", " 1-0", "99999999999999999999999-0"}) {
    EXPECT_FALSE(StreamId::Parse(bad)) << bad;
  }
}

TEST(StreamIdTest, LeadingIdReadsOnlyAStoredMessagesFirstMember) {
  EXPECT_EQ(LeadingId(R"({"id":"5-1","type":"chat_message"})"), "5-1");
  EXPECT_EQ(LeadingId(R"({"type":"presence","id":"5-1"})"), "");
  EXPECT_EQ(LeadingId(R"({"id":"5-1)"), "");
  EXPECT_EQ(LeadingId(""), "");
}

TEST(StreamIdTest, WithLeadingIdPutsTheIdFirst) {
  EXPECT_EQ(WithLeadingId("7-0", R"({"type":"x","a":1})"), R"({"id":"7-0","type":"x","a":1})");
  EXPECT_EQ(WithLeadingId("7-0", "{}"), R"({"id":"7-0"})");
}

}  // namespace
}  // namespace barbershop::realtime::hub
