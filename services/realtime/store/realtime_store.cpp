#include "store/realtime_store.hpp"

#include <algorithm>
#include <cstdlib>

namespace barbershop::realtime::store {

using common::ErrorCode;
using common::MakeError;

namespace {

// ARGV: dedup key ('' for none), its lifetime in seconds, the cap, the streams' lifetime
// in seconds (0: none), then (stream, channel, body) triples.  Published copies carry
// the id first, like every message the server sends.
constexpr const char* kAppendAndPublishScript = R"lua(
if ARGV[1] ~= '' then
  if not redis.call('SET', ARGV[1], '1', 'NX', 'EX', ARGV[2]) then return false end
end
local ids = {}
for i = 5, #ARGV, 3 do
  local id = redis.call('XADD', ARGV[i], 'MAXLEN', '~', ARGV[3], '*', 'm', ARGV[i + 2])
  if ARGV[4] ~= '0' then redis.call('EXPIRE', ARGV[i], ARGV[4]) end
  redis.call('PUBLISH', ARGV[i + 1], '{"id":"' .. id .. '",' .. string.sub(ARGV[i + 2], 2))
  ids[#ids + 1] = id
end
return ids
)lua";

// Several events from the bus, in order, in one step.  ARGV: the dedup keys' lifetime in
// seconds, the inboxes' cap, then per event its dedup key, its notice's channel ('' for
// none) and text, its number of messages n, and n (stream, channel, body) triples.  Per
// event: the new ids, or 0 when its key was seen before.  The notice goes out after the
// messages, and for a duplicate too.  Redis refuses a script that writes before it
// starts when memory is full, so the events are stored all or none.
constexpr const char* kStoreEventsScript = R"lua(
local out = {}
local i = 3
while i <= #ARGV do
  local key, notice_channel, notice, n = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  if redis.call('SET', key, '1', 'NX', 'EX', ARGV[1]) then
    local ids = {}
    for _ = 1, n do
      local id = redis.call('XADD', ARGV[i], 'MAXLEN', '~', ARGV[2], '*', 'm', ARGV[i + 2])
      redis.call('PUBLISH', ARGV[i + 1], '{"id":"' .. id .. '",' .. string.sub(ARGV[i + 2], 2))
      ids[#ids + 1] = id
      i = i + 3
    end
    out[#out + 1] = ids
  else
    i = i + 3 * n
    out[#out + 1] = 0
  end
  if notice_channel ~= '' then redis.call('PUBLISH', notice_channel, notice) end
end
return out
)lua";

// ARGV: the ended session's key, what to store in it, its lifetime in seconds, the
// channel and the session id to publish on it.
constexpr const char* kEndSessionScript = R"lua(
if not redis.call('SET', ARGV[1], ARGV[2], 'NX', 'EX', ARGV[3]) then return 0 end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
)lua";

// Ended sessions asked about in one pipeline (after pub/sub came back): small enough not
// to hold up Redis's other clients for long.
constexpr std::size_t kEndedSessionBatch = 500;

constexpr long long kDedupSeconds = 7LL * 24 * 3600;
constexpr long long kReadSetSeconds = 30LL * 24 * 3600;

std::int64_t Milliseconds(const common::Clock& clock) { return clock.NowMilliseconds().time_since_epoch().count(); }

std::string PresenceKey(std::string_view user_id) { return "rt:presence:" + std::string(user_id); }
std::string SessionKey(std::string_view session_id) { return "rt:session:" + std::string(session_id); }
std::string ReadKey(std::string_view user_id) { return "rt:read:" + std::string(user_id); }

std::vector<StoredMessage> ToMessages(const RedisValue& value) {
  std::vector<StoredMessage> messages;
  for (const auto& entry : value.elements) {
    if (entry.elements.size() != 2) continue;
    const auto& fields = entry.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].text == "m") messages.push_back({entry.elements[0].text, fields[i + 1].text});
    }
  }
  return messages;
}

common::Status FirstError(const common::Result<std::vector<RedisValue>>& replies) {
  if (!replies) return replies.error();
  for (const auto& reply : *replies) {
    if (reply.type == RedisValue::Type::kError) return MakeError(ErrorCode::kInternal, "Redis: " + reply.text);
  }
  return common::Ok{};
}

}  // namespace

std::string RealtimeStore::InboxKey(std::string_view user_id) { return "rt:inbox:" + std::string(user_id); }
std::string RealtimeStore::ChatKey(std::string_view appointment_id) { return "rt:chat:" + std::string(appointment_id); }
std::string RealtimeStore::EndedSessionKey(std::string_view session_id) {
  return "rt:ended-session:" + std::string(session_id);
}

