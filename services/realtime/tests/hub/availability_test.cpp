#include "hub/availability.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "recording_hub.hpp"

namespace barbershop::realtime::hub {
namespace {

using common::ErrorCode;
using common::MakeError;
using nlohmann::json;
using Slots = std::vector<std::string>;

/// Keeps each request until the test answers it.
class FakeSlotSource final : public SlotSource {
 public:
  void FreeSlots(const AvailabilityKey& key, Answer answer) override {
    asked.push_back(key);
    pending.emplace_back(key, std::move(answer));
  }
  /// Answers the oldest request.
  void Answer(common::Result<Slots> slots) {
    ASSERT_FALSE(pending.empty()) << "nothing was asked";
    auto [key, answer] = std::move(pending.front());
    pending.pop_front();
    answer(std::move(slots));
  }
  std::vector<AvailabilityKey> asked;
  std::deque<std::pair<AvailabilityKey, SlotSource::Answer>> pending;
};

/// Keeps each task until the test runs it.
class FakeTimers final : public Timers {
 public:
  void After(std::chrono::milliseconds delay, std::function<void()> task) override {
    tasks.emplace_back(delay, std::move(task));
  }
  /// Runs the oldest task; returns its delay.
  std::chrono::milliseconds RunNext() {
    EXPECT_FALSE(tasks.empty()) << "nothing was set";
    if (tasks.empty()) return {};
    auto [delay, task] = std::move(tasks.front());
    tasks.pop_front();
    task();
    return delay;
  }
  std::deque<std::pair<std::chrono::milliseconds, std::function<void()>>> tasks;
};

json Frame(const std::shared_ptr<const std::string>& message) { return json::parse(*message); }

/// A wait the feed set for a nominal `wait`: cut by up to a fifth, never longer.
void ExpectAbout(std::chrono::milliseconds actual, std::chrono::milliseconds wait) {
  EXPECT_LE(actual, wait);
  EXPECT_GT(actual, wait * 4 / 5) << "of a nominal " << wait.count() << " ms";
}

class AvailabilityFeedTest : public ::testing::Test {
 protected:
  const AvailabilityKey day_{"b-1", "2026-12-04", ""};
  FakeSubscriber subscriber_;
  Hub hub_{subscriber_};
  FakeSlotSource source_;
  FakeTimers timers_;
  AvailabilityFeed feed_{hub_, source_, timers_};
};

TEST_F(AvailabilityFeedTest, ReadsTheSlotsOnceSubscribedAndSendsThemWhole) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  EXPECT_EQ(subscriber_.calls, Slots{"+availability:b-1"});
  EXPECT_TRUE(source_.asked.empty()) << "read only once no change can be missed";
  hub_.OnSubscribed("availability:b-1");
  ASSERT_EQ(source_.asked.size(), 1u);
  EXPECT_EQ(source_.asked[0], day_);
  source_.Answer(Slots{"10:00", "10:30", "11:00"});
  ASSERT_EQ(watcher->messages.size(), 1u);
  const auto frame = Frame(watcher->messages[0]);
  EXPECT_EQ(frame, (json{{"type", "availability"},
                         {"barber_id", "b-1"},
                         {"date", "2026-12-04"},
                         {"service", ""},
                         {"slots", {"10:00", "10:30", "11:00"}},
                         {"added", json::array()},
                         {"removed", json::array()}}));
  EXPECT_EQ(watcher->ready, 0);

  // A second watcher of the same day gets the list at once, without a request.
  auto second = std::make_shared<RecordingListener>();
  feed_.Join(day_, second);
  ASSERT_EQ(second->messages.size(), 1u);
  EXPECT_EQ(Frame(second->messages[0])["slots"], (json{"10:00", "10:30", "11:00"}));
  EXPECT_EQ(source_.asked.size(), 1u);
}

TEST_F(AvailabilityFeedTest, ANoticeForItsDayReadsAgainAndSendsWhatChanged) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(Slots{"10:00", "10:30", "11:00"});

