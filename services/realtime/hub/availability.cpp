#include "hub/availability.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <utility>

#include "barbershop/common/text.hpp"
#include "hub/protocol.hpp"

namespace barbershop::realtime::hub {

using nlohmann::json;

namespace {

// The waits between tries of a read that keeps failing.
constexpr std::chrono::milliseconds kFirstRetry{1000};
constexpr std::chrono::milliseconds kLongestRetry{30000};

/// What is in `now` and not in `before`, in `now`'s order.
std::vector<std::string> Missing(const std::vector<std::string>& now, const std::vector<std::string>& before) {
  const std::set<std::string> had(before.begin(), before.end());
  std::vector<std::string> missing;
  for (const auto& slot : now) {
    if (had.count(slot) == 0) missing.push_back(slot);
  }
  return missing;
}

}  // namespace

std::string AvailabilityChannel(std::string_view barber_id) { return "availability:" + std::string(barber_id); }

std::string AvailabilityNotice(std::string_view barber_id, const std::vector<std::string>& dates) {
  json notice{{"barber_id", barber_id}};
  if (!dates.empty()) notice["dates"] = dates;
  return common::ToJsonText(notice);
}

std::optional<std::vector<std::string>> NoticeDates(std::string_view notice) {
  const auto parsed = json::parse(notice, nullptr, false);
  if (!parsed.is_object()) return std::nullopt;
  const auto dates = parsed.find("dates");
  if (dates == parsed.end() || !dates->is_array()) return std::nullopt;
  std::vector<std::string> days;
  for (const auto& day : *dates) {
    if (!day.is_string()) return std::nullopt;
    days.push_back(day.get<std::string>());
  }
  return days;
}

std::optional<std::vector<std::string>> DaysTouched(common::TimePoint from, common::TimePoint to,
                                                    const common::ShopTime& shop_time) {
  std::vector<std::string> days;
  auto day = shop_time.ToLocal(from - common::kLongestService);
  for (;;) {
    days.push_back(common::FormatCalendarDay(day));
    if (days.size() > kMaxNoticeDays) return std::nullopt;
    // Midnight plus 25 hours is always in the next day, whatever daylight saving does.
    const auto next = shop_time.ToLocal(shop_time.AtLocalMinute(day, 0) + std::chrono::hours(25));
    if (shop_time.AtLocalMinute(next, 0) >= to) return days;
    day = next;
  }
}

std::optional<std::string> AvailabilityNoticeFor(const AppointmentEvent& event, const common::ShopTime& shop_time) {
  if (event.type != "appointment.created" && event.type != "appointment.modified" &&
      event.type != "appointment.canceled") {
    return std::nullopt;
  }
  const auto start = shop_time.Parse(event.start);
  if (!start) return std::nullopt;
  const auto end = shop_time.Parse(event.end).value_or(*start);
  auto days = DaysTouched(*start, end, shop_time);
  if (!days) return AvailabilityNotice(event.barber_id, {});
  // A move frees the slots it left, over as long as the appointment lasts.
  if (event.previous_start) {
    const auto before = shop_time.Parse(*event.previous_start);
    const auto freed = before ? DaysTouched(*before, *before + (end - *start), shop_time) : std::nullopt;
    if (!freed) return AvailabilityNotice(event.barber_id, {});
    for (const auto& day : *freed) {
      if (std::find(days->begin(), days->end(), day) == days->end()) days->push_back(day);
    }
  }
  return AvailabilityNotice(event.barber_id, *days);
}

std::string AvailabilityNoticeFor(const ScheduleChangedEvent& event, const common::ShopTime& shop_time) {
  if (!event.from || !event.to) return AvailabilityNotice(event.barber_id, {});
  const auto days = DaysTouched(*event.from, *event.to, shop_time);
  return AvailabilityNotice(event.barber_id, days ? *days : std::vector<std::string>{});
}

std::string SlotsFrame(const AvailabilityKey& key, const std::vector<std::string>& slots,
                       const std::vector<std::string>& added, const std::vector<std::string>& removed) {
  return common::ToJsonText(json{{"type", "availability"},
                                 {"barber_id", key.barber_id},
                                 {"date", key.date},
                                 {"service", key.service},
                                 {"slots", slots},
                                 {"added", added},
                                 {"removed", removed}});
}

/// The feed's place on one barber's channel: every notice, and every (re)subscription,
/// after which whatever changed while it was away is read again.
class AvailabilityFeed::BarberWatch final : public Listener {
 public:
  BarberWatch(AvailabilityFeed& feed, std::string barber_id) : feed_(feed), barber_id_(std::move(barber_id)) {}