common::Result<std::optional<std::vector<std::string>>> RealtimeStore::AppendAndPublish(
    const std::string& dedup_key, const std::vector<Append>& messages, bool chat, std::chrono::seconds expire) {
  std::vector<std::string> args{"EVAL",
                                kAppendAndPublishScript,
                                "0",
                                dedup_key,
                                std::to_string(kDedupSeconds),
                                std::to_string(chat ? chat_max_ : inbox_max_),
                                std::to_string(expire.count())};
  for (const auto& message : messages) {
    args.push_back(message.stream);
    args.push_back(message.channel);
    args.push_back(message.body);
  }
  auto reply = pool_.Command(args);
  if (!reply) return reply.error();
  if (reply->type == RedisValue::Type::kNil) return std::optional<std::vector<std::string>>{};
  return std::optional<std::vector<std::string>>{Ids(*reply)};
}

common::Result<std::vector<std::optional<std::vector<std::string>>>> RealtimeStore::StoreEvents(
    const std::vector<EventWrite>& events) {
  std::vector<std::string> args{"EVAL", kStoreEventsScript, "0", std::to_string(kDedupSeconds),
                                std::to_string(inbox_max_)};
  for (const auto& event : events) {
    args.insert(args.end(),
                {event.dedup_key, event.notice_channel, event.notice, std::to_string(event.messages.size())});
    for (const auto& message : event.messages) args.insert(args.end(), {message.stream, message.channel, message.body});
  }
  auto reply = pool_.Command(args);
  if (!reply) return reply.error();
  if (reply->elements.size() != events.size()) {
    return MakeError(ErrorCode::kInternal, "Redis answered for " + std::to_string(reply->elements.size()) + " of " +
                                               std::to_string(events.size()) + " events");
  }
  std::vector<std::optional<std::vector<std::string>>> out;
  for (const auto& stored : reply->elements) {
    if (stored.type == RedisValue::Type::kInteger) {
      out.emplace_back();  // seen before
    } else {
      out.emplace_back(Ids(stored));
    }
  }
  return out;
}

std::vector<std::string> RealtimeStore::Ids(const RedisValue& reply) {
  std::vector<std::string> ids;
  for (const auto& element : reply.elements) ids.push_back(element.text);
  return ids;
}

common::Result<std::vector<StoredMessage>> RealtimeStore::ReadAfter(const std::string& stream, const std::string& since,
                                                                    std::size_t count) {
  auto reply = pool_.Command({"XRANGE", stream, "(" + since, "+", "COUNT", std::to_string(count)});
  if (!reply) return reply.error();
  return ToMessages(*reply);
}

common::Result<std::vector<StoredMessage>> RealtimeStore::ReadBefore(const std::string& stream,
                                                                     const std::string& before, std::size_t count) {
  auto reply =
      pool_.Command({"XREVRANGE", stream, before.empty() ? "+" : "(" + before, "-", "COUNT", std::to_string(count)});
  if (!reply) return reply.error();
  auto messages = ToMessages(*reply);
  std::reverse(messages.begin(), messages.end());
  return messages;
}

common::Result<std::optional<StoredMessage>> RealtimeStore::ReadOne(const std::string& stream, const std::string& id) {
  auto reply = pool_.Command({"XRANGE", stream, id, id});
  if (!reply) return reply.error();
  auto messages = ToMessages(*reply);
  if (messages.empty()) return std::optional<StoredMessage>{};
  return std::optional<StoredMessage>{std::move(messages.front())};
}

common::Result<StreamState> RealtimeStore::State(const std::string& stream) {
  auto replies = pool_.Pipeline({{"EXISTS", stream}, {"XINFO", "STREAM", stream}});
  if (!replies) return replies.error();
  StreamState state{"", "0-0", 0, 0};
  if ((*replies)[0].integer == 0) return state;
  const auto& info = (*replies)[1];
  if (info.type == RedisValue::Type::kError) return MakeError(ErrorCode::kInternal, "Redis: " + info.text);
  for (std::size_t i = 0; i + 1 < info.elements.size(); i += 2) {
    const auto& name = info.elements[i].text;
    const auto& value = info.elements[i + 1];
    if (name == "length") state.length = value.integer;
    if (name == "entries-added") state.entries_added = value.integer;
    if (name == "last-generated-id") state.last_id = value.text;
    if (name == "first-entry" && value.elements.size() == 2) state.first_id = value.elements[0].text;
  }
  return state;
}

common::Status RealtimeStore::MarkRead(const std::string& user_id, const std::string& notification_id) {
  return FirstError(pool_.Pipeline(
      {{"SADD", ReadKey(user_id), notification_id}, {"EXPIRE", ReadKey(user_id), std::to_string(kReadSetSeconds)}}));
}

common::Result<std::set<std::string>> RealtimeStore::ReadNotifications(const std::string& user_id) {
  auto reply = pool_.Command({"SMEMBERS", ReadKey(user_id)});
  if (!reply) return reply.error();
  std::set<std::string> ids;
  for (const auto& element : reply->elements) ids.insert(element.text);
  return ids;
}

