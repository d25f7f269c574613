#include "hub/chat.hpp"

#include <date/date.h>
#include <algorithm>
#include <nlohmann/json.hpp>

#include "barbershop/common/text.hpp"
#include "hub/protocol.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

using common::ErrorCode;
using common::MakeError;

common::Status ValidateChatText(std::string_view text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, "the chat message is empty");
  if (text.size() > kMaxChatTextBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the chat message is longer than " + std::to_string(kMaxChatTextBytes) + " bytes");
  }
  if (!common::IsValidUtf8(text)) return MakeError(ErrorCode::kInvalidArgument, "the chat message is not valid UTF-8");
  return common::Ok{};
}

std::chrono::seconds ChatRetention(const Parties& parties, common::TimePoint now) {
  if (parties.ends_at == common::TimePoint{}) return std::chrono::hours(30 * 24);
  return std::max<std::chrono::seconds>(std::chrono::hours(24),
                                        parties.ends_at + kChatOpenAfterEnd + std::chrono::hours(24) - now);
}

common::Status CheckChatAllowed(StreamKind kind, const Parties& parties, common::TimePoint now) {
  if (kind != StreamKind::kChat) {
    return MakeError(ErrorCode::kInvalidArgument, "chat messages go to /websocket/appointment/{id}/chat");
  }
  return ChatOpen(parties, now);
}

common::Result<ChatSent> SendChatMessage(MessageStore& store, const common::Clock& clock, const ChatRoom& room,
                                         const std::string& sender_id, const std::string& text) {
  if (auto valid = ValidateChatText(text); !valid) return valid.error();
  const auto sent_at = date::format("%FT%TZ", clock.NowMilliseconds());
  const auto body = ChatMessageBody(room.appointment_id, room.parties, sender_id, text, sent_at);
  auto ids =
      store.AppendAndPublish("", {{room.stream, room.channel, body}}, true, ChatRetention(room.parties, clock.Now()));
  if (!ids || !*ids || (*ids)->empty()) {
    return MakeError(ErrorCode::kUnavailable, "the message could not be stored; send it again");
  }
  ChatSent sent{(*ids)->front()};
  std::vector<Append> notifications;
  for (const auto& inbox : room.inboxes) {
    if (inbox.user_id == sender_id) continue;
    notifications.push_back(
        {inbox.stream, inbox.channel,
         ChatNotificationBody(room.appointment_id, room.parties, sender_id, text, sent_at, sent.id)});
  }
  if (!notifications.empty()) sent.notified = store.AppendAndPublish("", notifications, false).has_value();
  return sent;
}

common::Status CheckMarkRead(StreamKind kind, const std::string& notification_id) {
  if (kind == StreamKind::kChat || kind == StreamKind::kBarberAvailability) {
    return MakeError(ErrorCode::kInvalidArgument, "mark_read goes to your appointments stream");
  }
  if (!StreamId::Parse(notification_id)) {
    return MakeError(ErrorCode::kInvalidArgument, "notification_id is not a message id");
  }
  return common::Ok{};
}

common::Status MarkNotificationRead(MessageStore& store, const Inbox& inbox, const std::string& notification_id) {
  auto stored = store.ReadOne(inbox.stream, notification_id);
  if (!stored) return stored.error();
  if (!*stored || nlohmann::json::parse((*stored)->body, nullptr, false).value("type", "") != "notification") {
    return MakeError(ErrorCode::kNotFound, "no such notification");
  }
  if (auto marked = store.MarkRead(inbox.user_id, notification_id); !marked) return marked.error();
  auto published =
      store.AppendAndPublish("", {{inbox.stream, inbox.channel, NotificationReadBody(notification_id)}}, false);
  if (!published) return published.error();
  return common::Ok{};
}

}  // namespace barbershop::realtime::hub
