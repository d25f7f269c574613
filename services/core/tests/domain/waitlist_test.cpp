#include "domain/waitlist.hpp"

#include <gtest/gtest.h>

#include "domain/bookings.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

// Ana works Monday to Saturday 09:00-18:00 (30-minute slots); the clock stands at Tuesday
// 2026-12-01 08:00.  Carol has Monday 7 December at 10:00 booked; Dave and Erin wait for
// 10:00 to 10:30 that day, Dave first.
class WaitlistTest : public ShopFixture {
 protected:
  WaitlistTest()
      : ana_(AddBarber("ana", "Ana")),
        carol_(AddCustomer("carol")),
        dave_(AddCustomer("dave")),
        erin_(AddCustomer("erin")),
        root_(AddAdmin("root")) {
    booked_ = bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana").value();
  }

  common::Result<WaitlistEntry> Join(const User& who, const std::string& from = "10:00",
                                     const std::string& to = "10:30") {
    return waitlist_.Join(As(who), "", "Ana", "2026-12-07", from, to, "");
  }
  /// Carol cancels, and the time is offered on, as the call's handler does.
  void CarolCancels() {
    ASSERT_TRUE(bookings_.Cancel(As(carol_), booked_.id));
    ASSERT_TRUE(waitlist_.OfferFreed(ana_.id, {booked_.starts_at - kLongestBuffer, booked_.ends_at}));
  }
  std::optional<WaitlistHold> HoldOf(const User& who) {
    auto entries = waitlist_.List(As(who), "");
    EXPECT_TRUE(entries);
    for (const auto& entry : *entries) {
      if (entry.hold) return entry.hold;
    }
    return std::nullopt;
  }
  /// The offers in the outbox, oldest first.
  std::vector<nlohmann::json> Offers() {
    std::vector<nlohmann::json> offers;
    for (const auto& row : work_.store().outbox) {
      if (row.event.routing_key == kWaitlistOfferKey) offers.push_back(nlohmann::json::parse(row.event.payload_json));
    }
    return offers;
  }

  User ana_, carol_, dave_, erin_, root_;
  BookingService bookings_{work_, Shop(), clock_, policy_};
  WaitlistPolicy rules_{};
  WaitlistService waitlist_{work_, Shop(), clock_, policy_, rules_};
  Appointment booked_;
};