  const auto deliver = [&](const std::string& notice) {
    hub_.Deliver("availability:b-1", std::make_shared<const std::string>(notice));
  };
  deliver(AvailabilityNotice("b-1", {"2026-12-05"}));
  EXPECT_EQ(source_.asked.size(), 1u) << "another day's change";
  deliver(AvailabilityNotice("b-1", {"2026-12-03", "2026-12-04"}));
  ASSERT_EQ(source_.asked.size(), 2u);
  source_.Answer(Slots{"10:00", "11:00", "11:30"});
  ASSERT_EQ(watcher->messages.size(), 2u);
  const auto change = Frame(watcher->messages[1]);
  EXPECT_EQ(change["slots"], (json{"10:00", "11:00", "11:30"}));
  EXPECT_EQ(change["added"], (json{"11:30"}));
  EXPECT_EQ(change["removed"], (json{"10:30"}));

  // An answer equal to the last sends nothing; a notice for any day reads again.
  deliver(AvailabilityNotice("b-1", {}));
  ASSERT_EQ(source_.asked.size(), 3u);
  source_.Answer(Slots{"10:00", "11:00", "11:30"});
  EXPECT_EQ(watcher->messages.size(), 2u);
}

TEST_F(AvailabilityFeedTest, ChangesHeardWhileAskingAreReadOnceMoreAfterTheAnswer) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  const auto notice = std::make_shared<const std::string>(AvailabilityNotice("b-1", {"2026-12-04"}));
  hub_.Deliver("availability:b-1", notice);
  hub_.Deliver("availability:b-1", notice);
  EXPECT_EQ(source_.asked.size(), 1u) << "one request at a time";
  source_.Answer(Slots{"10:00", "10:30"});
  ASSERT_EQ(source_.asked.size(), 2u) << "the answer may predate the changes: asked again";
  source_.Answer(Slots{"10:00"});
  EXPECT_EQ(source_.asked.size(), 2u) << "both changes were covered by one more request";
  ASSERT_EQ(watcher->messages.size(), 2u);
  EXPECT_EQ(Frame(watcher->messages[1])["removed"], (json{"10:30"}));
}

TEST_F(AvailabilityFeedTest, AnotherDayOfAWatchedBarberIsReadAtOnceOnTheSameChannel) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(Slots{"10:00"});
  const AvailabilityKey beard{"b-1", "2026-12-05", "Beard trim"};
  auto other = std::make_shared<RecordingListener>();
  feed_.Join(beard, other);
  EXPECT_EQ(subscriber_.calls, Slots{"+availability:b-1"});
  ASSERT_EQ(source_.asked.size(), 2u);
  EXPECT_EQ(source_.asked[1], beard);
  source_.Answer(Slots{"09:00"});
  ASSERT_EQ(other->messages.size(), 1u);
  EXPECT_EQ(Frame(other->messages[0])["service"], "Beard trim");
  EXPECT_EQ(feed_.key_count(), 2u);

  feed_.Leave(day_, watcher.get());
  EXPECT_EQ(subscriber_.calls.size(), 1u) << "the barber is still watched";
  feed_.Leave(beard, other.get());
  EXPECT_EQ(subscriber_.calls.back(), "-availability:b-1");
  EXPECT_EQ(feed_.key_count(), 0u);
}

TEST_F(AvailabilityFeedTest, AfterPubSubCameBackTheSlotsAreReadAgain) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(Slots{"10:00", "10:30"});
  EXPECT_EQ(hub_.OnSubscriptionsLost(), Slots{"availability:b-1"});
  EXPECT_EQ(source_.asked.size(), 1u);
  hub_.OnSubscribed("availability:b-1");
  ASSERT_EQ(source_.asked.size(), 2u) << "what changed while away is read";
  source_.Answer(Slots{"10:30"});
  ASSERT_EQ(watcher->messages.size(), 2u);
  EXPECT_EQ(Frame(watcher->messages[1])["removed"], (json{"10:00"}));
}

