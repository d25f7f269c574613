#include "domain/time_off.hpp"

#include <gtest/gtest.h>

#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using common::ErrorCode;

class TimeOffTest : public ShopFixture {
 protected:
  TimeOffTest()
      : ana_(AddBarber("ana", "Ana")),
        bob_(AddBarber("bob", "Bob")),
        carol_(AddCustomer("carol")),
        root_(AddAdmin("root")) {}

  common::Result<TimeOff> Add(const User& caller, const std::string& barber, const std::string& from,
                              const std::string& to, const std::string& reason = "holiday") {
    return book_.Add(As(caller), barber, from, to, reason);
  }
  std::size_t Listed(const std::string& barber) { return book_.List(As(root_), barber, "", "").value().size(); }

  User ana_, bob_, carol_, root_;
  TimeOffBook book_{work_.barbers(), work_.time_off(), Shop(), clock_};
  BookingService bookings_{work_, Shop(), clock_, policy_};
};

TEST_F(TimeOffTest, ABarberTakesTimeOffAndIsNotBookedInIt) {
  const auto off = Add(ana_, "", "2026-12-07", "2026-12-08");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->barber_id, ana_.id);
  EXPECT_EQ(off->barber_name, "Ana");
  EXPECT_EQ(off->during.from, At("2026-12-07T00:00"));
  EXPECT_EQ(off->during.to, At("2026-12-08T00:00"));
  EXPECT_EQ(off->reason, "holiday");
  const auto listed = book_.List(As(ana_), "", "", "");
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, off->id);

  EXPECT_TRUE(Fails(bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana"), ErrorCode::kFailedPrecondition,
                    "Ana is off at that time"));
  EXPECT_TRUE(bookings_.Create(As(carol_), "", "2026-12-08T10:00", "Ana"));
}

TEST_F(TimeOffTest, AnAdminTakesTimeOffForAnyBarberButABarberNotForAnother) {
  EXPECT_TRUE(Add(root_, "Ana", "2026-12-07", "2026-12-08"));
  EXPECT_TRUE(Fails(Add(bob_, "Ana", "2026-12-09", "2026-12-10"), ErrorCode::kPermissionDenied,
                    "only Ana or an admin can manage Ana's chair"));
  EXPECT_TRUE(Fails(Add(carol_, "", "2026-12-09", "2026-12-10"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(book_.List(As(bob_), "Ana", "", ""), ErrorCode::kPermissionDenied));
  EXPECT_EQ(Listed("Ana"), 1u);
  EXPECT_EQ(Listed("Bob"), 0u);
}

TEST_F(TimeOffTest, TimeOffThatHasAlreadyEndedIsRefused) {
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-11-30", "2026-12-01T08:00"), ErrorCode::kInvalidArgument,
                    "that time off has already ended"));
  EXPECT_EQ(Listed("Ana"), 0u);
  EXPECT_TRUE(Add(ana_, "", "2026-11-30", "2026-12-01T08:01"));  // begun, not ended
}

TEST_F(TimeOffTest, TimeOffLastsAtMost366Days) {
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-02", "2027-12-04"), ErrorCode::kInvalidArgument,
                    "time off lasts at most 366 days at once"));
  EXPECT_EQ(Listed("Ana"), 0u);
  EXPECT_TRUE(Add(ana_, "", "2026-12-02", "2027-12-03"));
}

TEST_F(TimeOffTest, TheRangeAndTheReasonMustBeReadable) {
  EXPECT_TRUE(Fails(Add(ana_, "", "", "2026-12-08"), ErrorCode::kInvalidArgument, "from and to are both required"));
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-08", "2026-12-07"), ErrorCode::kInvalidArgument, "from must be before to"));
  EXPECT_TRUE(Fails(Add(ana_, "", "tomorrow", "2026-12-07"), ErrorCode::kInvalidArgument, "from: "));
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-07", "2026-12-08", std::string(201, 'x')), ErrorCode::kInvalidArgument,
                    "reason must be at most 200 printable characters"));
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-07", "2026-12-08", "ill\nagain"), ErrorCode::kInvalidArgument));
  EXPECT_EQ(Listed("Ana"), 0u);
  EXPECT_TRUE(Add(ana_, "", "2026-12-07", "2026-12-08", std::string(200, 'x')));
}

