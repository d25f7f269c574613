#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "domain/bookings.hpp"
#include "domain/price_list.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;

class BookableTest : public ::testing::Test {
 protected:
  BookableTest() : shop_(common::ShopTime::ForZone("Europe/Chisinau").value()) {
    for (unsigned day = 1; day <= 6; ++day) barber_.hours.push_back({day, 9 * 60, 18 * 60});
    barber_.name = "Ana";
  }
  common::Status Check(const char* start, TimePoint now, std::chrono::minutes length = 30min) {
    const auto t = shop_.Parse(start).value();
    return CheckBookable(barber_, t, t + length, now, shop_, rules_);
  }
  TimePoint At(const char* text) { return shop_.Parse(text).value(); }
  /// The free slots' starts on the shop's day `day`, as "HH:MM" with "+03" after those in
  /// summer time when `offsets` is set.
  std::vector<std::string> Slots(const char* day, const char* now, const Busy& busy = {},
                                 std::chrono::minutes length = 30min, bool offsets = false) {
    std::vector<std::string> out;
    for (const auto t : FreeSlots(barber_, shop_.ToLocal(At((std::string(day) + "T00:00").c_str())), At(now), busy,
                                  shop_, rules_, length)) {
      const auto text = shop_.Format(t);
      out.push_back(text.substr(11, 5) + (offsets ? text.substr(19, 3) : ""));
    }
    return out;
  }
  /// Round the clock, every day.
  void WorkAllDay() {
    barber_.hours.clear();
    for (unsigned day = 1; day <= 7; ++day) barber_.hours.push_back({day, 0, 24 * 60});
  }

  common::ShopTime shop_;
  Barber barber_;
  BookingRules rules_;
};

