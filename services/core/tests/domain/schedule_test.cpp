#include <gtest/gtest.h>

#include "domain/bookings.hpp"
#include "domain/schedule.hpp"
#include "domain/time_off.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

std::vector<std::string> Texts(const std::vector<TimeRange>& ranges, const common::ShopTime& shop) {
  std::vector<std::string> out;
  for (const auto& r : ranges) out.push_back(shop.Format(r.from).substr(5, 11) + "/" + shop.Format(r.to).substr(5, 11));
  return out;
}

// Ana works Monday to Saturday 09:00-18:00; the clock stands at Tuesday 2026-12-01 08:00.
class ScheduleTest : public ShopFixture {
 protected:
  ScheduleTest() : ana_(AddBarber("ana", "Ana")), carol_(AddCustomer("carol")), root_(AddAdmin("root")) {}

  common::Result<BarberSchedule> Read(const Caller* caller, const std::string& from = "2026-12-07",
                                      const std::string& to = "2026-12-09") {
    return ScheduleReader(days_, Shop(), clock_).Read(caller, "Ana", "", from, to);
  }

  User ana_, carol_, root_;
  BookingService bookings_{work_, Shop(), clock_, policy_};
  RepositoryDays days_{work_};
};

TEST_F(ScheduleTest, WorkingBusyAndFreeForAnyoneAndWhoBookedForTheBarberAndAdmins) {
  ASSERT_TRUE(bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana"));
  const auto canceled = bookings_.Create(As(carol_), "", "2026-12-07T12:00", "Ana");
  ASSERT_TRUE(canceled);
  ASSERT_TRUE(bookings_.Cancel(As(carol_), canceled->id));
  ASSERT_TRUE(TimeOffBook(work_.barbers(), work_.time_off(), Shop(), clock_)
                  .Add(As(ana_), "", "2026-12-08T13:00", "2026-12-08T14:00", "dentist"));

  const auto seen = Read(nullptr);
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_FALSE(seen->detailed);
  EXPECT_TRUE(seen->appointments.empty());
  EXPECT_TRUE(seen->time_off.empty());
  EXPECT_EQ(Texts(seen->open, Shop()),
            (std::vector<std::string>{"12-07T09:00/12-07T18:00", "12-08T09:00/12-08T18:00"}));
  EXPECT_EQ(Texts(seen->busy, Shop()),
            (std::vector<std::string>{"12-07T10:00/12-07T10:30", "12-08T13:00/12-08T14:00"}));
  EXPECT_EQ(Texts(seen->free, Shop()),
            (std::vector<std::string>{"12-07T09:00/12-07T10:00", "12-07T10:30/12-07T18:00", "12-08T09:00/12-08T13:00",
                                      "12-08T14:00/12-08T18:00"}));
  const Caller carol = As(carol_);
  EXPECT_FALSE(Read(&carol)->detailed);

  for (const auto& who : {As(ana_), As(root_)}) {
    const auto full = Read(&who);
    ASSERT_TRUE(full);
    EXPECT_TRUE(full->detailed);
    ASSERT_EQ(full->appointments.size(), 2U);  // the canceled one too
    EXPECT_EQ(full->appointments[0].client_name, "carol");
    EXPECT_EQ(full->appointments[1].status, AppointmentStatus::kCanceled);
    ASSERT_EQ(full->time_off.size(), 1U);
    EXPECT_EQ(full->time_off[0].reason, "dentist");
  }
}

TEST_F(ScheduleTest, AWeekFromTodayUnlessAskedAndBadRangesAreRefused) {
  const auto week = Read(nullptr, "", "");
  ASSERT_TRUE(week) << week.error().message;
  EXPECT_EQ(week->range.from, At("2026-12-01T00:00"));
  EXPECT_EQ(week->range.to, At("2026-12-08T00:00"));
  EXPECT_EQ(week->open.size(), 6U);  // Sunday off
  EXPECT_TRUE(Fails(Read(nullptr, "2026-12-07", "2026-12-07"), ErrorCode::kInvalidArgument, "to must be a day after"));
  EXPECT_TRUE(Fails(Read(nullptr, "2026-12-01", "2027-01-02"), ErrorCode::kInvalidArgument, "at most 31 days"));
  EXPECT_TRUE(Read(nullptr, "2026-12-01", "2027-01-01"));
  EXPECT_TRUE(Fails(Read(nullptr, "2026-12-7", ""), ErrorCode::kInvalidArgument, "from must be a calendar day"));
  EXPECT_TRUE(Fails(ScheduleReader(days_, Shop(), clock_).Read(nullptr, "Nobody", "", "", ""), ErrorCode::kNotFound));
  EXPECT_TRUE(Fails(ScheduleReader(days_, Shop(), clock_).Read(nullptr, "Ana", ana_.id, "", ""),
                    ErrorCode::kInvalidArgument, "not both"));
  EXPECT_TRUE(ScheduleReader(days_, Shop(), clock_).Read(nullptr, "", ana_.id, "", ""));
}

TEST_F(ScheduleTest, HoursThroughMidnightAreOneSpanAndDaylightSavingDaysFollowTheWallClock) {
  std::vector<WorkingHours> hours{{5, 20 * 60, 24 * 60}, {6, 0, 2 * 60}};
  ASSERT_TRUE(work_.barbers().SaveBarber(ana_.id, "Ana", false, hours, std::nullopt, std::nullopt));
  EXPECT_EQ(Texts(Read(nullptr, "2026-12-04", "2026-12-06")->open, Shop()),
            std::vector<std::string>{"12-04T20:00/12-05T02:00"});
  // From Saturday on: the night's part after midnight.
  EXPECT_EQ(Texts(Read(nullptr, "2026-12-05", "2026-12-06")->open, Shop()),
            std::vector<std::string>{"12-05T00:00/12-05T02:00"});
  // Round the clock over the night the clocks go back: 25 hours of one span.
  hours.clear();
  for (unsigned day = 1; day <= 7; ++day) hours.push_back({day, 0, 24 * 60});
  ASSERT_TRUE(work_.barbers().SaveBarber(ana_.id, "Ana", false, hours, std::nullopt, std::nullopt));
  clock_.Set(At("2026-10-01T08:00"));
  const auto day = Read(nullptr, "2026-10-25", "2026-10-26");
  ASSERT_EQ(day->open.size(), 1U);
  EXPECT_EQ(day->open[0].to - day->open[0].from, 25h);
}

TEST(TimeRangesTest, MergedAndWithout) {
  const auto t = [](int hour) { return TimePoint{std::chrono::hours(hour)}; };
  const auto merged = Merged({{t(5), t(7)}, {t(1), t(3)}, {t(3), t(4)}, {t(6), t(9)}});
  ASSERT_EQ(merged.size(), 2U);
  EXPECT_EQ(merged[0].from, t(1));
  EXPECT_EQ(merged[0].to, t(4));
  EXPECT_EQ(merged[1].to, t(9));
  const auto left = Without({{t(0), t(10)}, {t(12), t(14)}}, {{t(2), t(3)}, {t(9), t(13)}});
  ASSERT_EQ(left.size(), 3U);
  EXPECT_EQ(left[0].to, t(2));
  EXPECT_EQ(left[1].from, t(3));
  EXPECT_EQ(left[1].to, t(9));
  EXPECT_EQ(left[2].from, t(13));
  EXPECT_EQ(left[2].to, t(14));
}

}  // namespace
}  // namespace barbershop::core::domain
