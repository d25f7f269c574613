#include "hub/protocol.hpp"

#include <nlohmann/json.hpp>

#include "barbershop/common/text.hpp"
#include "hub/chat.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

using common::ErrorCode;
using common::MakeError;
using common::ToJsonText;
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

common::Result<ClientMessage> ParseClientMessage(std::string_view frame) {
  if (!common::IsValidUtf8(frame)) return Invalid("the message is not valid UTF-8");
  const auto parsed = json::parse(frame, nullptr, false);
  if (parsed.is_discarded()) return Invalid("the message is not valid JSON");
  if (!parsed.is_object()) return Invalid("the message must be a JSON object");
  auto type = RequiredString(parsed, "type");
  if (!type) return type.error();
  if (*type == "chat_message") {
    auto text = RequiredString(parsed, "message");
    if (!text) return text.error();
    if (auto valid = ValidateChatText(*text); !valid) return valid.error();
    return ClientMessage{ChatRequest{std::move(*text)}};
  }
  if (*type == "mark_read") {
    auto id = RequiredString(parsed, "notification_id");
    if (!id) return id.error();
    if (id->empty() || id->size() > 64) return Invalid("notification_id is not a message id");
    return ClientMessage{MarkReadRequest{std::move(*id)}};
  }
  return Invalid("unknown message type '" + std::string(common::Utf8Prefix(*type, 64)) +
                 "' (expected chat_message or mark_read)");
}

std::string ErrorFrame(const common::Error& error) {
  // What went wrong inside (Redis's, the core's or a library's words) stays in the log:
  // the client gets a stable message for these codes.
  std::string message = error.code == ErrorCode::kInternal      ? "internal error"
                        : error.code == ErrorCode::kUnavailable ? "temporarily unavailable; try again shortly"
                                                                : error.message;
  return ToJsonText(json{{"type", "error"}, {"code", common::ErrorCodeName(error.code)}, {"message", message}});
}

namespace {

const char* SenderOf(const Parties& parties, const std::string& sender_id) {
  return sender_id == parties.barber_id ? "barber" : sender_id == parties.client_id ? "client" : "admin";
}

// The start of a chat message for a notification's line: at most kPreviewBytes, cut
// before a UTF-8 continuation byte so that the text stays valid.
std::string Preview(const std::string& text) {
  constexpr std::size_t kPreviewBytes = 120;
  if (text.size() <= kPreviewBytes) return text;
  std::size_t end = kPreviewBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end) + "\u2026";
}

}  // namespace

std::string ChatMessageBody(const std::string& appointment_id, const Parties& parties, const std::string& sender_id,
                            const std::string& text, const std::string& sent_at) {
  return ToJsonText(json{{"type", "chat_message"},
                         {"appointment_id", appointment_id},
                         {"barber_id", parties.barber_id},
                         {"client_id", parties.client_id},
                         {"sender", SenderOf(parties, sender_id)},
                         {"sender_id", sender_id},
                         {"message", text},
                         {"sent_at", sent_at}});
}

std::string ChatNotificationBody(const std::string& appointment_id, const Parties& parties,
                                 const std::string& sender_id, const std::string& text, const std::string& sent_at,
                                 const std::string& chat_message_id) {
  const std::string sender = SenderOf(parties, sender_id);
  const std::string from = sender == "barber" ? "your barber" : sender == "client" ? "your client" : "the shop";
  return ToJsonText(json{{"type", "notification"},
                         {"kind", "chat_message"},
                         {"status", "unread"},
                         {"appointment_id", appointment_id},
                         {"barber_id", parties.barber_id},
                         {"client_id", parties.client_id},
                         {"sender", sender},
                         {"sender_id", sender_id},
                         {"chat_message_id", chat_message_id},
                         {"occurred_at", sent_at},
                         {"message", "New message from " + from + ": " + Preview(text)}});
}

std::string ChatAck(std::string_view id) { return WithLeadingId(id, ToJsonText(json{{"type", "chat_ack"}})); }

std::string NotificationReadBody(const std::string& notification_id) {
  return ToJsonText(json{{"type", "notification_read"}, {"notification_id", notification_id}, {"status", "read"}});
}

std::string Welcome(std::string_view channel, std::string_view last_id) {
  return WithLeadingId(last_id, ToJsonText(json{{"type", "welcome"}, {"stream", channel}}));
}

std::string ResyncRequired(std::string_view since, std::string_view oldest_id) {
  return ToJsonText(json{{"type", "resync_required"},
                         {"since", since},
                         {"oldest_id", oldest_id},
                         {"message", "messages after 'since' are no longer kept; refetch from the core service"}});
}

std::string Presence(std::string_view user_id, bool online) {
  return ToJsonText(json{{"type", "presence"}, {"user_id", user_id}, {"online", online}});
}

}  // namespace barbershop::realtime::hub
