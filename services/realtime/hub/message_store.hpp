#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::realtime::hub {

/// A stored message: its stream entry id and its JSON object without the id.
struct StoredMessage {
  std::string id;
  std::string body;
};

/// One message to store in a stream and publish on a channel.
struct Append {
  std::string stream;
  std::string channel;
  std::string body;  ///< JSON object without an id; the published copy gets the id first
};

/// Where a stream stands.
struct StreamState {
  std::string first_id;  ///< empty when the stream is empty or missing
  std::string last_id;   ///< "0-0" when nothing was ever added
  long long length = 0;
  long long entries_added = 0;
};

/// A connected socket, as other copies can see it.
struct SessionRecord {
  std::string session_id;  ///< unique across copies: "<instance>/<n>"
  std::string user_id;
  std::string role;
  std::string stream;  ///< the channel the socket listens on
  std::string connected_at;
};

/// Capped message streams (per-user inboxes, per-appointment chats) with ids ordered as
/// StreamId orders them, the notifications each user has read, presence, and the pub/sub
/// channels that carry new messages.  Calls may block; implementations are thread-safe.
class MessageStore {
 public:
  virtual ~MessageStore() = default;

  /// In one atomic step: unless `dedup_key` (may be empty) was seen before, adds each
  /// message to its stream (capped), publishes it with its id on its channel and
  /// remembers the key.  The new ids in order, or nullopt when it was a duplicate.
  /// A non-zero `expire` makes each stream written expire that long after this write.
  virtual common::Result<std::optional<std::vector<std::string>>> AppendAndPublish(
      const std::string& dedup_key, const std::vector<Append>& messages, bool chat,
      std::chrono::seconds expire = std::chrono::seconds{0}) = 0;
  /// Up to `count` messages after `since` (exclusive), oldest first.
  virtual common::Result<std::vector<StoredMessage>> ReadAfter(const std::string& stream, const std::string& since,
                                                               std::size_t count) = 0;
  /// Up to `count` messages before `before` (exclusive; empty: the newest), oldest first.
  virtual common::Result<std::vector<StoredMessage>> ReadBefore(const std::string& stream, const std::string& before,
                                                                std::size_t count) = 0;
  /// One message by id, or nullopt.
  virtual common::Result<std::optional<StoredMessage>> ReadOne(const std::string& stream, const std::string& id) = 0;
  virtual common::Result<StreamState> State(const std::string& stream) = 0;

  virtual common::Status MarkRead(const std::string& user_id, const std::string& notification_id) = 0;
  virtual common::Result<std::set<std::string>> ReadNotifications(const std::string& user_id) = 0;

  /// Whether the user has a live session on any copy.
  virtual common::Result<bool> IsOnline(const std::string& user_id) = 0;
  /// Publishes an ephemeral message (not stored) on a channel.
  virtual common::Status Publish(const std::string& channel, const std::string& message) = 0;
};

/// The sockets this copy holds, as every copy sees them (presence is derived from them).
/// Calls may block; implementations are thread-safe.
class SessionStore {
 public:
  virtual ~SessionStore() = default;
  /// Records (or refreshes) sessions and their users' presence until `ttl` from now.
  virtual common::Status TouchSessions(const std::vector<SessionRecord>& sessions, std::chrono::seconds ttl) = 0;
  virtual common::Status RemoveSession(const SessionRecord& session) = 0;
};

}  // namespace barbershop::realtime::hub
