#include "list_cache.hpp"

#include <algorithm>

namespace barbershop::core::domain {
namespace {

// A party asking for many different ranges keeps only its latest few.
constexpr std::size_t kListsPerParty = 8;

bool SameList(bool chair, const TimeRange& range, bool other_chair, const TimeRange& other_range) {
  return chair == other_chair && range.from == other_range.from && range.to == other_range.to;
}

}  // namespace

ListCache::ListCache(std::chrono::seconds ttl, std::size_t max_entries, const common::Clock& clock)
    : ttl_(ttl), max_entries_(max_entries), clock_(clock) {}

std::shared_ptr<const std::vector<Appointment>> ListCache::Find(const ListKey& key, std::optional<Ticket>& ticket) {
  ticket.reset();
  if (!enabled()) return nullptr;
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  if (!online_ || closed_.contains(key.party)) return nullptr;
  // A party is remembered from its first miss (its generation guards the read that
  // follows), so the number of parties is bounded too.
  if (parties_.size() >= max_entries_ && !parties_.contains(key.party)) ForgetAllLocked();
  auto& party = parties_[key.party];
  for (auto it = party.lists.begin(); it != party.lists.end(); ++it) {
    if (!SameList(key.chair, key.range, it->chair, it->range)) continue;
    if (now - it->stored_at < ttl_) return it->list;
    appointments_kept_ -= it->list->size();
    party.lists.erase(it);
    break;
  }
  ticket = Ticket{epoch_, party.generation};
  return nullptr;
}

void ListCache::Store(const ListKey& key, const Ticket& ticket, const std::vector<Appointment>& list) {
  auto kept = std::make_shared<const std::vector<Appointment>>(list);  // copied before taking the lock
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  if (!online_ || ticket.epoch != epoch_ || closed_.contains(key.party)) return;
  const auto found = parties_.find(key.party);
  if (found == parties_.end() || found->second.generation != ticket.generation) return;
  if (appointments_kept_ + list.size() > max_entries_) {
    ForgetAllLocked();
    return;
  }
  auto& lists = found->second.lists;
  std::erase_if(lists, [&](const Kept& k) {
    if (!SameList(key.chair, key.range, k.chair, k.range)) return false;
    appointments_kept_ -= k.list->size();
    return true;
  });
  if (lists.size() >= kListsPerParty) {
    appointments_kept_ -= lists.front().list->size();
    lists.erase(lists.begin());
  }
  lists.push_back(Kept{key.range, key.chair, now, std::move(kept)});
  appointments_kept_ += list.size();
}

void ListCache::Forget(std::string_view party) {
  const std::lock_guard lock(mutex_);
  const auto found = parties_.find(std::string(party));
  if (found == parties_.end()) return;
  ++found->second.generation;
  for (const auto& k : found->second.lists) appointments_kept_ -= k.list->size();
  found->second.lists.clear();
}

void ListCache::ForgetAll() {
  const std::lock_guard lock(mutex_);
  ForgetAllLocked();
}

void ListCache::SetOnline(bool online) {
  const std::lock_guard lock(mutex_);
  ForgetAllLocked();
  online_ = online;
}

void ListCache::Close(std::string_view party) {
  Forget(party);
  const std::lock_guard lock(mutex_);
  closed_.emplace(party);
}

void ListCache::Reopen(std::string_view party) {
  const std::lock_guard lock(mutex_);
  closed_.erase(std::string(party));
}

void ListCache::SetClosed(std::vector<std::string> parties) {
  const std::lock_guard lock(mutex_);
  ForgetAllLocked();
  closed_ =
      std::unordered_set<std::string>(std::make_move_iterator(parties.begin()), std::make_move_iterator(parties.end()));
}

void ListCache::ForgetAllLocked() {
  ++epoch_;
  parties_.clear();
  appointments_kept_ = 0;
}

bool ListCache::online() const {
  const std::lock_guard lock(mutex_);
  return online_;
}

}  // namespace barbershop::core::domain
