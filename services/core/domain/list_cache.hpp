#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
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

/// A barber's name as the cache's hint keeps it: lower case in ASCII.
std::string BarberNameKey(std::string name);

/// Recent appointment lists as the repository read them (ListForClient, ListForBarber),
/// kept per party until that party's appointments change
/// (here or in another copy of the service: the feed calls Forget), until they are `ttl`
/// old, or while the feed is away (offline: nothing is answered and nothing kept, since
/// changes may be missed).  Starts offline.  Thread-safe.
///
/// Beside a barber's appointments it keeps, the same way and under the same party, what
/// their free slots and schedule read besides: the barber (hours, rules, services), their
/// time off and the times held for the waitlist.  A change to any of these forgets the
/// barber's party; a change to their appointments forgets what shows appointments.
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
  ListCache(std::chrono::seconds ttl, std::size_t max_entries, const common::Clock& clock,
            std::chrono::seconds session_memory = std::chrono::minutes(15));

  bool enabled() const { return ttl_.count() > 0; }

  /// The kept answer, or nullptr and (when it may be kept) a ticket for Store.
  std::shared_ptr<const std::vector<Appointment>> Find(const ListKey& key, std::optional<Ticket>& ticket);
  /// Keeps `list` unless the party changed or the cache was cleared since `ticket`.
  void Store(const ListKey& key, const Ticket& ticket, const std::vector<Appointment>& list);

  /// A barber's time off over `key.range` (`key.party` the barber), as Find and Store.
  std::shared_ptr<const std::vector<TimeOff>> FindTimeOff(const ListKey& key, std::optional<Ticket>& ticket);
  void StoreTimeOff(const ListKey& key, const Ticket& ticket, const std::vector<TimeOff>& list);
  /// The times held for the waitlist of a barber over `key.range`, as Find and Store.
  std::shared_ptr<const std::vector<TimeRange>> FindHeld(const ListKey& key, std::optional<Ticket>& ticket);
  void StoreHeld(const ListKey& key, const Ticket& ticket, const std::vector<TimeRange>& list);
  /// The barber whose user id is `id`, as Find and Store.
  std::shared_ptr<const Barber> FindBarber(const std::string& id, std::optional<Ticket>& ticket);
  void StoreBarber(const Ticket& ticket, const Barber& barber);
  /// A barber's schedule as last answered (`key.chair`: with the details), as the
  /// service serialised it, as Find and Store; kept and forgotten with the barber's party.
  std::shared_ptr<const std::string> FindSchedule(const ListKey& key, std::optional<Ticket>& ticket);
  void StoreSchedule(const ListKey& key, const Ticket& ticket, std::string answer);
  /// The id last seen for the barber called `name` (ignoring ASCII case): a hint only,
  /// for a name may pass to another barber; the barber found by it must bear the name.
  std::optional<std::string> BarberNamed(const std::string& name) const;
  void NameBarber(const std::string& name, const std::string& id);
  /// Barbers, time off, held times and schedules answered so far (for the service's
  /// metrics).
  std::uint64_t barber_facts_answered() const;

  /// A change to `parties` being written, from construction to destruction: meanwhile
  /// nothing of theirs is answered from memory or kept, and once it ends after Made()
  /// what was kept for them is forgotten (their appointments only, or their whole day:
  /// ForgetAppointments or Forget).  The store rings the relay at commit, before the
  /// writer returns, so without it someone told of the change could still be answered
  /// from memory from before it.  A change that was refused forgets nothing.
  ///
  /// At most two parties (a barber and a client); the strings they view must outlive the
  /// change.
  class Change {
   public:
    Change(ListCache& cache, std::initializer_list<std::string_view> parties, bool appointments_only);
    ~Change();
    Change(const Change&) = delete;
    Change& operator=(const Change&) = delete;
    /// The change was written.
    void Made() { made_ = true; }

   private:
    struct Mark {
      std::string_view party;
      bool aside = false;  ///< not remembered when the change began: marked in changing_aside_
    };
    ListCache& cache_;
    std::array<Mark, 2> marks_{};
    std::size_t count_ = 0;
    bool appointments_only_;
    bool made_ = false;
  };

  /// Something of the party's day changed (a barber's hours, rules, services, time off or
  /// held times): everything kept for it is forgotten.
  void Forget(std::string_view party);
  /// The party's appointments changed: its lists, held times and schedules are
  /// forgotten.  A barber's own record and time off, which no booking changes, are kept,
  /// so that a busy barber's next booking finds them here.
  void ForgetAppointments(std::string_view party);
  /// Everything is forgotten (a rename may touch any list).
  void ForgetAll();
  /// Offline forgets everything and keeps nothing until back online.
  void SetOnline(bool online);

  /// Whether `caller`'s session is open as far as this copy has heard: the cache is
  /// online, the session has not ended and the account is not closed.  False means only
  /// that the database must say (a call then checks the session there).
  bool SessionOpen(const Caller& caller) const;
  /// A session ended: its tokens get nothing from memory.  Kept for `session_memory`
  /// (the longest an access token lives), after which its tokens have expired anyway.
  void EndSession(std::string_view session_id);
  /// Every session ended within `session_memory`, as the database lists them (the feed,
  /// on connecting).
  void SetEndedSessions(std::vector<std::string> session_ids);
  std::chrono::seconds session_memory() const { return session_memory_; }

  /// The party's account was deactivated or deleted: its lists are forgotten, and none
  /// is kept or answered until Reopen, so that a list is never answered without the
  /// account check of a database read.  Kept while offline.
  void Close(std::string_view party);
  void Reopen(std::string_view party);
  /// Every closed party at once, as the database lists them (the feed, on connecting).
  void SetClosed(std::vector<std::string> parties);

  bool online() const;

 private:
  template <typename T>
  struct Kept {
    TimeRange range;
    bool chair;
    TimePoint stored_at;
    std::shared_ptr<const std::vector<T>> list;
  };
  template <typename T>
  using KeptLists = std::vector<Kept<T>>;
  struct Party {
    std::uint64_t generation = 0;
    KeptLists<Appointment> lists;
    KeptLists<TimeOff> time_off;
    KeptLists<TimeRange> held;
    KeptLists<std::string> schedules;  ///< one answer each
    std::shared_ptr<const Barber> barber;
    TimePoint barber_stored_at{};
    int changing = 0;  ///< changes being written (Change): nothing is answered or kept
    /// Appointments, time off, held times and barber kept: the cache's size.
    std::size_t Size() const;
  };
  /// Find and Store for one kind of list a party keeps (`which`).
  template <typename T>
  std::shared_ptr<const std::vector<T>> FindIn(KeptLists<T> Party::*which, const ListKey& key,
                                               std::optional<Ticket>& ticket);
  template <typename T>
  void StoreIn(KeptLists<T> Party::*which, const ListKey& key, const Ticket& ticket, std::vector<T> list);
  /// The party `key` names when it may answer now, else nullptr; a miss's ticket.
  Party* Answering(const std::string& party, std::optional<Ticket>& ticket);
  /// The party a read under `ticket` may still be kept for, else nullptr.
  Party* Keeping(const std::string& party, const Ticket& ticket);
  void ForgetAllLocked();
  /// Forget or ForgetAppointments.
  void Drop(std::string_view party, bool appointments_only);
  void DropLocked(Party& party, bool appointments_only);

  const std::chrono::seconds ttl_;
  const std::chrono::seconds session_memory_;
  const std::size_t max_entries_;
  const common::Clock& clock_;
  mutable std::mutex mutex_;
  bool online_ = false;
  std::uint64_t epoch_ = 0;
  std::size_t items_kept_ = 0;
  std::atomic<std::uint64_t> facts_answered_{0};
  /// Looks a party up by any string, without making a std::string of it.
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  template <typename T>
  using ByName = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

  ByName<Party> parties_;
  /// Changes being written to parties this copy does not remember (a client's first
  /// booking): such a party is not remembered until they end, so that nothing read
  /// meanwhile is kept, and a change alone adds no party toward `max_entries`.
  ByName<int> changing_aside_;
  std::unordered_map<std::string, std::string> barber_names_;  ///< lower-case name to id
  std::unordered_set<std::string> closed_;
  std::unordered_map<std::string, TimePoint> ended_sessions_;  ///< with when this copy heard
};

}  // namespace barbershop::core::domain
