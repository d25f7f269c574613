#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/result.hpp"
#include "hub/login_sessions.hpp"
#include "hub/message_store.hpp"
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

using hub::Append;

/// One event's writes: its messages, and a notice published with them.
struct EventWrite {
  std::string dedup_key;
  std::vector<Append> messages;
  std::string notice_channel;  ///< empty: none
  std::string notice;
};

/// What the bus's events write: their messages, the login sessions they end, and notices.
class EventStore {
 public:
  virtual ~EventStore() = default;
  /// Each event's messages and notice, in order, in one atomic step.  Per event: its new
  /// ids, or nullopt when it was a duplicate.  On an error nothing was stored.
  virtual common::Result<std::vector<std::optional<std::vector<std::string>>>> StoreEvents(
      const std::vector<EventWrite>& events) = 0;
  /// Remembers that a login session ended and tells every copy; false when it was known.
  virtual common::Result<bool> EndSession(const std::string& session_id, const std::string& note,
                                          std::chrono::seconds remember_for) = 0;
  /// Publishes an ephemeral message (not stored) on a channel.
  virtual common::Status Publish(const std::string& channel, const std::string& message) = 0;
};

using hub::SessionRecord;
using hub::StoredMessage;
using hub::StreamState;

/// The service's state in Redis: capped streams (per-user inboxes, per-appointment chats),
/// event de-duplication, read notifications, sessions and presence, and the login
/// sessions the core ended.  Every call blocks on Redis; call from worker threads, never
/// from a socket's strand.  Thread-safe.
class RealtimeStore final : public hub::MessageStore,
                            public hub::SessionStore,
                            public hub::EndedSessionStore,
                            public EventStore {
 public:
  /// `clock` dates presence: a session counts as online until its refresh's ttl ends.
  RealtimeStore(RedisPool& pool, long long inbox_max_length, long long chat_max_length, const common::Clock& clock)
      : pool_(pool), inbox_max_(inbox_max_length), chat_max_(chat_max_length), clock_(clock) {}

  static std::string InboxKey(std::string_view user_id);
  static std::string ChatKey(std::string_view appointment_id);
  /// rt:ended-session:<session id>: the login session ended (kept a while, then gone).
  static std::string EndedSessionKey(std::string_view session_id);

  /// In one atomic step: unless `dedup_key` (may be empty) was seen before, adds each
  /// message to its stream (capped), publishes it with its id on its channel and
  /// remembers the key.  The new ids in order, or nullopt when it was a duplicate.
  /// A non-zero `expire` makes each stream written expire that long after this write.
  common::Result<std::optional<std::vector<std::string>>> AppendAndPublish(
      const std::string& dedup_key, const std::vector<Append>& messages, bool chat,
      std::chrono::seconds expire = std::chrono::seconds{0}) override;
  /// AppendAndPublish for events from the bus (inboxes, no expiry), in order, in one
  /// atomic step, each also publishing its notice (if any) after its messages, and for
  /// a duplicate too.  Per event: its new ids, or nullopt when it was a duplicate.
  common::Result<std::vector<std::optional<std::vector<std::string>>>> StoreEvents(
      const std::vector<EventWrite>& events) override;
  /// Up to `count` messages after `since` (exclusive), oldest first.
  common::Result<std::vector<StoredMessage>> ReadAfter(const std::string& stream, const std::string& since,
                                                       std::size_t count) override;
  /// Up to `count` messages before `before` (exclusive; empty: the newest), oldest first.
  common::Result<std::vector<StoredMessage>> ReadBefore(const std::string& stream, const std::string& before,
                                                        std::size_t count) override;
  /// One message by id, or nullopt.
  common::Result<std::optional<StoredMessage>> ReadOne(const std::string& stream, const std::string& id) override;
  common::Result<StreamState> State(const std::string& stream) override;

  common::Status MarkRead(const std::string& user_id, const std::string& notification_id) override;
  common::Result<std::set<std::string>> ReadNotifications(const std::string& user_id) override;

  /// Records (or refreshes) sessions and their users' presence until `ttl` from now.
  common::Status TouchSessions(const std::vector<SessionRecord>& sessions, std::chrono::seconds ttl) override;
  common::Status RemoveSession(const SessionRecord& session) override;
  /// Whether the user has a live session on any copy.
  common::Result<bool> IsOnline(const std::string& user_id) override;

  /// Publishes an ephemeral message (not stored) on a channel.
  common::Status Publish(const std::string& channel, const std::string& message) override;

  /// SET rt:ended-session:<id> NX EX, and only when set, PUBLISH the id on
  /// hub::kEndedSessionsChannel, in one script.
  common::Result<bool> EndSession(const std::string& session_id, const std::string& note,
                                  std::chrono::seconds remember_for) override;
  common::Result<bool> IsSessionEnded(const std::string& session_id) override;
  /// EXISTS for each, pipelined in batches.
  common::Result<std::vector<std::string>> EndedAmong(const std::vector<std::string>& session_ids) override;

  common::Status Ping();
  /// What Redis uses and may use (INFO memory).
  common::Result<RedisMemory> Memory();

 private:
  /// The ids in a script's answer.
  static std::vector<std::string> Ids(const RedisValue& reply);

  RedisPool& pool_;
  long long inbox_max_;
  long long chat_max_;
  const common::Clock& clock_;
};

}  // namespace barbershop::realtime::store
