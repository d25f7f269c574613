#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "barbershop/common/result.hpp"
#include "hub/routes.hpp"

namespace barbershop::realtime::hub {

/// Longest chat text a client may send, in bytes of UTF-8.
inline constexpr std::size_t kMaxChatTextBytes = 4096;
/// Largest frame the server reads; a bigger one closes the socket with 1009.
inline constexpr std::size_t kMaxFrameBytes = std::size_t{64} * 1024;

/// {"type":"chat_message","message":"..."}
struct ChatRequest {
  std::string text;
};
/// {"type":"mark_read","notification_id":"..."}
struct MarkReadRequest {
  std::string notification_id;
};
using ClientMessage = std::variant<ChatRequest, MarkReadRequest>;

/// Parses and validates one frame from a client: UTF-8, a JSON object, a known type,
/// its fields present and within limits.  Every failure is kInvalidArgument with a
/// message that says what is wrong.
common::Result<ClientMessage> ParseClientMessage(std::string_view frame);

/// {"type":"error","code":"invalid_argument","message":"..."}: what the client did wrong.
std::string ErrorFrame(const common::Error& error);

/// The stored form (no id yet) of a chat message from `sender_id` on an appointment.
std::string ChatMessageBody(const std::string& appointment_id, const Parties& parties, const std::string& sender_id,
                            const std::string& text, const std::string& sent_at);
/// {"type":"chat_ack","id":...}: the sender's message is stored under `id`.
std::string ChatAck(std::string_view id);
/// The stored form of "this notification is now read" for every socket of its user.
/// The unread notification a chat message leaves in the inbox of a party who did not send
/// it: kind "chat_message", the chat message's id and the start of its text.
std::string ChatNotificationBody(const std::string& appointment_id, const Parties& parties,
                                 const std::string& sender_id, const std::string& text, const std::string& sent_at,
                                 const std::string& chat_message_id);

std::string NotificationReadBody(const std::string& notification_id);
/// First message on every socket: where the stream stands, so a client can resume.
std::string Welcome(std::string_view channel, std::string_view last_id);
/// Sent instead of a replay when `since` is older than what the stream keeps.
std::string ResyncRequired(std::string_view since, std::string_view oldest_id);
/// Whether a user is connected (to any copy).  Ephemeral: not stored, no id.
std::string Presence(std::string_view user_id, bool online);

}  // namespace barbershop::realtime::hub