TEST_F(AvailabilityFeedTest, AFailedReadIsAnErrorFrameAndTheNextChangeReadsAgain) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(Slots{"10:00"});
  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  ASSERT_EQ(watcher->messages.size(), 2u);
  const auto error = Frame(watcher->messages[1]);
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["code"], "unavailable");
  EXPECT_EQ(error["message"].get<std::string>().find("core"), std::string::npos) << "no internals";
  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  source_.Answer(Slots{});
  ASSERT_EQ(watcher->messages.size(), 3u);
  EXPECT_EQ(Frame(watcher->messages[2])["removed"], (json{"10:00"}));
}

// A core that is away for a while: the watchers hear of it once, the read is tried again
// later and later, and the first read that works sends the list whole, changed or not.
TEST_F(AvailabilityFeedTest, AFailedReadIsTriedAgainLaterAndLaterUntilItWorks) {
  using std::chrono::milliseconds;
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(Slots{"10:00"});
  EXPECT_TRUE(timers_.tasks.empty()) << "nothing to try again";
  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  ASSERT_EQ(watcher->messages.size(), 2u);
  EXPECT_EQ(Frame(watcher->messages[1])["type"], "error");
  for (const auto wait : {1000, 2000, 4000, 8000, 16000, 30000, 30000}) {
    ASSERT_EQ(timers_.tasks.size(), 1u);
    ExpectAbout(timers_.RunNext(), milliseconds(wait));
    ASSERT_EQ(source_.pending.size(), 1u) << "asked again after " << wait << " ms";
    source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  }
  EXPECT_EQ(watcher->messages.size(), 2u) << "told once";
  timers_.RunNext();
  source_.Answer(Slots{"10:00"});
  ASSERT_EQ(watcher->messages.size(), 3u);
  const auto healed = Frame(watcher->messages[2]);
  EXPECT_EQ(healed["slots"], (json{"10:00"}));
  EXPECT_EQ(healed["added"], json::array());
  EXPECT_TRUE(timers_.tasks.empty());

  // The next failure starts again at a second, and is told again.
  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  EXPECT_EQ(watcher->messages.size(), 4u);
  ASSERT_EQ(timers_.tasks.size(), 1u);
  ExpectAbout(timers_.tasks.front().first, milliseconds(1000));
}

// When the core goes away every watched day fails at once; their next tries are spread
// over the last fifth of the wait, not all made in the same millisecond.
TEST_F(AvailabilityFeedTest, DaysThatFailedTogetherAreNotAllTriedAgainAtOnce) {
  auto watcher = std::make_shared<RecordingListener>();
  constexpr int kDays = 50;
  for (int day = 1; day <= kDays; ++day) {
    feed_.Join(AvailabilityKey{"b-1", "2026-12-04", "service " + std::to_string(day)}, watcher);
  }
  hub_.OnSubscribed("availability:b-1");
  while (!source_.pending.empty()) source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  std::set<std::chrono::milliseconds> waits;
  for (const auto& [wait, task] : timers_.tasks) {
    ExpectAbout(wait, std::chrono::milliseconds(1000));
    waits.insert(wait);
  }
  EXPECT_EQ(timers_.tasks.size(), static_cast<std::size_t>(kDays));
  EXPECT_GE(waits.size(), 10u) << "the tries of days that failed together are not spread";
}

TEST_F(AvailabilityFeedTest, ATryIsNotMadeWhenAChangeAskedFirstOrNobodyWatches) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));  // the first read
  ASSERT_EQ(timers_.tasks.size(), 1u);
  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  ASSERT_EQ(source_.pending.size(), 1u);
  timers_.RunNext();  // a read is out already
  EXPECT_EQ(source_.asked.size(), 2u);
  source_.Answer(Slots{"10:00"});
  EXPECT_EQ(watcher->messages.size(), 2u);  // the error, then the list

  hub_.Deliver("availability:b-1", std::make_shared<const std::string>(AvailabilityNotice("b-1", {})));
  source_.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  ASSERT_EQ(timers_.tasks.size(), 1u);
  feed_.Leave(day_, watcher.get());
  timers_.RunNext();
  EXPECT_EQ(source_.asked.size(), 3u) << "nobody watches";
  EXPECT_EQ(feed_.key_count(), 0u);
}

