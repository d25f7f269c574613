#pragma once

// An in-memory MessageStore for unit tests: streams with ids in Redis's order, capped as
// configured (exactly, where Redis's "MAXLEN ~" trims at least that far), a dedup set,
// read sets, presence, and a log of what was published.  Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hub/message_store.hpp"
#include "hub/stream_id.hpp"

namespace barbershop::realtime::hub {

class FakeMessageStore final : public MessageStore {
 public:
  FakeMessageStore(long long inbox_max_length, long long chat_max_length)
      : inbox_max_(inbox_max_length), chat_max_(chat_max_length) {}

  common::Result<std::optional<std::vector<std::string>>> AppendAndPublish(const std::string& dedup_key,
                                                                           const std::vector<Append>& messages,
                                                                           bool chat,
                                                                           std::chrono::seconds expire) override {
    if (fail_writes) return *fail_writes;
    if (fail_writes_after) {
      if (*fail_writes_after == 0) return common::MakeError(common::ErrorCode::kUnavailable, "Redis went away");
      --*fail_writes_after;
    }
    if (!dedup_key.empty() && !seen_.insert(dedup_key).second) return std::optional<std::vector<std::string>>{};
    std::vector<std::string> ids;
    for (const auto& message : messages) {
      const auto id = Add(message.stream, message.body, chat ? chat_max_ : inbox_max_);
      expires[message.stream] = expire;
      published.emplace_back(message.channel, WithLeadingId(id, message.body));
      ids.push_back(id);
    }
    return std::optional<std::vector<std::string>>{std::move(ids)};
  }

  common::Result<std::vector<StoredMessage>> ReadAfter(const std::string& stream, const std::string& since,
                                                       std::size_t count) override {
    ++reads;
    if (fail_reads) return *fail_reads;
    const auto after = StreamId::Parse(since).value_or(StreamId{});
    std::vector<StoredMessage> out;
    for (const auto& message : Entries(stream)) {
      if (out.size() == count) break;
      if (*StreamId::Parse(message.id) > after) out.push_back(message);
    }
    return out;
  }

  common::Result<std::vector<StoredMessage>> ReadBefore(const std::string& stream, const std::string& before,
                                                        std::size_t count) override {
    ++reads;
    if (fail_reads) return *fail_reads;
    if (before_history) std::exchange(before_history, nullptr)();
    const auto limit = StreamId::Parse(before);
    std::vector<StoredMessage> older;
    for (const auto& message : Entries(stream)) {
      if (!limit || *StreamId::Parse(message.id) < *limit) older.push_back(message);
    }
    if (older.size() > count) older.erase(older.begin(), older.end() - static_cast<std::ptrdiff_t>(count));
    return older;
  }

  common::Result<std::optional<StoredMessage>> ReadOne(const std::string& stream, const std::string& id) override {
    ++reads;
    if (fail_reads) return *fail_reads;
    for (const auto& message : Entries(stream)) {
      if (message.id == id) return std::optional<StoredMessage>{message};
    }
    return std::optional<StoredMessage>{};
  }

  common::Result<StreamState> State(const std::string& stream) override {
    ++reads;
    if (fail_reads) return *fail_reads;
    const auto it = streams_.find(stream);
    if (it == streams_.end()) return StreamState{"", "0-0", 0, 0};
    const auto& s = it->second;
    return StreamState{s.entries.empty() ? "" : s.entries.front().id, s.last.ToString(),
                       static_cast<long long>(s.entries.size()), s.added};
  }

  common::Status MarkRead(const std::string& user_id, const std::string& notification_id) override {
    if (fail_writes) return *fail_writes;
    read_[user_id].insert(notification_id);
    return common::Ok{};
  }

  common::Result<std::set<std::string>> ReadNotifications(const std::string& user_id) override {
    if (fail_reads) return *fail_reads;
    return read_[user_id];
  }

  common::Result<bool> IsOnline(const std::string& user_id) override { return online.count(user_id) > 0; }

  common::Status Publish(const std::string& channel, const std::string& message) override {
    published.emplace_back(channel, message);
    return common::Ok{};
  }

  /// Adds one message as AppendAndPublish would, without publishing it; its id.
  std::string Add(const std::string& stream, const std::string& body, long long max_length) {
    auto& s = streams_[stream];
    s.last = StreamId{next_ms_++, 0};
    s.entries.push_back({s.last.ToString(), body});
    ++s.added;
    while (static_cast<long long>(s.entries.size()) > max_length) s.entries.erase(s.entries.begin());
    return s.last.ToString();
  }
  /// As when a stream's key expires: it and its history are gone.
  void Delete(const std::string& stream) { streams_.erase(stream); }
  std::vector<StoredMessage> Entries(const std::string& stream) const {
    const auto it = streams_.find(stream);
    return it == streams_.end() ? std::vector<StoredMessage>{} : it->second.entries;
  }
  const std::set<std::string>& ReadBy(const std::string& user_id) { return read_[user_id]; }

  std::optional<common::Error> fail_reads;   ///< every read fails with this
  std::optional<common::Error> fail_writes;  ///< every write fails with this
  std::optional<int> fail_writes_after;      ///< AppendAndPublish succeeds this often, then fails
  std::function<void()> before_history;      ///< runs once, as the next ReadBefore starts (another writer)
  std::set<std::string> online;
  std::vector<std::pair<std::string, std::string>> published;  ///< (channel, message)
  std::map<std::string, std::chrono::seconds> expires;         ///< the lifetime last given to each stream
  int reads = 0;

 private:
  struct Stream {
    std::vector<StoredMessage> entries;
    StreamId last;
    long long added = 0;
  };
  long long inbox_max_;
  long long chat_max_;
  std::uint64_t next_ms_ = 1'700'000'000'000;
  std::map<std::string, Stream> streams_;
  std::set<std::string> seen_;
  std::map<std::string, std::set<std::string>> read_;
};

}  // namespace barbershop::realtime::hub
