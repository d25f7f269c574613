#include "domain/cached_repositories.hpp"

#include <gtest/gtest.h>

#include "barbershop/common/ids.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;

class CachedRepositoriesTest : public ShopFixture {
 protected:
  CachedRepositoriesTest() : ana_(AddBarber("ana", "Ana")), carol_(AddCustomer("carol")), dan_(AddCustomer("dan")) {
    cache_.SetOnline(true);
  }

  // Books `client` into Ana's chair at `at` through the cached repository.
  common::Result<Appointment> Insert(const User& client, const std::string& at) {
    const Barber barber = work_.barbers().FindBarberById(ana_.id).value().value();
    const User party{client.id, client.username, {}, {}, Role::kCustomer, {}, true};
    const NewAppointment proposal{common::NewUuid(),           &barber, &party, At(at),  At(at) + 30min,
                                  AppointmentStatus::kPending, "",      "",     nullptr, 0};
    return appointments_.Insert(proposal, [](const Appointment&) {
      return OutboxEvent{common::NewUuid(), "appointment.created", "{}"};
    });
  }
  common::Result<Appointment> Cancel(const Appointment& before) {
    Appointment after = before;
    after.status = AppointmentStatus::kCanceled;
    return appointments_.Update(before, after, OutboxEvent{common::NewUuid(), "appointment.canceled", "{}"});
  }
  static TimeRange Ahead() { return {At("2026-12-01T00:00"), kEndOfTime}; }
  std::size_t ClientList(const User& client) { return appointments_.ListForClient(client.id, Ahead()).value().size(); }
  std::size_t ChairList() { return appointments_.ListForBarber(ana_.id, Ahead()).value().size(); }
  std::size_t Reads() { return work_.stored_appointments().lists_read(); }

  User ana_, carol_, dan_;
  ListCache cache_{60s, 1000, clock_};
  CachedAppointments appointments_{work_.stored_appointments(), cache_};
  CachedBarbers barbers_{work_.barbers(), cache_};
};

TEST_F(CachedRepositoriesTest, AListIsReadOnceThenAnsweredFromTheCache) {
  ASSERT_TRUE(Insert(carol_, "2026-12-07T10:00"));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(Reads(), 1u);
  const auto kept = CachedAppointments::Kept(cache_, ListKey{carol_.id, false, Ahead()});
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->size(), 1u);
  // The barber's chair is a list of its own.
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(Reads(), 2u);
}

TEST_F(CachedRepositoriesTest, ACommittedChangeForgetsBothPartiesLists) {
  EXPECT_EQ(ClientList(carol_), 0u);
  EXPECT_EQ(ChairList(), 0u);
  EXPECT_EQ(ClientList(dan_), 0u);
  const auto made = Insert(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(made);
  EXPECT_EQ(ClientList(carol_), 1u);  // read again, and so showing the booking
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(Reads(), 5u);
  EXPECT_EQ(ClientList(dan_), 0u);  // dan's list was not touched
  EXPECT_EQ(Reads(), 5u);

  ASSERT_TRUE(Cancel(*made));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(Reads(), 7u);
  const auto listed = appointments_.ListForClient(carol_.id, Ahead()).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].status, AppointmentStatus::kCanceled);
}

TEST_F(CachedRepositoriesTest, ARefusedChangeForgetsNothing) {
  const auto made = Insert(carol_, "2026-12-07T10:00");
  ASSERT_TRUE(made);
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(ClientList(dan_), 0u);
  EXPECT_FALSE(Insert(dan_, "2026-12-07T10:00"));  // Ana's slot is taken
  Appointment stale = *made;
  stale.starts_at = At("2026-12-07T09:00");  // the row no longer matches
  stale.ends_at = At("2026-12-07T09:30");
  EXPECT_FALSE(Cancel(stale));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(ClientList(dan_), 0u);
  EXPECT_EQ(Reads(), 3u);
}

TEST_F(CachedRepositoriesTest, ABarbersSaveForgetsEveryList) {
  ASSERT_TRUE(Insert(carol_, "2026-12-07T10:00"));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ClientList(dan_), 0u);
  AddBarber("bob", "Bob");
  // Refused (the name is Bob's, ignoring case): nothing forgotten.
  EXPECT_FALSE(barbers_.SaveBarber(ana_.id, "BOB", false, {{1, 9 * 60, 18 * 60}}, std::nullopt, std::nullopt));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(Reads(), 2u);

  ASSERT_TRUE(barbers_.SaveBarber(ana_.id, "Ana Maria", false, {{1, 9 * 60, 18 * 60}}, std::nullopt, std::nullopt));
  const auto listed = appointments_.ListForClient(carol_.id, Ahead()).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].barber_name, "Ana Maria");  // the new name shows on the appointment
  EXPECT_EQ(ClientList(dan_), 0u);
  EXPECT_EQ(Reads(), 4u);
}

TEST_F(CachedRepositoriesTest, AnOfflineCacheReadsThrough) {
  cache_.SetOnline(false);
  EXPECT_EQ(ClientList(carol_), 0u);
  ASSERT_TRUE(Insert(carol_, "2026-12-07T10:00"));
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(ClientList(carol_), 1u);
  EXPECT_EQ(Reads(), 3u);
  EXPECT_EQ(CachedAppointments::Kept(cache_, ListKey{carol_.id, false, Ahead()}), nullptr);
}

}  // namespace
}  // namespace barbershop::core::domain