TEST_F(AvailabilityFeedTest, ABarberOrServiceThatIsGoneIsNotAskedForAgainUntilAChange) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  source_.Answer(MakeError(ErrorCode::kNotFound, "no such barber"));
  ASSERT_EQ(watcher->messages.size(), 1u);
  EXPECT_EQ(Frame(watcher->messages[0])["code"], "not_found");
  EXPECT_TRUE(timers_.tasks.empty());
}

TEST(AvailabilityFeedLifeTest, ATryLeftAfterTheFeedIsGoneDoesNothing) {
  FakeSubscriber subscriber;
  Hub hub{subscriber};
  FakeSlotSource source;
  FakeTimers timers;
  {
    AvailabilityFeed feed{hub, source, timers};
    auto watcher = std::make_shared<RecordingListener>();
    feed.Join(AvailabilityKey{"b-1", "2026-12-04", ""}, watcher);
    hub.OnSubscribed("availability:b-1");
    source.Answer(MakeError(ErrorCode::kUnavailable, "core down"));
  }
  ASSERT_EQ(timers.tasks.size(), 1u);
  timers.RunNext();
  EXPECT_EQ(source.asked.size(), 1u);
}

TEST_F(AvailabilityFeedTest, AKeyLeftWhileItsReadIsOutIsDroppedWithItsAnswer) {
  auto watcher = std::make_shared<RecordingListener>();
  feed_.Join(day_, watcher);
  hub_.OnSubscribed("availability:b-1");
  feed_.Leave(day_, watcher.get());
  EXPECT_EQ(subscriber_.calls.size(), 1u) << "kept until the answer";
  source_.Answer(Slots{"10:00"});
  EXPECT_TRUE(watcher->messages.empty());
  EXPECT_EQ(subscriber_.calls.back(), "-availability:b-1");
  EXPECT_EQ(feed_.key_count(), 0u);
}

class AvailabilityNoticeTest : public ::testing::Test {
 protected:
  common::ShopTime shop_time_ = *common::ShopTime::ForZone("Europe/Chisinau");

  common::TimePoint At(const std::string& text) { return *shop_time_.Parse(text); }
  std::optional<Slots> NoticeOf(const json& event) {
    auto parsed = ParseEvent(event.dump(), shop_time_);
    if (const auto* appointment = std::get_if<AppointmentEvent>(&parsed)) {
      const auto notice = AvailabilityNoticeFor(*appointment, shop_time_);
      if (!notice) return Slots{"no notice"};
      EXPECT_EQ(json::parse(*notice)["barber_id"], "b-1");
      return NoticeDates(*notice);
    }
    const auto& changed = std::get<ScheduleChangedEvent>(parsed);
    return NoticeDates(AvailabilityNoticeFor(changed, shop_time_));
  }
};

TEST_F(AvailabilityNoticeTest, ABookingTouchesTheDaysWhoseSlotsItCanTake) {
  EXPECT_EQ(DaysTouched(At("2026-12-04T10:00"), At("2026-12-04T10:30"), shop_time_), (Slots{"2026-12-04"}));
  // A slot of the evening before, for a long service, can run into an early booking.
  EXPECT_EQ(DaysTouched(At("2026-12-04T05:00"), At("2026-12-04T05:30"), shop_time_),
            (Slots{"2026-12-03", "2026-12-04"}));
  EXPECT_EQ(DaysTouched(At("2026-12-04T23:30"), At("2026-12-05T00:30"), shop_time_),
            (Slots{"2026-12-04", "2026-12-05"}));
  EXPECT_EQ(DaysTouched(At("2026-12-04T23:30"), At("2026-12-05T00:00"), shop_time_), (Slots{"2026-12-04"}));
  // Daylight-saving days are days like any other.
  EXPECT_EQ(DaysTouched(At("2026-03-29T12:00"), At("2026-03-31T01:00"), shop_time_),
            (Slots{"2026-03-29", "2026-03-30", "2026-03-31"}));
  EXPECT_EQ(DaysTouched(At("2026-10-25T12:00"), At("2026-10-26T12:00"), shop_time_),
            (Slots{"2026-10-25", "2026-10-26"}));
  EXPECT_FALSE(DaysTouched(At("2026-12-04T10:00"), At("2027-03-04T10:00"), shop_time_)) << "a long time off: any day";
}

