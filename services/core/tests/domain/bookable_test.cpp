#include <gtest/gtest.h>

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
  common::Status Check(const char* start, TimePoint now) {
    const auto t = shop_.Parse(start).value();
    return CheckBookable(barber_, t, t + policy_.default_length, now, shop_, policy_);
  }
  TimePoint At(const char* text) { return shop_.Parse(text).value(); }

  common::ShopTime shop_;
  Barber barber_;
  BookingPolicy policy_;
};

TEST_F(BookableTest, InsideWorkingHoursIsFine) {
  EXPECT_TRUE(Check("2026-12-07T09:00", At("2026-12-01T08:00")));  // Monday, opening time
  EXPECT_TRUE(Check("2026-12-07T17:30", At("2026-12-01T08:00")));  // ends at closing time
}

TEST_F(BookableTest, OutsideWorkingHoursIsRefusedWithTheHours) {
  const auto late = Check("2026-12-07T17:45", At("2026-12-01T08:00"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, common::ErrorCode::kFailedPrecondition);
  EXPECT_NE(late.error().message.find("Mon 09:00-18:00"), std::string::npos) << late.error().message;
  EXPECT_FALSE(Check("2026-12-07T08:59", At("2026-12-01T08:00")));
  EXPECT_FALSE(Check("2026-12-06T10:00", At("2026-12-01T08:00")));  // Sunday
}

TEST_F(BookableTest, PastAndFarFutureAreRefused) {
  const auto past = Check("2026-12-07T10:00", At("2026-12-07T10:00"));
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, common::ErrorCode::kInvalidArgument);
  EXPECT_NE(past.error().message.find("past"), std::string::npos);
  EXPECT_FALSE(Check("2028-12-07T10:00", At("2026-12-01T08:00")));
}

TEST_F(BookableTest, HoursFollowWallClockAcrossDaylightSaving) {
  // The Monday after the clocks go forward: still 09:00 to 18:00 on the wall clock.
  EXPECT_TRUE(Check("2026-03-30T09:00", At("2026-03-01T08:00")));
  EXPECT_FALSE(Check("2026-03-30T08:30", At("2026-03-01T08:00")));
  EXPECT_TRUE(Check("2026-03-30T17:30", At("2026-03-01T08:00")));
}

TEST_F(BookableTest, FreeSlotsAreWorkingHoursLessWhatIsTakenAndPast) {
  const auto monday = shop_.ToLocal(At("2026-12-07T00:00"));
  const auto starts = [&](const std::vector<TimePoint>& slots) {
    std::vector<std::string> out;
    for (const auto t : slots) out.push_back(shop_.Format(t).substr(11, 5));
    return out;
  };
  // A whole free day: 09:00 to 17:30, every half hour.
  const auto all = FreeSlots(barber_, monday, At("2026-12-01T08:00"), {}, shop_, policy_, policy_.default_length);
  ASSERT_EQ(all.size(), 18U);
  EXPECT_EQ(starts(all).front(), "09:00");
  EXPECT_EQ(starts(all).back(), "17:30");
  // An appointment at 10:00, an hour off from 12:15 (it blocks 12:00 and 12:30), and
  // the morning already gone at 11:05.
  const std::vector<TimeRange> busy{{At("2026-12-07T10:00"), At("2026-12-07T10:30")},
                                    {At("2026-12-07T12:15"), At("2026-12-07T13:15")}};
  const auto left = FreeSlots(barber_, monday, At("2026-12-07T11:05"), busy, shop_, policy_, policy_.default_length);
  EXPECT_EQ(starts(left), (std::vector<std::string>{"11:30", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00",
                                                    "16:30", "17:00", "17:30"}));
  // Sunday: no working hours; and beyond the horizon nothing is bookable.
  EXPECT_TRUE(FreeSlots(barber_, shop_.ToLocal(At("2026-12-06T00:00")), At("2026-12-01T08:00"), {}, shop_, policy_,
                        policy_.default_length)
                  .empty());
  EXPECT_TRUE(FreeSlots(barber_, monday, At("2025-11-01T08:00"), {}, shop_, policy_, policy_.default_length).empty());
}

TEST_F(BookableTest, AServiceFitsItsWholeLengthOnTheHalfHours) {
  const auto monday = shop_.ToLocal(At("2026-12-07T00:00"));
  // Seventy-five minutes, with 10:00 to 10:30 taken: 09:00 and 09:30 would run into it,
  // and the last start, 16:30, ends by 18:00.
  const std::vector<TimeRange> busy{{At("2026-12-07T10:00"), At("2026-12-07T10:30")}};
  const auto slots = FreeSlots(barber_, monday, At("2026-12-01T08:00"), busy, shop_, policy_, 75min);
  ASSERT_FALSE(slots.empty());
  EXPECT_EQ(shop_.Format(slots.front()).substr(11, 5), "10:30");
  EXPECT_EQ(shop_.Format(slots.back()).substr(11, 5), "16:30");
  EXPECT_EQ(slots.size(), 13U);  // 10:30 to 16:30, every half hour
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
