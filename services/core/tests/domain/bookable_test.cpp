#include <gtest/gtest.h>

#include "domain/bookings.hpp"

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
  EXPECT_TRUE(Check("2026-12-07T09:00", At("2026-12-01T08:00")));   // Monday, opening time
  EXPECT_TRUE(Check("2026-12-07T17:30", At("2026-12-01T08:00")));   // ends at closing time
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
