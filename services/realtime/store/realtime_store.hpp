#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "barbershop/common/result.hpp"
#include "store/redis_client.hpp"

namespace barbershop::realtime::store {

/// Redis's memory: in use, its limit (0: none) and what it does at the limit.  Inboxes
/// and chats must never be evicted: the policy should be "noeviction", under which a
/// write at the limit fails (and is retried) instead of dropping stored messages.
struct RedisMemory {
  std::int64_t used_bytes = 0;
  std::int64_t max_bytes = 0;
  std::string policy;
};

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

/// The service's state in Redis: capped streams (per-user inboxes, per-appointment chats),
/// event de-duplication, read notifications, sessions and presence.  Every call blocks on
/// Redis; call from worker threads, never from a socket's strand.  Thread-safe.
class RealtimeStore {
 public:
  RealtimeStore(RedisPool& pool, long long inbox_max_length, long long chat_max_length)
      : pool_(pool), inbox_max_(inbox_max_length), chat_max_(chat_max_length) {}

  static std::string InboxKey(std::string_view user_id);
  static std::string ChatKey(std::string_view appointment_id);

  /// In one atomic step: unless `dedup_key` (may be empty) was seen before, adds each
  /// message to its stream (capped), publishes it with its id on its channel and
  /// remembers the key.  The new ids in order, or nullopt when it was a duplicate.
  /// A non-zero `expire` makes each stream written expire that long after this write.
  common::Result<std::optional<std::vector<std::string>>> AppendAndPublish(
      const std::string& dedup_key, const std::vector<Append>& messages, bool chat,
      std::chrono::seconds expire = std::chrono::seconds{0});
  /// Up to `count` messages after `since` (exclusive), oldest first.
  common::Result<std::vector<StoredMessage>> ReadAfter(const std::string& stream, const std::string& since,
                                                       std::size_t count);
  /// Up to `count` messages before `before` (exclusive; empty: the newest), oldest first.
  common::Result<std::vector<StoredMessage>> ReadBefore(const std::string& stream, const std::string& before,
                                                        std::size_t count);
  /// One message by id, or nullopt.
  common::Result<std::optional<StoredMessage>> ReadOne(const std::string& stream, const std::string& id);
  common::Result<StreamState> State(const std::string& stream);

  common::Status MarkRead(const std::string& user_id, const std::string& notification_id);
  common::Result<std::set<std::string>> ReadNotifications(const std::string& user_id);

  /// Records (or refreshes) sessions and their users' presence until `ttl` from now.
  common::Status TouchSessions(const std::vector<SessionRecord>& sessions, std::chrono::seconds ttl);
  common::Status RemoveSession(const SessionRecord& session);
  /// Whether the user has a live session on any copy.
  common::Result<bool> IsOnline(const std::string& user_id);

  /// Publishes an ephemeral message (not stored) on a channel.
  common::Status Publish(const std::string& channel, const std::string& message);

  common::Status Ping();
  /// What Redis uses and may use (INFO memory).
  common::Result<RedisMemory> Memory();

 private:
  RedisPool& pool_;
  long long inbox_max_;
  long long chat_max_;
};

}  // namespace barbershop::realtime::store