common::Status RealtimeStore::TouchSessions(const std::vector<SessionRecord>& sessions, std::chrono::seconds ttl) {
  if (sessions.empty()) return common::Ok{};
  const auto expires = std::to_string(Milliseconds(clock_) + std::chrono::milliseconds(ttl).count());
  const auto seconds = std::to_string(ttl.count());
  std::vector<std::vector<std::string>> commands;
  commands.reserve(sessions.size() * 4);
  for (const auto& s : sessions) {
    commands.push_back({"ZADD", PresenceKey(s.user_id), expires, s.session_id});
    commands.push_back({"EXPIRE", PresenceKey(s.user_id), seconds});
    commands.push_back({"HSET", SessionKey(s.session_id), "user_id", s.user_id, "role", s.role, "stream", s.stream,
                        "connected_at", s.connected_at});
    commands.push_back({"EXPIRE", SessionKey(s.session_id), seconds});
  }
  return FirstError(pool_.Pipeline(commands));
}

common::Status RealtimeStore::RemoveSession(const SessionRecord& session) {
  return FirstError(pool_.Pipeline(
      {{"ZREM", PresenceKey(session.user_id), session.session_id}, {"DEL", SessionKey(session.session_id)}}));
}

common::Result<bool> RealtimeStore::IsOnline(const std::string& user_id) {
  auto replies =
      pool_.Pipeline({{"ZREMRANGEBYSCORE", PresenceKey(user_id), "-inf", std::to_string(Milliseconds(clock_))},
                      {"ZCARD", PresenceKey(user_id)}});
  if (!replies) return replies.error();
  return (*replies)[1].integer > 0;
}

common::Status RealtimeStore::Publish(const std::string& channel, const std::string& message) {
  auto reply = pool_.Command({"PUBLISH", channel, message});
  if (!reply) return reply.error();
  return common::Ok{};
}

common::Result<bool> RealtimeStore::EndSession(const std::string& session_id, const std::string& note,
                                               std::chrono::seconds remember_for) {
  auto reply = pool_.Command({"EVAL", kEndSessionScript, "0", EndedSessionKey(session_id), note,
                              std::to_string(remember_for.count()), hub::kEndedSessionsChannel, session_id});
  if (!reply) return reply.error();
  return reply->integer == 1;
}

common::Result<bool> RealtimeStore::IsSessionEnded(const std::string& session_id) {
  auto reply = pool_.Command({"EXISTS", EndedSessionKey(session_id)});
  if (!reply) return reply.error();
  return reply->integer > 0;
}

common::Result<std::vector<std::string>> RealtimeStore::EndedAmong(const std::vector<std::string>& session_ids) {
  std::vector<std::string> ended;
  for (std::size_t from = 0; from < session_ids.size(); from += kEndedSessionBatch) {
    const auto to = std::min(session_ids.size(), from + kEndedSessionBatch);
    std::vector<std::vector<std::string>> commands;
    commands.reserve(to - from);
    for (auto i = from; i < to; ++i) commands.push_back({"EXISTS", EndedSessionKey(session_ids[i])});
    auto replies = pool_.Pipeline(commands);
    if (auto failed = FirstError(replies); !failed) return failed.error();
    for (auto i = from; i < to; ++i) {
      if ((*replies)[i - from].integer > 0) ended.push_back(session_ids[i]);
    }
  }
  return ended;
}

common::Status RealtimeStore::Ping() {
  auto reply = pool_.Command({"PING"});
  if (!reply) return reply.error();
  return common::Ok{};
}

common::Result<RedisMemory> RealtimeStore::Memory() {
  auto reply = pool_.Command({"INFO", "memory"});
  if (!reply) return reply.error();
  RedisMemory memory;
  const auto field = [&](std::string_view name) -> std::optional<std::int64_t> {
    const auto at = reply->text.find(std::string(name) + ":");
    if (at == std::string::npos) return std::nullopt;
    return std::strtoll(reply->text.c_str() + at + name.size() + 1, nullptr, 10);
  };
  const auto used = field("used_memory");
  const auto limit = field("maxmemory");
  const auto policy_at = reply->text.find("maxmemory_policy:");
  if (!used || !limit || policy_at == std::string::npos) {
    return MakeError(ErrorCode::kInternal, "Redis INFO memory lacks used_memory, maxmemory or maxmemory_policy");
  }
  memory.used_bytes = *used;
  memory.max_bytes = *limit;
  const auto policy_start = policy_at + std::string_view("maxmemory_policy:").size();
  memory.policy = reply->text.substr(policy_start, reply->text.find_first_of("\r\n", policy_start) - policy_start);
  return memory;
}

}  // namespace barbershop::realtime::store