TEST_F(TimeOffTest, TimeOffOverALiveAppointmentIsRefusedNamingIt) {
  const auto booked = bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana");
  ASSERT_TRUE(booked) << booked.error().message;
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-07", "2026-12-08"), ErrorCode::kFailedPrecondition,
                    "live appointments fall in that time; cancel or move them first: " + booked->id));
  EXPECT_EQ(Listed("Ana"), 0u);
  EXPECT_TRUE(Add(bob_, "", "2026-12-07", "2026-12-08"));  // another chair's booking is no obstacle
  ASSERT_TRUE(bookings_.Cancel(As(carol_), booked->id));
  EXPECT_TRUE(Add(ana_, "", "2026-12-07", "2026-12-08"));
}

TEST_F(TimeOffTest, OnlyItsBarberOrAnAdminRemovesTimeOff) {
  const auto off = Add(ana_, "", "2026-12-07", "2026-12-08");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_TRUE(Fails(book_.Remove(As(bob_), off->id), ErrorCode::kPermissionDenied, "that time off is someone else's"));
  EXPECT_TRUE(Fails(book_.Remove(As(carol_), off->id), ErrorCode::kPermissionDenied));
  EXPECT_EQ(Listed("Ana"), 1u);
  const auto removed = book_.Remove(As(ana_), off->id);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(removed->id, off->id);
  EXPECT_EQ(Listed("Ana"), 0u);
  EXPECT_TRUE(Fails(book_.Remove(As(ana_), off->id), ErrorCode::kNotFound, "no time off with id " + off->id));
  EXPECT_TRUE(Fails(book_.Remove(As(ana_), "abc"), ErrorCode::kInvalidArgument, "time_off_id must be a number"));

  const auto again = Add(ana_, "", "2026-12-07", "2026-12-08");
  ASSERT_TRUE(again);
  EXPECT_TRUE(book_.Remove(As(root_), again->id));
}

TEST_F(TimeOffTest, AddingAndRemovingTimeOffStoresAnEventAboutTheBarberWithItsRange) {
  const auto off = Add(root_, "Ana", "2026-12-07T12:00", "2026-12-07T14:00");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(ScheduleChanges(),
            std::vector<nlohmann::json>{ScheduleChangeNow(ana_, "Ana", "time_off_added", "2026-12-07T12:00:00+02:00",
                                                          "2026-12-07T14:00:00+02:00")});
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(book_.Remove(As(ana_), off->id));
  const auto changes = ScheduleChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1], ScheduleChangeNow(ana_, "Ana", "time_off_removed", "2026-12-07T12:00:00+02:00",
                                          "2026-12-07T14:00:00+02:00"));
  EXPECT_EQ(work_.store().outbox.size(), 2u);
}

TEST_F(TimeOffTest, RefusedTimeOffStoresNoEvent) {
  ASSERT_TRUE(bookings_.Create(As(carol_), "", "2026-12-07T10:00", "Ana"));
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-07", "2026-12-08"), ErrorCode::kFailedPrecondition));
  EXPECT_TRUE(Fails(Add(ana_, "", "2026-12-08", "2026-12-07"), ErrorCode::kInvalidArgument));
  EXPECT_TRUE(Fails(Add(bob_, "Ana", "2026-12-09", "2026-12-10"), ErrorCode::kPermissionDenied));
  const auto off = Add(bob_, "", "2026-12-09", "2026-12-10");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_TRUE(Fails(book_.Remove(As(ana_), off->id), ErrorCode::kPermissionDenied));
  const auto changes = ScheduleChanges();
  ASSERT_EQ(changes.size(), 1u);  // Bob's time off only
  EXPECT_EQ(changes[0]["change"], "time_off_added");
  EXPECT_EQ(changes[0]["barber"]["id"], bob_.id);
  EXPECT_EQ(work_.store().outbox.size(), 2u);  // and the booking
}

}  // namespace
}  // namespace barbershop::core::domain