TEST_F(AvailabilityNoticeTest, BookingsMovesAndCancellationsNoticeOthersDoNot) {
  json event{{"event_id", "e-1"},
             {"type", "appointment.created"},
             {"appointment",
              {{"id", "a-1"},
               {"barber_id", "b-1"},
               {"client_id", "c-1"},
               {"start", "2026-12-04T15:00:00+02:00"},
               {"end", "2026-12-04T15:30:00+02:00"},
               {"status", "pending"}}}};
  EXPECT_EQ(NoticeOf(event), (Slots{"2026-12-04"}));
  event["type"] = "appointment.canceled";
  EXPECT_EQ(NoticeOf(event), (Slots{"2026-12-04"}));
  event["type"] = "appointment.modified";
  event["previous"] = {{"start", "2026-12-02T12:00:00+02:00"}, {"end", "2026-12-02T12:30:00+02:00"}};
  EXPECT_EQ(NoticeOf(event), (Slots{"2026-12-04", "2026-12-02"})) << "the day it left, too";
  for (const char* type : {"appointment.confirmed", "appointment.completed", "appointment.reminder"}) {
    event["type"] = type;
    EXPECT_EQ(NoticeOf(event), (Slots{"no notice"})) << type;
  }
}

TEST_F(AvailabilityNoticeTest, ScheduleChangesNoticeTheirTimeOffsDaysOrAnyDay) {
  json event{{"event_id", "e-2"},
             {"type", "barber.schedule_changed"},
             {"occurred_at", "2026-12-01T09:00:00+02:00"},
             {"barber", {{"id", "b-1"}, {"name", "ana"}}},
             {"change", "time_off_added"},
             {"from", "2026-12-04T13:00:00+02:00"},
             {"to", "2026-12-05T10:00:00+02:00"}};
  EXPECT_EQ(NoticeOf(event), (Slots{"2026-12-04", "2026-12-05"}));
  event.erase("from");
  event.erase("to");
  event["change"] = "hours_changed";
  EXPECT_EQ(NoticeOf(event), std::nullopt) << "any day";
  EXPECT_EQ(NoticeDates("not json"), std::nullopt);
  EXPECT_EQ(NoticeDates(R"({"dates": [1]})"), std::nullopt);
}

TEST_F(AvailabilityNoticeTest, ABadScheduleEventIsPoisonAndSaysWhy) {
  const json good{{"event_id", "e-2"},
                  {"type", "barber.schedule_changed"},
                  {"barber", {{"id", "b-1"}, {"name", "ana"}}},
                  {"change", "services_changed"}};
  EXPECT_TRUE(std::holds_alternative<ScheduleChangedEvent>(ParseEvent(good.dump(), shop_time_)));
  const auto poison = [&](const json& event) {
    auto parsed = ParseEvent(event.dump(), shop_time_);
    return std::holds_alternative<PoisonReason>(parsed) ? std::get<PoisonReason>(parsed).code : "parsed";
  };
  auto no_barber = good;
  no_barber.erase("barber");
  EXPECT_EQ(poison(no_barber), "missing_field");
  auto no_change = good;
  no_change.erase("change");
  EXPECT_EQ(poison(no_change), "missing_field");
  auto odd_id = good;
  odd_id["barber"]["id"] = "b 1:*";
  EXPECT_EQ(poison(odd_id), "bad_field");
  auto bad_time = good;
  bad_time["from"] = "yesterday";
  EXPECT_EQ(poison(bad_time), "bad_time");
}

}  // namespace
}  // namespace barbershop::realtime::hub
