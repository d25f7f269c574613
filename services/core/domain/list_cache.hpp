#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "bookings.hpp"

namespace barbershop::core::domain {

/// Recent appointment lists as the repository read them (ListForClient, ListForBarber),
/// kept per party until that party's appointments change
/// (here or in another copy of the service: the feed calls Forget), until they are `ttl`
/// old, or while the feed is away (offline: nothing is answered and nothing kept, since
/// changes may be missed).  Starts offline.  Thread-safe.
class ListCache {
 public:
  /// Proof of when a database read for a key began: an answer read after a change to its
  /// party, or after the cache was cleared, is not kept.
  struct Ticket {
    std::uint64_t epoch = 0;
    std::uint64_t generation = 0;
  };

  /// `ttl` zero turns the cache off.  Past `max_entries` appointments kept, or parties
  /// seen, it starts over.
  ListCache(std::chrono::seconds ttl, std::size_t max_entries, const common::Clock& clock);

  bool enabled() const { return ttl_.count() > 0; }

  /// The kept answer, or nullptr and (when it may be kept) a ticket for Store.
  std::shared_ptr<const std::vector<Appointment>> Find(const ListKey& key, std::optional<Ticket>& ticket);
  /// Keeps `list` unless the party changed or the cache was cleared since `ticket`.
  void Store(const ListKey& key, const Ticket& ticket, const std::vector<Appointment>& list);

  /// The party's appointments changed: its lists are forgotten.
  void Forget(std::string_view party);
  /// Everything is forgotten (a rename may touch any list).
  void ForgetAll();
  /// Offline forgets everything and keeps nothing until back online.
  void SetOnline(bool online);

  /// The party's account was deactivated or deleted: its lists are forgotten, and none
  /// is kept or answered until Reopen, so that a list is never answered without the
  /// account check of a database read.  Kept while offline.
  void Close(std::string_view party);
  void Reopen(std::string_view party);
  /// Every closed party at once, as the database lists them (the feed, on connecting).
  void SetClosed(std::vector<std::string> parties);

  bool online() const;

 private:
  struct Kept {
    TimeRange range;
    bool chair;
    TimePoint stored_at;
    std::shared_ptr<const std::vector<Appointment>> list;
  };
  struct Party {
    std::uint64_t generation = 0;
    std::vector<Kept> lists;
  };
  void ForgetAllLocked();

  const std::chrono::seconds ttl_;
  const std::size_t max_entries_;
  const common::Clock& clock_;
  mutable std::mutex mutex_;
  bool online_ = false;
  std::uint64_t epoch_ = 0;
  std::size_t appointments_kept_ = 0;
  std::unordered_map<std::string, Party> parties_;
  std::unordered_set<std::string> closed_;
};

}  // namespace barbershop::core::domain
