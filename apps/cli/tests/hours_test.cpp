#include "hours.hpp"

#include <gtest/gtest.h>

#include <string>

namespace barbershop::cli {
namespace {

Barber WithHours(const std::string& text) {
  SaveBarberRequest request;
  EXPECT_EQ(ParseHours(text, request), std::nullopt) << text;
  Barber barber;
  *barber.mutable_hours() = request.hours();
  return barber;
}

TEST(HoursTest, DaysWithTheSameHoursAreGrouped) {
  EXPECT_EQ(FormatHours(WithHours("Mon-Sat 09:00-18:00")), "Mon-Sat 09:00-18:00");
  EXPECT_EQ(FormatHours(WithHours("Mon-Fri 09:00-18:00, Sat 10:00-14:00")), "Mon-Fri 09:00-18:00, Sat 10:00-14:00");
}

TEST(HoursTest, AGapSplitsAGroup) {
  EXPECT_EQ(FormatHours(WithHours("Mon-Tue 09:00-18:00, Thu 09:00-18:00")), "Mon-Tue 09:00-18:00, Thu 09:00-18:00");
}

TEST(HoursTest, HoursInAnyOrderComeOutByWeekday) {
  EXPECT_EQ(FormatHours(WithHours("Sun 10:00-12:00, Mon 09:00-17:00")), "Mon 09:00-17:00, Sun 10:00-12:00");
}

TEST(HoursTest, NoHours) { EXPECT_EQ(FormatHours(Barber{}), "no working hours"); }

TEST(HoursTest, ParsingSetsOneEntryPerDay) {
  SaveBarberRequest request;
  ASSERT_EQ(ParseHours("Thu-Sat 08:30-16:00", request), std::nullopt);
  ASSERT_EQ(request.hours_size(), 3);
  EXPECT_EQ(request.hours(0).weekday(), 4);
  EXPECT_EQ(request.hours(2).weekday(), 6);
  EXPECT_EQ(request.hours(1).opens(), "08:30");
  EXPECT_EQ(request.hours(1).closes(), "16:00");
}

TEST(HoursTest, UnreadableHoursAreAUsageError) {
  for (const char* bad : {"Monday 09:00-18:00", "Fri-Mon 09:00-18:00", "Mon 09:00", "Mon 09:00-18:00 extra", "Mon"}) {
    SaveBarberRequest request;
    const auto failure = ParseHours(bad, request);
    ASSERT_TRUE(failure.has_value()) << bad;
    EXPECT_EQ(failure->exit_code, kExitUsage) << bad;
    EXPECT_NE(failure->message.find(bad), std::string::npos) << failure->message;
  }
}

}  // namespace
}  // namespace barbershop::cli
