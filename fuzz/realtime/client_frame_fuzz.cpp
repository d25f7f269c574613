// A WebSocket frame from a client, handled as the session handles it (net/ws_server.cpp,
// Session::OnRead): parsed, then answered with an error frame, stored as a chat message,
// or checked as a notification id.  Every reply must be JSON a client can read.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "check.hpp"
#include "hub/protocol.hpp"
#include "hub/stream_id.hpp"

namespace {

using barbershop::fuzz::NoThrow;
using barbershop::fuzz::Require;
using barbershop::fuzz::RequireJsonObject;
namespace hub = barbershop::realtime::hub;

void Answer(std::string_view frame) {
  auto message = hub::ParseClientMessage(frame);
  if (!message) {
    Require(message.error().code == barbershop::common::ErrorCode::kInvalidArgument, "a bad frame is invalid_argument");
    const auto reply = RequireJsonObject(hub::ErrorFrame(message.error()), "the error frame is a JSON object");
    Require(reply.value("type", "") == "error", "the error frame says it is one");
    return;
  }
  if (const auto* chat = std::get_if<hub::ChatRequest>(&*message)) {
    Require(!chat->text.empty() && chat->text.size() <= hub::kMaxChatTextBytes, "chat text within its limits");
    const hub::Parties parties{"b-1", "c-1"};
    const auto body = RequireJsonObject(hub::ChatMessageBody("a-1", parties, "c-1", chat->text, "2026-12-01T15:00:00Z"),
                                        "the stored chat message is a JSON object");
    Require(body.value("message", "") == chat->text, "the stored chat message carries the text unchanged");
    return;
  }
  const auto& id = std::get<hub::MarkReadRequest>(*message).notification_id;
  const auto parsed = hub::StreamId::Parse(id);
  if (!parsed) {
    RequireJsonObject(
        hub::ErrorFrame({barbershop::common::ErrorCode::kInvalidArgument, "notification_id is not a message id"}),
        "the error frame is a JSON object");
    return;
  }
  Require(hub::StreamId::Parse(parsed->ToString()) == parsed, "a message id reads back as itself");
  RequireJsonObject(hub::NotificationReadBody(id), "the read notice is a JSON object");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  NoThrow("answering a client frame", [&] { Answer(frame); });
  return 0;
}