TEST_F(WaitlistTest, ACancellationOffersTheTimeToTheFirstInLineAndNoOneElseCanBookIt) {
  ASSERT_TRUE(Join(dave_));
  ASSERT_TRUE(Join(erin_));
  EXPECT_FALSE(HoldOf(dave_));  // nothing free in the window yet
  CarolCancels();
  const auto hold = HoldOf(dave_);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->during.from, At("2026-12-07T10:00"));
  EXPECT_EQ(hold->during.to, At("2026-12-07T10:30"));
  EXPECT_EQ(hold->expires_at, clock_.Now() + rules_.hold);
  EXPECT_FALSE(HoldOf(erin_));
  const auto offers = Offers();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0]["hold"]["client_id"], dave_.id);
  EXPECT_EQ(offers[0]["hold"]["start"], "2026-12-07T10:00:00+02:00");

  // Held: not offered as a slot, and refused to anyone else, the barber's customers and
  // an admin booking for someone else alike.
  const auto slots = bookings_.Slots("Ana", "2026-12-07");
  ASSERT_TRUE(slots);
  EXPECT_EQ(std::count(slots->begin(), slots->end(), At("2026-12-07T10:00")), 0);
  const auto taken = bookings_.Create(As(erin_), "", "2026-12-07T10:00", "Ana");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(taken.error().message.find("held for a customer on the waitlist"), std::string::npos);
  EXPECT_FALSE(bookings_.Create(As(root_), carol_.id, "2026-12-07T10:00", "Ana"));

  // Dave claims it: his booking, his entry booked.
  const auto claimed = waitlist_.Claim(As(dave_), hold->id);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(claimed->client_id, dave_.id);
  EXPECT_EQ(claimed->starts_at, At("2026-12-07T10:00"));
  const auto entries = waitlist_.List(As(dave_), "");
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].state, "booked");
  EXPECT_FALSE((*entries)[0].hold);
  // A second claim is refused, and books nothing more.
  EXPECT_EQ(waitlist_.Claim(As(dave_), hold->id).error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(WaitlistTest, ALapsedHoldGoesToTheNextInLineAndTheFirstCanNoLongerClaimIt) {
  ASSERT_TRUE(Join(dave_));
  ASSERT_TRUE(Join(erin_));
  CarolCancels();
  const auto first = HoldOf(dave_);
  ASSERT_TRUE(first);
  clock_.Advance(std::chrono::duration_cast<std::chrono::seconds>(rules_.hold) + 1s);
  // Until the sweep, the time stays held: it passes down the line, not to whoever is quickest.
  EXPECT_FALSE(bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana"));
  const auto lapsed = waitlist_.Sweep(100);
  ASSERT_TRUE(lapsed);
  EXPECT_EQ(*lapsed, 1);
  const auto second = HoldOf(erin_);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->during.from, At("2026-12-07T10:00"));
  const auto late = waitlist_.Claim(As(dave_), first->id);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
  // Dave's entry waits on, but is not offered the time he let lapse again.
  EXPECT_FALSE(HoldOf(dave_));
  ASSERT_TRUE(waitlist_.Claim(As(erin_), second->id));
}

TEST_F(WaitlistTest, APassedTimeGoesToTheNextAndALeftEntryGivesBackItsHold) {
  ASSERT_TRUE(Join(dave_));
  const auto erins = Join(erin_);
  ASSERT_TRUE(erins);
  CarolCancels();
  const auto hold = HoldOf(dave_);
  ASSERT_TRUE(hold);
  const auto passed = waitlist_.Pass(As(dave_), hold->id);
  ASSERT_TRUE(passed) << passed.error().message;
  EXPECT_EQ(passed->state, "waiting");
  const auto erins_hold = HoldOf(erin_);
  ASSERT_TRUE(erins_hold);
  // Erin leaves: her hold is withdrawn, and Dave, who passed that time, is not offered it.
  ASSERT_TRUE(waitlist_.Leave(As(erin_), erins->id));
  EXPECT_FALSE(HoldOf(erin_));
  EXPECT_FALSE(HoldOf(dave_));
  EXPECT_TRUE(bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana"));
}

// Carol's cancellation is committed, and the copy stops before its offers (none made
// here): the recheck offers the time to the first in line, once.
TEST_F(WaitlistTest, ARecheckOffersATimeFreedWithoutItsOffersToTheFirstInLineOnce) {
  ASSERT_TRUE(Join(dave_));
  ASSERT_TRUE(Join(erin_));
  ASSERT_TRUE(bookings_.Cancel(As(carol_), booked_.id));
  EXPECT_FALSE(HoldOf(dave_));
  const auto offered = waitlist_.Recheck(100);
  ASSERT_TRUE(offered) << offered.error().message;
  EXPECT_EQ(*offered, 1);
  const auto hold = HoldOf(dave_);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->during.from, At("2026-12-07T10:00"));
  EXPECT_FALSE(HoldOf(erin_));
  // Nothing else is free in a waiting window: the next recheck offers nothing.
  const auto again = waitlist_.Recheck(100);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Offers().size(), 1u);
  // Once the day is over, no line waits for it.
  clock_.Advance(24h * 7);
  EXPECT_TRUE(work_.waitlist().WaitingLines(clock_.Now(), 100)->empty());
}

TEST_F(WaitlistTest, ATimeFreeWhenJoiningIsOfferedAtOnce) {
  const auto entry = Join(dave_, "11:00", "12:00");
  ASSERT_TRUE(entry);
  ASSERT_TRUE(entry->hold);
  EXPECT_EQ(entry->hold->during.from, At("2026-12-07T11:00"));
}

TEST_F(WaitlistTest, EachCallIsForTheCustomerOwnEntriesAndHolds) {
  const auto entry = Join(dave_, "11:00", "12:00");
  ASSERT_TRUE(entry);
  ASSERT_TRUE(entry->hold);
  EXPECT_EQ(waitlist_.Leave(As(erin_), entry->id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(waitlist_.Claim(As(erin_), entry->hold->id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(waitlist_.Pass(As(erin_), entry->hold->id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(waitlist_.List(As(erin_), dave_.id).error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(waitlist_.Join(As(erin_), dave_.id, "Ana", "2026-12-07", "10:00", "10:30", "").error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(waitlist_.List(As(root_), dave_.id));
  EXPECT_TRUE(waitlist_.Leave(As(root_), entry->id));
}

TEST_F(WaitlistTest, BadWindowsAndTooManyEntriesAreRefused) {
  EXPECT_EQ(Join(dave_, "10:00", "10:15").error().code, ErrorCode::kInvalidArgument);  // shorter than 30 minutes
  EXPECT_EQ(Join(dave_, "ten", "11:00").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(waitlist_.Join(As(dave_), "", "Ana", "2026-11-30", "10:00", "11:00", "").error().code,
            ErrorCode::kInvalidArgument);  // passed
  EXPECT_EQ(waitlist_.Join(As(dave_), "", "Zed", "2026-12-07", "10:00", "11:00", "").error().code,
            ErrorCode::kNotFound);
  for (int i = 0; i < rules_.max_entries; ++i) ASSERT_TRUE(Join(dave_));
  EXPECT_EQ(Join(dave_).error().code, ErrorCode::kResourceExhausted);
}

}  // namespace
}  // namespace barbershop::core::domain
