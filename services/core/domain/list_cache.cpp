#include "list_cache.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace barbershop::core::domain {
namespace {

// A party asking for many different ranges keeps only its latest few.
constexpr std::size_t kListsPerParty = 8;

bool SameList(bool chair, const TimeRange& range, bool other_chair, const TimeRange& other_range) {
  return chair == other_chair && range.from == other_range.from && range.to == other_range.to;
}

}  // namespace

std::string BarberNameKey(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

ListCache::ListCache(std::chrono::seconds ttl, std::size_t max_entries, const common::Clock& clock,
                     std::chrono::seconds session_memory)
    : ttl_(ttl), session_memory_(session_memory), max_entries_(max_entries), clock_(clock) {}

std::size_t ListCache::Party::Size() const {
  std::size_t size = barber ? 1 : 0;
  for (const auto& k : lists) size += k.list->size();
  for (const auto& k : time_off) size += k.list->size();
  for (const auto& k : held) size += k.list->size();
  for (const auto& k : schedules) size += k.list->size();
  return size;
}

ListCache::Party* ListCache::Answering(const std::string& party, std::optional<Ticket>& ticket) {
  ticket.reset();
  if (!enabled() || !online_ || closed_.contains(party)) return nullptr;
  auto found = parties_.find(party);
  if (found == parties_.end()) {
    // A party is remembered from its first miss (its generation guards the read that
    // follows), so the number of parties is bounded too; not while a change to it is
    // being written.
    if (changing_aside_.contains(party)) return nullptr;
    if (parties_.size() >= max_entries_) ForgetAllLocked();
    found = parties_.try_emplace(party).first;
  }
  if (found->second.changing > 0) return nullptr;
  ticket = Ticket{epoch_, found->second.generation};
  return &found->second;
}

ListCache::Party* ListCache::Keeping(const std::string& party, const Ticket& ticket) {
  if (!online_ || ticket.epoch != epoch_ || closed_.contains(party)) return nullptr;
  const auto found = parties_.find(party);
  if (found == parties_.end() || found->second.generation != ticket.generation || found->second.changing > 0) {
    return nullptr;
  }
  return &found->second;
}

template <typename T>
std::shared_ptr<const std::vector<T>> ListCache::FindIn(KeptLists<T> Party::*which, const ListKey& key,
                                                        std::optional<Ticket>& ticket) {
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  auto* party = Answering(key.party, ticket);
  if (party == nullptr) return nullptr;
  auto& lists = party->*which;
  for (auto it = lists.begin(); it != lists.end(); ++it) {
    if (!SameList(key.chair, key.range, it->chair, it->range)) continue;
    if (now - it->stored_at < ttl_) {
      ticket.reset();  // a hit needs none
      return it->list;
    }
    items_kept_ -= it->list->size();
    lists.erase(it);
    break;
  }
  return nullptr;
}

template <typename T>
void ListCache::StoreIn(KeptLists<T> Party::*which, const ListKey& key, const Ticket& ticket, std::vector<T> list) {
  const std::size_t count = list.size();
  // Made before taking the lock: a caller's list is copied into the argument, a
  // schedule's answer (25 to 70 KB) moved.
  auto kept = std::make_shared<const std::vector<T>>(std::move(list));
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  auto* party = Keeping(key.party, ticket);
  if (party == nullptr) return;
  if (items_kept_ + count > max_entries_) {
    ForgetAllLocked();
    return;
  }
  auto& lists = party->*which;
  std::erase_if(lists, [&](const Kept<T>& k) {
    if (!SameList(key.chair, key.range, k.chair, k.range)) return false;
    items_kept_ -= k.list->size();
    return true;
  });
  if (lists.size() >= kListsPerParty) {
    items_kept_ -= lists.front().list->size();
    lists.erase(lists.begin());
  }
  lists.push_back(Kept<T>{key.range, key.chair, now, std::move(kept)});
  items_kept_ += count;
}

std::shared_ptr<const std::vector<Appointment>> ListCache::Find(const ListKey& key, std::optional<Ticket>& ticket) {
  return FindIn(&Party::lists, key, ticket);
}

void ListCache::Store(const ListKey& key, const Ticket& ticket, const std::vector<Appointment>& list) {
  StoreIn(&Party::lists, key, ticket, list);
}

std::shared_ptr<const std::vector<TimeOff>> ListCache::FindTimeOff(const ListKey& key, std::optional<Ticket>& ticket) {
  auto kept = FindIn(&Party::time_off, key, ticket);
  if (kept) ++facts_answered_;
  return kept;
}

void ListCache::StoreTimeOff(const ListKey& key, const Ticket& ticket, const std::vector<TimeOff>& list) {
  StoreIn(&Party::time_off, key, ticket, list);
}

std::shared_ptr<const std::vector<TimeRange>> ListCache::FindHeld(const ListKey& key, std::optional<Ticket>& ticket) {
  auto kept = FindIn(&Party::held, key, ticket);
  if (kept) ++facts_answered_;
  return kept;
}

void ListCache::StoreHeld(const ListKey& key, const Ticket& ticket, const std::vector<TimeRange>& list) {
  StoreIn(&Party::held, key, ticket, list);
}

std::shared_ptr<const std::string> ListCache::FindSchedule(const ListKey& key, std::optional<Ticket>& ticket) {
  auto kept = FindIn(&Party::schedules, key, ticket);
  if (!kept) return nullptr;
  ++facts_answered_;
  // The one answer, sharing its owner's lifetime.
  return {kept, &kept->front()};
}

void ListCache::StoreSchedule(const ListKey& key, const Ticket& ticket, std::string answer) {
  StoreIn(&Party::schedules, key, ticket, std::vector<std::string>{std::move(answer)});
}

std::shared_ptr<const Barber> ListCache::FindBarber(const std::string& id, std::optional<Ticket>& ticket) {
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  auto* party = Answering(id, ticket);
  if (party == nullptr || !party->barber) return nullptr;
  if (now - party->barber_stored_at < ttl_) {
    ticket.reset();
    ++facts_answered_;
    return party->barber;
  }
  party->barber.reset();
  --items_kept_;
  return nullptr;
}

void ListCache::StoreBarber(const Ticket& ticket, const Barber& barber) {
  auto kept = std::make_shared<const Barber>(barber);
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  auto* party = Keeping(barber.id, ticket);
  if (party == nullptr) return;
  if (!party->barber) {
    if (items_kept_ + 1 > max_entries_) {
      ForgetAllLocked();
      return;
    }
    ++items_kept_;
  }
  party->barber = std::move(kept);
  party->barber_stored_at = now;
}

std::optional<std::string> ListCache::BarberNamed(const std::string& name) const {
  const std::lock_guard lock(mutex_);
  const auto found = barber_names_.find(BarberNameKey(name));
  if (found == barber_names_.end()) return std::nullopt;
  return found->second;
}

void ListCache::NameBarber(const std::string& name, const std::string& id) {
  if (!enabled()) return;
  const std::lock_guard lock(mutex_);
  if (!online_) return;
  if (barber_names_.size() >= max_entries_) barber_names_.clear();
  barber_names_.insert_or_assign(BarberNameKey(name), id);
}

std::uint64_t ListCache::barber_facts_answered() const { return facts_answered_.load(); }

void ListCache::Forget(std::string_view party) { Drop(party, false); }

void ListCache::ForgetAppointments(std::string_view party) { Drop(party, true); }

ListCache::Change::Change(ListCache& cache, std::initializer_list<std::string_view> parties, bool appointments_only)
    : cache_(cache), appointments_only_(appointments_only) {
  if (parties.size() > marks_.size()) throw std::invalid_argument("a change names at most two parties");
  if (!cache_.enabled()) return;
  const std::lock_guard lock(cache_.mutex_);
  for (const auto party : parties) {
    auto& mark = marks_[count_++];
    mark.party = party;
    const auto found = cache_.parties_.find(party);
    if (found != cache_.parties_.end()) {
      ++found->second.changing;
      continue;
    }
    mark.aside = true;
    const auto aside = cache_.changing_aside_.find(party);
    if (aside != cache_.changing_aside_.end()) {
      ++aside->second;
    } else {
      cache_.changing_aside_.emplace(party, 1);
    }
  }
}

ListCache::Change::~Change() {
  if (count_ == 0) return;
  const std::lock_guard lock(cache_.mutex_);
  for (std::size_t i = 0; i < count_; ++i) {
    const auto& mark = marks_[i];
    if (mark.aside) {
      // Not remembered meanwhile, so nothing was kept to forget.
      const auto aside = cache_.changing_aside_.find(mark.party);
      if (aside != cache_.changing_aside_.end() && --aside->second == 0) cache_.changing_aside_.erase(aside);
      continue;
    }
    // Always there: a party with a change being written outlives ForgetAll.
    const auto found = cache_.parties_.find(mark.party);
    if (found == cache_.parties_.end()) continue;
    --found->second.changing;
    if (made_) cache_.DropLocked(found->second, appointments_only_);
  }
}

void ListCache::Drop(std::string_view party, bool appointments_only) {
  const std::lock_guard lock(mutex_);
  const auto found = parties_.find(party);
  if (found == parties_.end()) return;
  DropLocked(found->second, appointments_only);
}

void ListCache::DropLocked(Party& p, bool appointments_only) {
  // Reads begun before the change are not kept, whatever they read.
  ++p.generation;
  const auto before = p.Size();
  p.lists.clear();
  p.held.clear();
  p.schedules.clear();
  if (!appointments_only) {
    p.time_off.clear();
    p.barber.reset();
  }
  items_kept_ -= before - p.Size();
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

bool ListCache::SessionOpen(const Caller& caller) const {
  if (caller.session_id.empty()) return false;
  const std::lock_guard lock(mutex_);
  return online_ && !closed_.contains(caller.user_id) && !ended_sessions_.contains(caller.session_id);
}

void ListCache::EndSession(std::string_view session_id) {
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  // Those heard of longer ago than a token lives are let go, a few at a time.
  if (ended_sessions_.size() >= 64) {
    std::erase_if(ended_sessions_, [&](const auto& ended) { return now - ended.second > session_memory_; });
  }
  ended_sessions_.insert_or_assign(std::string(session_id), now);
}

void ListCache::SetEndedSessions(std::vector<std::string> session_ids) {
  const auto now = clock_.Now();
  const std::lock_guard lock(mutex_);
  ended_sessions_.clear();
  for (auto& id : session_ids) ended_sessions_.emplace(std::move(id), now);
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
  // A party with a change being written stays, keeping nothing, so that it is still not
  // answered until the change ends.
  std::erase_if(parties_, [](const auto& party) { return party.second.changing == 0; });
  for (auto& [id, party] : parties_) {
    const int changing = party.changing;
    party = Party{};
    party.changing = changing;
  }
  barber_names_.clear();
  items_kept_ = 0;
}

bool ListCache::online() const {
  const std::lock_guard lock(mutex_);
  return online_;
}

}  // namespace barbershop::core::domain
