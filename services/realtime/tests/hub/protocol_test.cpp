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
  const std::string too_long =
      R"({"type":"chat_message","message":")" + std::string(kMaxChatTextBytes + 1, 'a') + "\"}";
  for (const std::string& frame :
       {std::string("not json"), std::string("[1,2]"), std::string("\"text\""), std::string("{}"),
        std::string(R"({"type":42})"), std::string(R"({"type":"subscribe"})"),
        std::string(R"({"type":"chat_message"})"), std::string(R"({"type":"chat_message","message":7})"),
        std::string(R"({"type":"chat_message","message":""})"), std::string(R"({"type":"mark_read"})"),
        std::string(R"({"type":"mark_read","notification_id":""})"), too_long,
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

TEST(ProtocolTest, ErrorFrameCarriesCodeAndMessage) {
  const auto frame = json::parse(ErrorFrame({ErrorCode::kInvalidArgument, "missing field 'message'"}));
  EXPECT_EQ(frame["type"], "error");
  EXPECT_EQ(frame["code"], "invalid_argument");
  EXPECT_EQ(frame["message"], "missing field 'message'");
}

TEST(ProtocolTest, InternalErrorTextNeverReachesTheClient) {
  const auto internal = json::parse(ErrorFrame({ErrorCode::kInternal, "Redis: WRONGTYPE Operation against a key"}));
  EXPECT_EQ(internal["code"], "internal");
  EXPECT_EQ(internal["message"], "internal error");
  const auto unavailable = json::parse(ErrorFrame({ErrorCode::kUnavailable, "Redis connection lost"}));
  EXPECT_EQ(unavailable["code"], "unavailable");
  EXPECT_EQ(unavailable["message"].get<std::string>().find("Redis"), std::string::npos);
}

TEST(ProtocolTest, AnUnknownTypeCutInsideACharacterGetsAValidErrorFrame) {
  // {"type":"aaa...aé"} with 63 letters: the echo of the type, cut at 64 bytes, used to
  // split the é, and building the reply threw on the io thread.
  const std::string frame = "{\"type\":\"" + std::string(63, 'a') + "\xc3\xa9\"}";
  const auto parsed = ParseClientMessage(frame);
  ASSERT_FALSE(parsed);
  std::string reply;
  ASSERT_NO_THROW(reply = ErrorFrame(parsed.error()));
  const auto error = json::parse(reply);
  EXPECT_EQ(error["code"], "invalid_argument");
  EXPECT_NE(error["message"].get<std::string>().find(std::string(63, 'a')), std::string::npos);
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
