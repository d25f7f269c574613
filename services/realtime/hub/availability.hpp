#pragma once

// Live availability: one barber's free slots on one day, for anyone watching (no account
// needed), sent when they connect and again whenever they change.  A change is heard as
// a notice on the barber's availability channel, which the copy that consumed the event
// publishes; every copy watching that barber then asks for the slots again, once per
// day and service watched, and tells its watchers what is new.  Nothing here says who
// booked: a watcher sees start times only.  Plain code: the slots come from a
// SlotSource (the core's GetAvailableSlots).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"
#include "hub/events.hpp"
#include "hub/hub.hpp"

namespace barbershop::realtime::hub {

/// What a watcher follows: a barber (user id), a day of the shop's calendar
/// ("2026-12-04"), and a service by name (empty: the shop's default length).
struct AvailabilityKey {
  std::string barber_id;
  std::string date;
  std::string service;

  friend auto operator<=>(const AvailabilityKey&, const AvailabilityKey&) = default;  // NOLINT(modernize-use-nullptr)
};

/// Where the free slots come from.  Thread-safe.
class SlotSource {
 public:
  /// The starts of the free slots (ISO 8601 with the shop's offset, in time order), or
  /// why not: kNotFound (no such barber or service), kInvalidArgument, kUnavailable.
  using Answer = std::function<void(common::Result<std::vector<std::string>>)>;
  virtual ~SlotSource() = default;
  /// Asks without waiting; `answer` runs once, on any thread.
  virtual void FreeSlots(const AvailabilityKey& key, Answer answer) = 0;
};

/// Runs a task later, on any thread (the feed's second tries after a failed read).
/// Thread-safe.
class Timers {
 public:
  virtual ~Timers() = default;
  virtual void After(std::chrono::milliseconds delay, std::function<void()> task) = 0;
};

/// The pub/sub channel that carries a barber's availability notices.
std::string AvailabilityChannel(std::string_view barber_id);

/// The notice that a barber's slots may have changed on `dates` (shop calendar days);
/// no dates: on any day (their hours or services changed).
std::string AvailabilityNotice(std::string_view barber_id, const std::vector<std::string>& dates);

/// The days a notice names; nullopt for any day (a notice it cannot read counts as that).
std::optional<std::vector<std::string>> NoticeDates(std::string_view notice);

/// The shop calendar days whose slots a booking over [from, to) can take or free: every
/// day with a slot start in [from - longest service, to).  More than `kMaxNoticeDays` of
/// them: nullopt (any day).
std::optional<std::vector<std::string>> DaysTouched(common::TimePoint from, common::TimePoint to,
                                                    const common::ShopTime& shop_time);
inline constexpr std::size_t kMaxNoticeDays = 62;

/// The notice an appointment event makes, on its barber's availability channel, when it
/// can take or free a slot (a booking, a move, a cancellation); nullopt otherwise.
std::optional<std::string> AvailabilityNoticeFor(const AppointmentEvent& event, const common::ShopTime& shop_time);
/// The notice a change to a barber's hours, services or time off makes.
std::string AvailabilityNoticeFor(const ScheduleChangedEvent& event, const common::ShopTime& shop_time);

/// The message a watcher gets: the whole list of free slots, and what changed since the
/// last one it got (both empty in the first).
std::string SlotsFrame(const AvailabilityKey& key, const std::vector<std::string>& slots,
                       const std::vector<std::string>& added, const std::vector<std::string>& removed);

/// The watchers of this copy, by key; one subscription per barber on the hub, one
/// request for slots per key at a time (a change heard meanwhile asks again once it is
/// answered, so the last answer is never older than the last change).  A read that
/// fails tells the watchers (an error frame); one that could not reach the core is told
/// once and tried again after 1 s, then 2, 4 and so on up to 30 s, while anyone watches,
/// so that a core that comes back heals every watcher without waiting for a change.
/// Each wait is cut by a random part of up to a fifth, so that the days that failed
/// together (every copy's, when the core went away) are not all asked for again at once.
/// Thread-safe.
class AvailabilityFeed {
 public:
  /// `source` answers no request after the feed is destroyed (the service stops it first);
  /// a task left with `timers` does nothing once it is.
  AvailabilityFeed(Hub& hub, SlotSource& source, Timers& timers);
  ~AvailabilityFeed();
  AvailabilityFeed(const AvailabilityFeed&) = delete;
  AvailabilityFeed& operator=(const AvailabilityFeed&) = delete;

  /// Adds a watcher: it gets the current slots at once when they are known, otherwise
  /// once they are read, then every change.  Its OnReady is not called, and its
  /// OnMessage (called with the feed's lock held, to keep the order) must not call back.
  void Join(const AvailabilityKey& key, const std::shared_ptr<Listener>& watcher);
  void Leave(const AvailabilityKey& key, const Listener* watcher);

  /// Keys watched on this copy (a gauge).
  std::size_t key_count() const;

 private:
  class BarberWatch;
  struct KeyState {
    std::map<const Listener*, std::weak_ptr<Listener>> watchers;
    std::optional<std::vector<std::string>> slots;  ///< the last answer; none before the first
    bool asking = false;                            ///< a request is out
    bool again = false;                             ///< a change came while it was
    std::chrono::milliseconds failing{0};           ///< the wait before the next try; 0: the last read did not fail
    bool retry_set = false;                         ///< a try is waiting in `timers_`
  };
  /// What a task left with the timers reaches: the feed, until it is destroyed.
  struct Life {
    explicit Life(AvailabilityFeed* f) : feed(f) {}
    std::mutex mutex;
    AvailabilityFeed* feed;
  };

  /// From a barber's channel: its slots may have changed on `dates` (any day: nullopt).
  void OnNotice(const std::string& barber_id, const std::optional<std::vector<std::string>>& dates);
  /// Asks the source for `key`'s slots (unlocked: a source may answer at once).
  void Ask(const AvailabilityKey& key);
  void OnAnswer(const AvailabilityKey& key, common::Result<std::vector<std::string>> answer);
  /// The try set after a failed read: asks again unless a read is out or nobody watches.
  void Retry(const AvailabilityKey& key);
  /// Drops a key that nobody watches and nothing is asked for; returns its barber's watch
  /// when that was the barber's last key, to leave the hub with once unlocked.
  std::shared_ptr<BarberWatch> ForgetLocked(std::map<AvailabilityKey, KeyState>::iterator key);

  Hub& hub_;
  SlotSource& source_;
  Timers& timers_;
  const std::shared_ptr<Life> life_;
  mutable std::mutex mutex_;
  std::minstd_rand random_;  ///< the part of each wait cut off; under `mutex_`
  std::map<AvailabilityKey, KeyState> keys_;
  std::map<std::string, std::shared_ptr<BarberWatch>> barbers_;
};

}  // namespace barbershop::realtime::hub
