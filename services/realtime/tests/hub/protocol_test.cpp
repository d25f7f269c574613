#include "hub/protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace barbershop::realtime::hub {
namespace {

using common::ErrorCode;
using nlohmann::json;

TEST(ProtocolTest, ParsesChatAndMarkRead) {
  auto chat = ParseClientMessage(R"({"type":"chat_message","message":"Can you come in 10 minutes earlier?"})");
  ASSERT_TRUE(chat);
  EXPECT_EQ(std::get<ChatRequest>(*chat).text, "Can you come in 10 minutes earlier?");
  auto read = ParseClientMessage(R"({"type":"mark_read","notification_id":"17-0"})");
  ASSERT_TRUE(read);
  EXPECT_EQ(std::get<MarkReadRequest>(*read).notification_id, "17-0");
}

TEST(ProtocolTest, RefusesMalformedInput) {
  const std::string too_long = R"({"type":"chat_message","message":")" + std::string(kMaxChatTextBytes + 1, 'a') + "\"}";
  for (const std::string& frame :
       {std::string("not json"), std::string("[1,2]"), std::string("\"text\""), std::string("{}"),
        std::string(R"({"type":42})"), std::string(R"({"type":"subscribe"})"), std::string(R"({"type":"chat_message"})"),
        std::string(R"({"type":"chat_message","message":7})"), std::string(R"({"type":"chat_message","message":""})"),
        std::string(R"({"type":"mark_read"})"), std::string(R"({"type":"mark_read","notification_id":""})"), too_long,
        std::string("{\"type\":\"chat_message\",\"message\":\"\xff\xfe\"}"),
        std::string(R"({"type":"chat_message","message":"\udc00"})")}) {
    auto parsed = ParseClientMessage(frame);
    ASSERT_FALSE(parsed) << frame.substr(0, 80);
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(parsed.error().message.empty());
  }
  const std::string exactly = R"({"type":"chat_message","message":")" + std::string(kMaxChatTextBytes, 'a') + "\"}";
  EXPECT_TRUE(ParseClientMessage(exactly));
}

TEST(ProtocolTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Bună ziua, frizerul 💈"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));
}

TEST(ProtocolTest, ErrorFrameCarriesCodeAndMessage) {
  const auto frame = json::parse(ErrorFrame({ErrorCode::kInvalidArgument, "missing field 'message'"}));
  EXPECT_EQ(frame["type"], "error");
  EXPECT_EQ(frame["code"], "invalid_argument");
  EXPECT_EQ(frame["message"], "missing field 'message'");
}

TEST(ProtocolTest, ChatMessageNamesTheSendersSide) {
  const Parties parties{"b-1", "c-1"};
  auto from_barber = json::parse(ChatMessageBody("a-1", parties, "b-1", "hi", "2026-01-01T10:00:00Z"));
  EXPECT_EQ(from_barber["type"], "chat_message");
  EXPECT_EQ(from_barber["appointment_id"], "a-1");
  EXPECT_EQ(from_barber["barber_id"], "b-1");
  EXPECT_EQ(from_barber["client_id"], "c-1");
  EXPECT_EQ(from_barber["sender"], "barber");
  EXPECT_EQ(from_barber["message"], "hi");
  EXPECT_EQ(json::parse(ChatMessageBody("a-1", parties, "c-1", "x", ""))["sender"], "client");
  EXPECT_EQ(json::parse(ChatMessageBody("a-1", parties, "adm", "x", ""))["sender"], "admin");
}

TEST(ProtocolTest, ServerMessagesWithIdsStartWithIt) {
  EXPECT_EQ(ChatAck("5-0").rfind(R"({"id":"5-0",)", 0), 0u);
  EXPECT_EQ(Welcome("user:x", "0-0").rfind(R"({"id":"0-0",)", 0), 0u);
}

}  // namespace
}  // namespace barbershop::realtime::hub