  void OnReady() override {
    ready_ = true;
    feed_.OnNotice(barber_id_, std::nullopt);
  }
  void OnMessage(std::shared_ptr<const std::string> message) override {
    feed_.OnNotice(barber_id_, NoticeDates(*message));
  }
  bool ready() const { return ready_; }

 private:
  AvailabilityFeed& feed_;
  const std::string barber_id_;
  std::atomic<bool> ready_{false};
};

AvailabilityFeed::AvailabilityFeed(Hub& hub, SlotSource& source, Timers& timers)
    : hub_(hub),
      source_(source),
      timers_(timers),
      life_(std::make_shared<Life>(this)),
      random_(std::random_device{}()) {}

AvailabilityFeed::~AvailabilityFeed() {
  {
    const std::lock_guard lock(life_->mutex);
    life_->feed = nullptr;
  }
  std::map<std::string, std::shared_ptr<BarberWatch>> barbers;
  {
    const std::lock_guard lock(mutex_);
    barbers.swap(barbers_);
  }
  for (const auto& [barber_id, watch] : barbers) hub_.Leave(AvailabilityChannel(barber_id), watch.get());
}

void AvailabilityFeed::Join(const AvailabilityKey& key, const std::shared_ptr<Listener>& watcher) {
  std::shared_ptr<BarberWatch> subscribe;
  bool ask = false;
  {
    const std::lock_guard lock(mutex_);
    auto& state = keys_[key];
    state.watchers.emplace(watcher.get(), watcher);
    if (state.slots) watcher->OnMessage(std::make_shared<const std::string>(SlotsFrame(key, *state.slots, {}, {})));
    auto& barber = barbers_[key.barber_id];
    if (!barber) {
      // Read once subscribed (OnReady), so that no change between the two is missed.
      barber = subscribe = std::make_shared<BarberWatch>(*this, key.barber_id);
    } else if (barber->ready() && !state.slots && !state.asking) {
      state.asking = ask = true;
    }
  }
  if (subscribe) hub_.Join(AvailabilityChannel(key.barber_id), subscribe);
  if (ask) Ask(key);
}

void AvailabilityFeed::Leave(const AvailabilityKey& key, const Listener* watcher) {
  std::shared_ptr<BarberWatch> unsubscribe;
  {
    const std::lock_guard lock(mutex_);
    const auto it = keys_.find(key);
    if (it == keys_.end()) return;
    it->second.watchers.erase(watcher);
    // A key with a request out stays until its answer, which then finds no watcher.
    if (!it->second.watchers.empty() || it->second.asking) return;
    unsubscribe = ForgetLocked(it);
  }
  if (unsubscribe) hub_.Leave(AvailabilityChannel(key.barber_id), unsubscribe.get());
}

std::shared_ptr<AvailabilityFeed::BarberWatch> AvailabilityFeed::ForgetLocked(
    std::map<AvailabilityKey, KeyState>::iterator key) {
  const std::string barber_id = key->first.barber_id;
  keys_.erase(key);
  const auto same_barber = keys_.lower_bound(AvailabilityKey{barber_id, {}, {}});
  if (same_barber != keys_.end() && same_barber->first.barber_id == barber_id) return nullptr;
  const auto barber = barbers_.find(barber_id);
  if (barber == barbers_.end()) return nullptr;
  auto watch = std::move(barber->second);
  barbers_.erase(barber);
  return watch;
}

void AvailabilityFeed::Ask(const AvailabilityKey& key) {
  source_.FreeSlots(key, [this, key](auto answer) { OnAnswer(key, std::move(answer)); });
}

std::size_t AvailabilityFeed::key_count() const {
  const std::lock_guard lock(mutex_);
  return keys_.size();
}

void AvailabilityFeed::OnNotice(const std::string& barber_id, const std::optional<std::vector<std::string>>& dates) {
  std::vector<AvailabilityKey> ask;
  {
    const std::lock_guard lock(mutex_);
    for (auto it = keys_.lower_bound(AvailabilityKey{barber_id, {}, {}});
         it != keys_.end() && it->first.barber_id == barber_id; ++it) {
      if (dates && std::find(dates->begin(), dates->end(), it->first.date) == dates->end()) continue;
      if (it->second.asking) {
        it->second.again = true;
      } else {
        it->second.asking = true;
        ask.push_back(it->first);
      }
    }
  }
  for (const auto& key : ask) Ask(key);
}

void AvailabilityFeed::OnAnswer(const AvailabilityKey& key, common::Result<std::vector<std::string>> answer) {
  std::shared_ptr<BarberWatch> unsubscribe;
  bool again = false;
  std::optional<std::chrono::milliseconds> retry_after;
  {
    const std::lock_guard lock(mutex_);
    const auto it = keys_.find(key);
    if (it == keys_.end()) return;
    auto& state = it->second;
    state.asking = false;
    std::shared_ptr<const std::string> frame;
    if (!answer) {
      // The watchers keep what they have, told once; a change asks again, and so does the
      // next try when the core could not be reached (a barber or service that is gone is
      // not asked for again until something changes).
      if (state.failing.count() == 0) frame = std::make_shared<const std::string>(ErrorFrame(answer.error()));
      if (answer.error().code == common::ErrorCode::kUnavailable) {
        state.failing = state.failing.count() == 0 ? kFirstRetry : std::min(state.failing * 2, kLongestRetry);
        if (!state.again && !state.retry_set && !state.watchers.empty()) {
          state.retry_set = true;
          retry_after = state.failing - state.failing * std::uniform_int_distribution<int>(0, 199)(random_) / 1000;
        }
      }
    } else {
      // Read again after a failure, the list goes out changed or not: the watchers told
      // of the failure learn that it is live again.
      const bool healed = state.failing.count() > 0;
      state.failing = {};
      if (healed || !state.slots || *state.slots != *answer) {
        const std::vector<std::string> none;
        const auto& before = state.slots ? *state.slots : none;
        frame =
            std::make_shared<const std::string>(SlotsFrame(key, *answer, state.slots ? Missing(*answer, before) : none,
                                                           state.slots ? Missing(before, *answer) : none));
        state.slots = std::move(*answer);
      }
    }
    // Sent under the lock: a watcher joining meanwhile gets the list before any change.
    if (frame) {
      for (const auto& [raw, weak] : state.watchers) {
        if (auto watcher = weak.lock()) watcher->OnMessage(frame);
      }
    }
    if (state.again && !state.watchers.empty()) {
      state.again = false;
      state.asking = again = true;
    }
    if (state.watchers.empty() && !state.asking) unsubscribe = ForgetLocked(it);
  }
  if (unsubscribe) hub_.Leave(AvailabilityChannel(key.barber_id), unsubscribe.get());
  if (again) Ask(key);
  if (retry_after) {
    timers_.After(*retry_after, [life = life_, key] {
      const std::lock_guard lock(life->mutex);
      if (life->feed != nullptr) life->feed->Retry(key);
    });
  }
}

void AvailabilityFeed::Retry(const AvailabilityKey& key) {
  {
    const std::lock_guard lock(mutex_);
    const auto it = keys_.find(key);
    if (it == keys_.end() || !it->second.retry_set) return;
    auto& state = it->second;
    state.retry_set = false;
    // A read is out (a change asked meanwhile) or has succeeded since.  (A key nobody
    // watches is dropped as its last watcher leaves, so the tasks of one find no key.)
    if (state.asking || state.failing.count() == 0 || state.watchers.empty()) return;
    state.asking = true;
  }
  Ask(key);
}

}  // namespace barbershop::realtime::hub
