#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/result.hpp"
#include "hub/message_store.hpp"
#include "hub/routes.hpp"

namespace barbershop::realtime::hub {

/// kInvalidArgument unless `text` is non-empty UTF-8 of at most kMaxChatTextBytes bytes.
common::Status ValidateChatText(std::string_view text);

/// How long a chat's messages are kept after a message at `now`: until a day after the
/// chat closes (kChatOpenAfterEnd), or a month when the appointment's end is unknown.
std::chrono::seconds ChatRetention(const Parties& parties, common::TimePoint now);

/// A user's own appointments stream, where notifications go and mark_read comes in.
struct Inbox {
  std::string user_id;
  std::string stream;   ///< the store's key of the user's inbox
  std::string channel;  ///< the user's pub/sub channel
};

/// One appointment's chat, as a socket on it sends to it.
struct ChatRoom {
  std::string appointment_id;
  Parties parties;
  std::string stream;   ///< the store's key of the chat's stream
  std::string channel;  ///< its pub/sub channel
  /// The parties' inboxes (barber's and client's), told of a message from someone else.
  std::vector<Inbox> inboxes;
};

/// A chat message stored: its id, and whether the other parties' inboxes got their
/// notification of it (a store that failed between the two writes leaves the message
/// sent and the notification missing).
struct ChatSent {
  std::string id;
  bool notified = true;
};

/// Whether a socket on a `kind` stream may send a chat message at `now`: kInvalidArgument
/// on an appointments stream, kFailedPrecondition once the chat has closed (ChatOpen).
common::Status CheckChatAllowed(StreamKind kind, const Parties& parties, common::TimePoint now);

/// Validates `text`, then stores the message from `sender_id` (dated by `clock`) and
/// publishes it to everyone on the chat, then adds an unread `notification` of kind
/// "chat_message" to the inbox of each party who did not send it, so that a party who is
/// not looking at the chat learns of it.  Its id, for the sender's chat_ack; an invalid
/// text stores nothing (kInvalidArgument), a store that fails before the message is
/// stored gives kUnavailable.  Blocks as the store does.
common::Result<ChatSent> SendChatMessage(MessageStore& store, const common::Clock& clock, const ChatRoom& room,
                                         const std::string& sender_id, const std::string& text);

/// Whether a mark_read may be asked on a `kind` stream: kInvalidArgument on a chat, or
/// when `notification_id` is no message id.
common::Status CheckMarkRead(StreamKind kind, const std::string& notification_id);

/// Records the notification as read for the inbox's user and tells the user's sockets
/// (a notification_read message).  kNotFound when the inbox holds no notification with
/// that id; the store's error when it fails.  Blocks as the store does.
common::Status MarkNotificationRead(MessageStore& store, const Inbox& inbox, const std::string& notification_id);

}  // namespace barbershop::realtime::hub
