#include "hub/protocol.hpp"

#include <nlohmann/json.hpp>

#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

using common::ErrorCode;
using common::MakeError;
using nlohmann::json;

namespace {

common::Error Invalid(std::string message) { return MakeError(ErrorCode::kInvalidArgument, std::move(message)); }

common::Result<std::string> RequiredString(const json& object, const char* field) {
  const auto it = object.find(field);
  if (it == object.end()) return Invalid(std::string("missing field '") + field + "'");
  if (!it->is_string()) return Invalid(std::string("field '") + field + "' must be a string");
  return it->get<std::string>();
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  const auto n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    std::uint32_t code = 0;
    std::uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= n) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

common::Result<ClientMessage> ParseClientMessage(std::string_view frame) {
  if (!IsValidUtf8(frame)) return Invalid("the message is not valid UTF-8");
  const auto parsed = json::parse(frame, nullptr, false);
  if (parsed.is_discarded()) return Invalid("the message is not valid JSON");
  if (!parsed.is_object()) return Invalid("the message must be a JSON object");
  auto type = RequiredString(parsed, "type");
  if (!type) return type.error();
  if (*type == "chat_message") {
    auto text = RequiredString(parsed, "message");
    if (!text) return text.error();
    if (text->empty()) return Invalid("the chat message is empty");
    if (text->size() > kMaxChatTextBytes) {
      return Invalid("the chat message is longer than " + std::to_string(kMaxChatTextBytes) + " bytes");
    }
    return ClientMessage{ChatRequest{std::move(*text)}};
  }
  if (*type == "mark_read") {
    auto id = RequiredString(parsed, "notification_id");
    if (!id) return id.error();
    if (id->empty() || id->size() > 64) return Invalid("notification_id is not a message id");
    return ClientMessage{MarkReadRequest{std::move(*id)}};
  }
  return Invalid("unknown message type '" + type->substr(0, 64) + "' (expected chat_message or mark_read)");
}

std::string ErrorFrame(const common::Error& error) {
  return json{{"type", "error"}, {"code", common::ErrorCodeName(error.code)}, {"message", error.message}}.dump();
}

std::string ChatMessageBody(const std::string& appointment_id, const Parties& parties, const std::string& sender_id,
                            const std::string& text, const std::string& sent_at) {
  const char* sender = sender_id == parties.barber_id   ? "barber"
                       : sender_id == parties.client_id ? "client"
                                                        : "admin";
  return json{{"type", "chat_message"},  {"appointment_id", appointment_id}, {"barber_id", parties.barber_id},
              {"client_id", parties.client_id}, {"sender", sender},            {"sender_id", sender_id},
              {"message", text},         {"sent_at", sent_at}}
      .dump();
}

std::string ChatAck(std::string_view id) { return WithLeadingId(id, json{{"type", "chat_ack"}}.dump()); }

std::string NotificationReadBody(const std::string& notification_id) {
  return json{{"type", "notification_read"}, {"notification_id", notification_id}, {"status", "read"}}.dump();
}

std::string Welcome(std::string_view channel, std::string_view last_id) {
  return WithLeadingId(last_id, json{{"type", "welcome"}, {"stream", channel}}.dump());
}

std::string ResyncRequired(std::string_view since, std::string_view oldest_id) {
  return json{{"type", "resync_required"},
              {"since", since},
              {"oldest_id", oldest_id},
              {"message", "messages after 'since' are no longer kept; refetch from the core service"}}
      .dump();
}

std::string Presence(std::string_view user_id, bool online) {
  return json{{"type", "presence"}, {"user_id", user_id}, {"online", online}}.dump();
}

}  // namespace barbershop::realtime::hub