/// Whether `status` failed with `code` and a message that contains `says`.
::testing::AssertionResult Refused(const common::Status& status, common::ErrorCode code, const std::string& says) {
  if (status) return ::testing::AssertionFailure() << "it was allowed";
  if (status.error().code != code || status.error().message.find(says) == std::string::npos) {
    return ::testing::AssertionFailure() << common::ErrorCodeName(status.error().code) << ": "
                                         << status.error().message;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(BookableTest, InsideWorkingHoursIsFine) {
  EXPECT_TRUE(Check("2026-12-07T09:00", At("2026-12-01T08:00")));  // Monday, opening time
  EXPECT_TRUE(Check("2026-12-07T17:30", At("2026-12-01T08:00")));  // ends at closing time
}

TEST_F(BookableTest, OutsideWorkingHoursIsRefusedWithTheHours) {
  const auto late = Check("2026-12-07T17:30", At("2026-12-01T08:00"), 45min);
  EXPECT_TRUE(Refused(late, common::ErrorCode::kFailedPrecondition, "Mon 09:00-18:00"));
  EXPECT_FALSE(Check("2026-12-07T08:30", At("2026-12-01T08:00")));
  EXPECT_FALSE(Check("2026-12-06T10:00", At("2026-12-01T08:00")));  // Sunday
}

TEST_F(BookableTest, PastAndFarFutureAreRefused) {
  EXPECT_TRUE(Refused(Check("2026-12-07T10:00", At("2026-12-07T10:00")), common::ErrorCode::kInvalidArgument, "past"));
  EXPECT_TRUE(Refused(Check("2028-12-07T10:00", At("2026-12-01T08:00")), common::ErrorCode::kFailedPrecondition,
                      "too far ahead: bookings open at most 366 days ahead"));
}

TEST_F(BookableTest, HoursFollowWallClockAcrossDaylightSaving) {
  // The Monday after the clocks go forward: still 09:00 to 18:00 on the wall clock.
  EXPECT_TRUE(Check("2026-03-30T09:00", At("2026-03-01T08:00")));
  EXPECT_FALSE(Check("2026-03-30T08:30", At("2026-03-01T08:00")));
  EXPECT_TRUE(Check("2026-03-30T17:30", At("2026-03-01T08:00")));
}

TEST_F(BookableTest, FreeSlotsAreWorkingHoursLessWhatIsTakenAndPast) {
  // A whole free day: 09:00 to 17:30, every half hour.
  const auto all = Slots("2026-12-07", "2026-12-01T08:00");
  ASSERT_EQ(all.size(), 18U);
  EXPECT_EQ(all.front(), "09:00");
  EXPECT_EQ(all.back(), "17:30");
  // An appointment at 10:00, an hour off from 12:15 (it blocks 12:00 and 12:30), and
  // the morning already gone at 11:05.
  const Busy busy{{{At("2026-12-07T12:15"), At("2026-12-07T13:15")}},
                  {{At("2026-12-07T10:00"), At("2026-12-07T10:30")}}};
  EXPECT_EQ(Slots("2026-12-07", "2026-12-07T11:05", busy),
            (std::vector<std::string>{"11:30", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00",
                                      "17:30"}));
  // Sunday: no working hours; and beyond the horizon nothing is bookable.
  EXPECT_TRUE(Slots("2026-12-06", "2026-12-01T08:00").empty());
  EXPECT_TRUE(Slots("2026-12-07", "2025-11-01T08:00").empty());
}

TEST_F(BookableTest, AServiceFitsItsWholeLengthOnTheHalfHours) {
  // Seventy-five minutes, with 10:00 to 10:30 taken: 09:00 and 09:30 would run into it,
  // and the last start, 16:30, ends by 18:00.
  const Busy busy{{}, {{At("2026-12-07T10:00"), At("2026-12-07T10:30")}}};
  const auto slots = Slots("2026-12-07", "2026-12-01T08:00", busy, 75min);
  ASSERT_EQ(slots.size(), 13U);  // 10:30 to 16:30, every half hour
  EXPECT_EQ(slots.front(), "10:30");
  EXPECT_EQ(slots.back(), "16:30");
}

TEST_F(BookableTest, ABufferKeepsTimeFreeAfterEveryAppointmentTheSlotsOwnToo) {
  rules_.buffer = 15min;
  rules_.grid = 15min;
  // Taken 10:00 to 10:30, with its own buffer to 10:45.  A 30-minute slot needs its end
  // and 15 minutes after it clear: 09:15 (ends 09:45, free until 10:00) is the last
  // before, and 10:45 the first after.
  const Busy busy{{}, {{At("2026-12-07T10:00"), At("2026-12-07T10:45")}}};
  const auto slots = Slots("2026-12-07", "2026-12-01T08:00", busy);
  EXPECT_EQ(std::vector<std::string>(slots.begin(), slots.begin() + 4),
            (std::vector<std::string>{"09:00", "09:15", "10:45", "11:00"}));
  // The buffer after the day's last appointment may run past closing: 17:30 is offered.
  EXPECT_EQ(slots.back(), "17:30");
  // Time off needs no buffer around it.
  const Busy off{{{At("2026-12-07T10:00"), At("2026-12-07T17:00")}}, {}};
  EXPECT_EQ(Slots("2026-12-07", "2026-12-01T08:00", off),
            (std::vector<std::string>{"09:00", "09:15", "09:30", "17:00", "17:15", "17:30"}));
}

TEST_F(BookableTest, AMinimumNoticeKeepsTheNextHourFromBeingBooked) {
  rules_.min_notice = 60min;
  const auto now = At("2026-12-07T09:10");
  EXPECT_EQ(Slots("2026-12-07", "2026-12-07T09:10").front(), "10:30");
  EXPECT_TRUE(Refused(Check("2026-12-07T10:00", now), common::ErrorCode::kFailedPrecondition,
                      "too soon: Ana takes bookings at least 1 hour ahead"));
  EXPECT_TRUE(Check("2026-12-07T10:30", now));
  EXPECT_TRUE(Refused(Check("2026-12-07T09:00", now), common::ErrorCode::kInvalidArgument, "past"));
}

TEST_F(BookableTest, AHorizonOfSixtyDaysClosesTheDaysAfter) {
  rules_.horizon_days = 60;
  const auto now = At("2026-12-01T08:00");
  EXPECT_TRUE(Check("2027-01-29T09:00", now));  // 59 days and an hour ahead
  EXPECT_TRUE(Refused(Check("2027-02-01T09:00", now), common::ErrorCode::kFailedPrecondition,
                      "too far ahead: bookings open at most 60 days ahead"));
  EXPECT_EQ(Slots("2027-01-29", "2026-12-01T08:00").size(), 18U);
  // 2027-01-30 opens 60 days and an hour ahead: nothing that day.
  EXPECT_TRUE(Slots("2027-01-30", "2026-12-01T08:00").empty());
  EXPECT_TRUE(Slots("2027-02-01", "2026-12-01T08:00").empty());
}

TEST_F(BookableTest, TheGridSetsWhereSlotsStartFromEachOpening) {
  rules_.grid = 15min;
  const auto now = At("2026-12-01T08:00");
  const auto slots = Slots("2026-12-07", "2026-12-01T08:00");
  EXPECT_EQ(slots.size(), 35U);  // 09:00 to 17:30, every 15 minutes
  EXPECT_EQ(slots[1], "09:15");
  EXPECT_EQ(Slots("2026-12-07", "2026-12-01T08:00", {}, 45min).back(), "17:15");
  EXPECT_TRUE(Check("2026-12-07T09:45", now));
  EXPECT_TRUE(Refused(Check("2026-12-07T09:10", now), common::ErrorCode::kFailedPrecondition,
                      "off the grid: Ana's appointments start every 15 minutes from 09:00"));
  EXPECT_TRUE(Refused(Check("2026-12-07T09:15:30", now), common::ErrorCode::kFailedPrecondition, "off the grid"));
  // A second stretch of hours starts its own grid at its opening.
  barber_.hours = {{1, 9 * 60, 12 * 60}, {1, 13 * 60 + 10, 14 * 60}};
  EXPECT_EQ(Slots("2026-12-07", "2026-12-01T08:00").back(), "13:25");
  EXPECT_TRUE(Check("2026-12-07T13:10", now));
  EXPECT_FALSE(Check("2026-12-07T13:15", now));
}

TEST_F(BookableTest, HoursThatCloseAtMidnightRunOnIntoTheNextDaysThatOpenThen) {
  // Friday 20:00-24:00 and Saturday 00:00-02:00.
  barber_.hours = {{5, 20 * 60, 24 * 60}, {6, 0, 2 * 60}};
  const auto now = At("2026-12-01T08:00");
  EXPECT_TRUE(Check("2026-12-04T23:30", now, 60min));
  EXPECT_TRUE(Check("2026-12-04T23:30", now, 150min));
  EXPECT_FALSE(Check("2026-12-04T23:30", now, 180min));  // past 02:00
  EXPECT_TRUE(Check("2026-12-05T01:30", now));
  EXPECT_FALSE(Check("2026-12-05T01:30", now, 60min));
  EXPECT_EQ(Slots("2026-12-04", "2026-12-01T08:00", {}, 60min).back(), "23:30");
  EXPECT_EQ(Slots("2026-12-05", "2026-12-01T08:00"), (std::vector<std::string>{"00:00", "00:30", "01:00", "01:30"}));
  // Hours closing at midnight with nothing after them end there.
  barber_.hours = {{5, 20 * 60, 24 * 60}};
  EXPECT_FALSE(Check("2026-12-04T23:30", now, 60min));
  // Round the clock: an evening booking "an hour from now" and a long one over midnight.
  WorkAllDay();
  rules_.grid = 15min;
  EXPECT_TRUE(Check("2026-12-06T23:45", At("2026-12-06T22:45")));
  EXPECT_TRUE(Check("2026-12-06T23:30", now, 480min));
  EXPECT_EQ(Slots("2026-12-06", "2026-12-06T22:45"), (std::vector<std::string>{"23:00", "23:15", "23:30", "23:45"}));
}

// The clocks go forward at 03:00 on 29 March 2026 in Chisinau, to 03:00 summer time:
// 02:00 to 02:59 never shows.  No slot falls in it, and the day has 23 hours of slots.
TEST_F(BookableTest, OnTheDayTheClocksGoForwardTheSkippedHourHasNoSlots) {
  WorkAllDay();
  const auto slots = Slots("2026-03-29", "2026-03-01T08:00", {}, 30min, true);
  ASSERT_EQ(slots.size(), 46U);
  EXPECT_EQ(std::vector<std::string>(slots.begin() + 2, slots.begin() + 6),
            (std::vector<std::string>{"01:00+02", "01:30+02", "03:00+03", "03:30+03"}));
  EXPECT_EQ(std::count_if(slots.begin(), slots.end(), [](const std::string& s) { return s.substr(0, 2) == "02"; }), 0);
  // 01:30 is a whole 30 minutes long: it ends at 03:00 on the wall clock.
  EXPECT_TRUE(Check("2026-03-29T01:30", At("2026-03-01T08:00")));
  // Opening at 09:00 that day, the grid runs on the wall clock as on any other day.
  barber_.hours = {{7, 9 * 60, 18 * 60}};
  EXPECT_EQ(Slots("2026-03-29", "2026-03-01T08:00").size(), 18U);
}

// The clocks go back at 03:00 on 25 October 2026, to 02:00 winter time: 02:00 to 02:59
// shows twice, first in summer time (+03:00), then in winter time (+02:00).  The rule: a
// wall-clock time that shows twice is offered once, at its first instant; the second is
// off the grid.
TEST_F(BookableTest, OnTheDayTheClocksGoBackTheRepeatedHourIsOfferedOnce) {
  WorkAllDay();
  const auto now = At("2026-10-01T08:00");
  const auto slots = Slots("2026-10-25", "2026-10-01T08:00", {}, 30min, true);
  ASSERT_EQ(slots.size(), 48U);
  EXPECT_EQ(std::vector<std::string>(slots.begin() + 3, slots.begin() + 8),
            (std::vector<std::string>{"01:30+03", "02:00+03", "02:30+03", "03:00+02", "03:30+02"}));
  EXPECT_EQ(std::set<std::string>(slots.begin(), slots.end()).size(), slots.size());
  EXPECT_TRUE(Check("2026-10-25T02:30+03:00", now));
  EXPECT_TRUE(Refused(Check("2026-10-25T02:30+02:00", now), common::ErrorCode::kFailedPrecondition,
                      "off the grid: 02:30 comes twice"));
  // Wall-clock text names the first of the two.
  EXPECT_TRUE(Check("2026-10-25T02:30", now));
  // Taken from 02:30 (summer time) for 90 real minutes, to 03:00 in winter time: the
  // next slot is 03:00.
  const Busy busy{{}, {{At("2026-10-25T02:30+03:00"), At("2026-10-25T03:00+02:00")}}};
  const auto left = Slots("2026-10-25", "2026-10-01T08:00", busy, 30min, true);
  EXPECT_EQ(std::vector<std::string>(left.begin() + 4, left.begin() + 6),
            (std::vector<std::string>{"02:00+03", "03:00+02"}));
}

TEST(PriceListTest, ServicesAreCheckedAndFoundIgnoringCase) {
  EXPECT_TRUE(ValidateService({"Haircut", 30min, 2500}));
  EXPECT_TRUE(ValidateService({"Стрижка", 480min, 0}));
  EXPECT_FALSE(ValidateService({"", 30min, 2500}));
  EXPECT_FALSE(ValidateService({"   ", 30min, 2500}));
  EXPECT_FALSE(ValidateService({"Hair\ncut", 30min, 2500}));
  EXPECT_FALSE(ValidateService({std::string(65, 'a'), 30min, 2500}));
  EXPECT_FALSE(ValidateService({"\xff", 30min, 2500}));
  EXPECT_FALSE(ValidateService({"Haircut", 0min, 2500}));
  EXPECT_FALSE(ValidateService({"Haircut", 32min, 2500}));
  EXPECT_FALSE(ValidateService({"Haircut", 485min, 2500}));
  EXPECT_FALSE(ValidateService({"Haircut", 30min, -1}));
  EXPECT_FALSE(ValidateService({"Haircut", 30min, 100000001}));
  EXPECT_EQ(ValidateService({"Haircut", 32min, 0}).error().code, common::ErrorCode::kInvalidArgument);

  Barber ana;
  ana.services = {{"Beard trim", 15min, 1000}, {"Haircut", 30min, 2500}};
  ASSERT_NE(FindService(ana, "haircut"), nullptr);
  EXPECT_EQ(FindService(ana, "HAIRCUT")->price_cents, 2500);
  EXPECT_EQ(FindService(ana, "Beard"), nullptr);
  EXPECT_EQ(FindService(ana, ""), nullptr);
}

TEST(IsPartyTest, ClientBarberAndAdminOnly) {
  Appointment a;
  a.client_id = "c";
  a.barber_id = "b";
  EXPECT_TRUE(IsParty({"c", Role::kCustomer}, a));
  EXPECT_TRUE(IsParty({"b", Role::kBarber}, a));
  EXPECT_TRUE(IsParty({"x", Role::kAdmin}, a));
  EXPECT_FALSE(IsParty({"x", Role::kCustomer}, a));
  EXPECT_FALSE(IsParty({"x", Role::kBarber}, a));
}

}  // namespace
}  // namespace barbershop::core::domain
