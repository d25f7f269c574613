#include "barbershop/common/shop_time.hpp"

#include <gtest/gtest.h>

namespace barbershop::common {
namespace {

ShopTime Chisinau() { return ShopTime::ForZone("Europe/Chisinau").value(); }

TEST(ShopTimeTest, RejectsUnknownZone) {
  const auto zone = ShopTime::ForZone("Mars/Olympus_Mons");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().code, ErrorCode::kInvalidArgument);
}

TEST(ShopTimeTest, LocalTextIsShopWallClock) {
  const auto shop = Chisinau();
  const auto instant = shop.Parse("2026-12-01T15:00:00");
  ASSERT_TRUE(instant);
  EXPECT_EQ(shop.Format(*instant), "2026-12-01T15:00:00+02:00");
  // Summer time is +03:00.
  EXPECT_EQ(shop.Format(shop.Parse("2026-07-01T15:00").value()), "2026-07-01T15:00:00+03:00");
}

TEST(ShopTimeTest, FormatsZonesWestOfUtcAndWithHalfHourOffsets) {
  const auto new_york = ShopTime::ForZone("America/New_York").value();
  EXPECT_EQ(new_york.Format(new_york.Parse("2026-01-05T09:05:07").value()), "2026-01-05T09:05:07-05:00");
  const auto kolkata = ShopTime::ForZone("Asia/Kolkata").value();
  EXPECT_EQ(kolkata.Format(kolkata.Parse("2027-03-31T23:59:59").value()), "2027-03-31T23:59:59+05:30");
  const auto utc = ShopTime::ForZone("UTC").value();
  EXPECT_EQ(utc.Format(TimePoint{std::chrono::seconds{0}}), "1970-01-01T00:00:00+00:00");
}

TEST(ShopTimeTest, OffsetsAreTakenAsGiven) {
  const auto shop = Chisinau();
  EXPECT_EQ(shop.Format(shop.Parse("2026-12-01T13:00:00Z").value()), "2026-12-01T15:00:00+02:00");
  EXPECT_EQ(shop.Format(shop.Parse("2026-12-01T10:00:00-03:00").value()), "2026-12-01T15:00:00+02:00");
  EXPECT_EQ(shop.Format(shop.Parse("2026-12-01 18:30+0530").value()), "2026-12-01T15:00:00+02:00");
  EXPECT_EQ(shop.Parse("2026-12-01T13:00:00.250Z").value(), shop.Parse("2026-12-01T13:00:00Z").value());
}

TEST(ShopTimeTest, MalformedTextIsInvalidArgument) {
  const auto shop = Chisinau();
  for (const char* bad : {"", "tomorrow", "2026-12-01", "2026-13-01T10:00", "2026-02-30T10:00", "2026-12-01T24:00",
                          "2026-12-01T10:60", "2026-12-01T10:00+25:00", "2026-12-01T10:00:00Zjunk", "2026-1-01T10:00",
                          "２０２６-12-01T10:00", "2026-12-01T10:00:00.", "1969-12-31T23:00Z"}) {
    const auto parsed = shop.Parse(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

// Found by fuzz/common/shop_time_fuzz.cpp (fuzz/corpus/shop_time_fuzz/offset_into_1969 and
// offset_into_10000): what Parse accepts, Format writes as text that Parse reads back as
// the same instant; an offset must not carry it out of the years 1970 to 9999 on the
// shop's clock.
TEST(ShopTimeTest, OffsetsDoNotCarryAnInstantOutOfTheYearsItIsWrittenIn) {
  const auto shop = Chisinau();
  for (const char* text : {"1970-01-01T00:00+05:00", "9999-12-31T23:00-05:00"}) {
    const auto instant = shop.Parse(text);
    ASSERT_FALSE(instant) << text << " read as " << shop.Format(*instant);
    EXPECT_EQ(instant.error().code, ErrorCode::kInvalidArgument);
  }
  for (const char* text : {"1970-01-01T00:00+03:00", "9999-12-31T20:00-01:00"}) {
    const auto instant = shop.Parse(text);
    ASSERT_TRUE(instant) << text;
    EXPECT_EQ(shop.Parse(shop.Format(*instant)).value(), *instant) << text;
  }
}

TEST(ShopTimeTest, SkippedWallClockTimeIsRefused) {
  // Moldova moves its clocks from 02:00 to 03:00 on the last Sunday of March.
  const auto shop = Chisinau();
  const auto parsed = shop.Parse("2026-03-29T02:30");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("offset"), std::string::npos);
}

TEST(ShopTimeTest, RepeatedWallClockTimeIsTheEarlierInstant) {
  // On 2026-10-25 Chisinau goes from 03:00 summer time back to 02:00.
  const auto shop = Chisinau();
  const auto parsed = shop.Parse("2026-10-25T02:30");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(shop.Format(*parsed), "2026-10-25T02:30:00+03:00");
}

TEST(ShopTimeTest, ToLocalGivesWeekdayAndMinute) {
  const auto shop = Chisinau();
  const auto local = shop.ToLocal(shop.Parse("2026-11-30T09:15").value());  // a Monday
  EXPECT_EQ(local.iso_weekday, 1u);
  EXPECT_EQ(local.minute_of_day, 9 * 60 + 15);
  EXPECT_EQ(local.day, 30u);
  EXPECT_EQ(shop.AtLocalMinute(local, 18 * 60), shop.Parse("2026-11-30T18:00").value());
}

TEST(ShopTimeTest, WorkingDayAcrossDaylightSavingKeepsWallClockHours) {
  const auto shop = Chisinau();
  const auto local = shop.ToLocal(shop.Parse("2026-03-29T12:00").value());
  // 09:00 to 18:00 on the day the clocks go forward is 9 hours of wall clock, 9 real hours
  // because the jump is at night.
  EXPECT_EQ(shop.AtLocalMinute(local, 18 * 60) - shop.AtLocalMinute(local, 9 * 60), std::chrono::hours(9));
}

TEST(CalendarDayTest, OnlyRealDaysWrittenYyyyMmDdAreCalendarDays) {
  for (const char* day : {"2026-12-01", "2028-02-29", "2000-02-29", "1970-01-01", "2026-12-31"}) {
    EXPECT_TRUE(IsCalendarDay(day)) << day;
  }
  for (const char* text :
       {"", "2026-12-1", "2026-13-01", "2026-00-10", "2026-02-29", "2100-02-29", "2026-04-31", "1969-12-31",
        "2026/12/01", "2026-12-01T10:00", "+026-12-01", "2026-+1-01", "2026-1a-01", "２０２６-12-01"}) {
    EXPECT_FALSE(IsCalendarDay(text)) << text;
  }
  const auto shop = Chisinau();
  EXPECT_EQ(FormatCalendarDay(shop.ToLocal(shop.Parse("2026-03-09T23:59").value())), "2026-03-09");
  EXPECT_EQ(FormatCalendarDay(shop.ToLocal(shop.Parse("2026-03-09T22:30:00Z").value())), "2026-03-10");
}

TEST(ClockMinutesTest, ParsesAndFormats) {
  EXPECT_EQ(ParseClockMinutes("09:00").value(), 540);
  EXPECT_EQ(ParseClockMinutes("24:00").value(), 1440);
  EXPECT_FALSE(ParseClockMinutes("9:00"));
  EXPECT_FALSE(ParseClockMinutes("24:30"));
  EXPECT_FALSE(ParseClockMinutes("10:75"));
  EXPECT_EQ(FormatClockMinutes(1080), "18:00");
}

}  // namespace
}  // namespace barbershop::common
