#include "domain/cached_repositories.hpp"

#include <gtest/gtest.h>

#include "barbershop/common/ids.hpp"
#include "domain/bookings.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;

/// The appointments store, calling `committed` the moment a write has committed and before
/// the writer returns: where the PostgreSQL store rings the relay, which may tell others of
/// the change at once.
class RingingAppointments final : public AppointmentRepository {
 public:
  explicit RingingAppointments(AppointmentRepository& inner) : inner_(inner) {}

  common::Result<Appointment> Insert(const NewAppointment& appointment,
                                     const std::function<OutboxEvent(const Appointment&)>& event) override {
    return Rung(inner_.Insert(appointment, event));
  }
  common::Result<std::optional<Appointment>> Find(const std::string& id) override { return inner_.Find(id); }
  common::Result<std::optional<Appointment>> FindByIdempotencyKey(const std::string& booked_by,
                                                                  const std::string& key) override {
    return inner_.FindByIdempotencyKey(booked_by, key);
  }
  common::Result<Appointment> Update(const Appointment& before, const Appointment& after,
                                     const OutboxEvent& event) override {
    return Rung(inner_.Update(before, after, event));
  }
  common::Result<std::vector<Appointment>> ListForClient(const std::string& id, const TimeRange& range) override {
    return inner_.ListForClient(id, range);
  }
  common::Result<std::vector<Appointment>> ListForBarber(const std::string& id, const TimeRange& range) override {
    return inner_.ListForBarber(id, range);
  }
  common::Result<std::vector<AppointmentChangeRecord>> History(const std::string& id) override {
    return inner_.History(id);
  }

  std::function<void()> committed;

 private:
  common::Result<Appointment> Rung(common::Result<Appointment> written) {
    if (written && committed) committed();
    return written;
  }

  AppointmentRepository& inner_;
};

class CachedRepositoriesTest : public ShopFixture {
 protected:
  CachedRepositoriesTest() : ana_(AddBarber("ana", "Ana")), carol_(AddCustomer("carol")), dan_(AddCustomer("dan")) {
    cache_.SetOnline(true);
  }

  // Books `client` into Ana's chair at `at` through the cached repository (`through`).
  common::Result<Appointment> Insert(const User& client, const std::string& at,
                                     AppointmentRepository* through = nullptr) {
    const Barber barber = work_.barbers().FindBarberById(ana_.id).value().value();
    const User party{client.id, client.username, {}, {}, Role::kCustomer, {}, true};
    const NewAppointment proposal{common::NewUuid(),           &barber, &party, At(at),  At(at) + 30min,
                                  AppointmentStatus::kPending, "",      "",     nullptr, 0};
    return (through != nullptr ? *through : appointments_).Insert(proposal, [](const Appointment&) {
      return OutboxEvent{common::NewUuid(), "appointment.created", "{}"};
    });
  }
  common::Result<Appointment> Cancel(const Appointment& before, AppointmentRepository* through = nullptr) {
    Appointment after = before;
    after.status = AppointmentStatus::kCanceled;
    return (through != nullptr ? *through : appointments_)
        .Update(before, after, OutboxEvent{common::NewUuid(), "appointment.canceled", "{}"});
  }
  static TimeRange Ahead() { return {At("2026-12-01T00:00"), kEndOfTime}; }
  std::size_t ClientList(const User& client) { return appointments_.ListForClient(client.id, Ahead()).value().size(); }
  std::size_t ChairList() { return appointments_.ListForBarber(ana_.id, Ahead()).value().size(); }
  std::size_t Reads() { return work_.stored_appointments().lists_read(); }

  User ana_, carol_, dan_;
  ListCache cache_{60s, 1000, clock_};
  CachedAppointments appointments_{work_.stored_appointments(), cache_};
  CachedBarbers barbers_{work_.barbers(), cache_};
  CachedTimeOff time_off_{work_.time_off(), cache_};
  CachedWaitlist waitlist_{work_.waitlist(), cache_};
};

// What a barber's free slots and schedule read besides appointments: the store behind the
// cache changes the way another copy of the service would, so only a forgotten party
// shows it.
TEST_F(CachedRepositoriesTest, ABarbersDayIsAnsweredFromMemoryUntilTheBarberChanges) {
  // By name: the first read learns the id, the second reads by id and keeps the barber.
  for (int i = 0; i < 3; ++i) ASSERT_EQ(barbers_.FindBarberByName("ANA").value().value().id, ana_.id);
  EXPECT_EQ(cache_.barber_facts_answered(), 1u);
  ASSERT_TRUE(work_.barbers().SaveService(ana_.id, {"Beard trim", 20min, 1500}, std::nullopt));
  EXPECT_TRUE(barbers_.FindBarberById(ana_.id).value().value().services.empty());  // from memory
  cache_.Forget(ana_.id);                                                          // the feed's notice
  EXPECT_EQ(barbers_.FindBarberById(ana_.id).value().value().services.size(), 1u);
  // A change of services made here forgets the barber at once.
  ASSERT_TRUE(barbers_.SaveService(ana_.id, {"Shave", 25min, 2000}, std::nullopt));
  EXPECT_EQ(barbers_.FindBarberByName("Ana").value().value().services.size(), 2u);

  // A renamed barber is not found under the old name, though the cache knew its id.
  const auto answered = cache_.barber_facts_answered();
  ASSERT_TRUE(work_.barbers().SaveBarber(ana_.id, "Anna", false, {{1, 9 * 60, 18 * 60}}, std::nullopt, std::nullopt));
  cache_.Forget(ana_.id);
  EXPECT_FALSE(barbers_.FindBarberByName("Ana").value().has_value());
  EXPECT_EQ(barbers_.FindBarberByName("anna").value().value().id, ana_.id);
  EXPECT_EQ(cache_.barber_facts_answered(), answered);

  // Time off: kept per range; a change here forgets it, one elsewhere shows once heard of.
  const TimeRange week{At("2026-12-07T00:00"), At("2026-12-14T00:00")};
  const Barber ana = barbers_.FindBarberById(ana_.id).value().value();
  const OutboxEvent event{common::NewUuid(), "barber.time_off_added", "{}"};
  EXPECT_TRUE(time_off_.ListTimeOff(ana_.id, week).value().empty());
  ASSERT_TRUE(work_.time_off().AddTimeOff(ana, {At("2026-12-08T09:00"), At("2026-12-08T12:00")}, "", event));
  EXPECT_TRUE(time_off_.ListTimeOff(ana_.id, week).value().empty());
  cache_.Forget(ana_.id);
  EXPECT_EQ(time_off_.ListTimeOff(ana_.id, week).value().size(), 1u);
  const auto added = time_off_.AddTimeOff(ana, {At("2026-12-09T09:00"), At("2026-12-09T12:00")}, "", event);
  ASSERT_TRUE(added);
  EXPECT_EQ(time_off_.ListTimeOff(ana_.id, week).value().size(), 2u);
  ASSERT_TRUE(time_off_.DeleteTimeOff(*added, event));
  EXPECT_EQ(time_off_.ListTimeOff(ana_.id, week).value().size(), 1u);

  // Held times: an offer made here, and its end, forget the barber at once.
  WaitlistEntry entry{common::NewUuid(),      carol_.id, ana_.id,      "Ana", week, "", 30min,
                      At("2026-12-01T08:00"), "waiting", std::nullopt, {}};
  ASSERT_TRUE(waitlist_.AddEntry(entry, 5));
  EXPECT_TRUE(waitlist_.Held(ana_.id, week).value().empty());
  const WaitlistHold hold{common::NewUuid(),
                          entry.id,
                          ana_.id,
                          carol_.id,
                          {At("2026-12-10T10:00"), At("2026-12-10T10:30")},
                          At("2026-12-01T08:00"),
                          At("2026-12-01T08:10"),
                          "held",
                          0min};
  ASSERT_TRUE(waitlist_.Offer(hold, event).value());
  EXPECT_EQ(waitlist_.Held(ana_.id, week).value().size(), 1u);
  ASSERT_TRUE(waitlist_.EndHold(hold, "passed", event).value());
  EXPECT_TRUE(waitlist_.Held(ana_.id, week).value().empty());

  // A deactivated barber's day is never answered from memory.
  const auto before_close = cache_.barber_facts_answered();
  cache_.Close(ana_.id);
  ASSERT_TRUE(barbers_.FindBarberById(ana_.id));
  ASSERT_TRUE(time_off_.ListTimeOff(ana_.id, week));
  EXPECT_EQ(cache_.barber_facts_answered(), before_close);
}

// Free slots from memory alone: nothing until the repositories' path has read the day
// through the cache, then the same answer, until the barber's party is forgotten.
TEST_F(CachedRepositoriesTest, FreeSlotsFromMemoryAreTheRepositoriesAnswer) {
  ASSERT_TRUE(Insert(carol_, "2026-12-07T10:00"));
  RepositoryDays read{barbers_, time_off_, appointments_, waitlist_};
  KeptDays kept{cache_};
  const auto slots = [&](DaySource& days) {
    return FreeSlotsFrom(days, "Ana", "", "2026-12-07", "", policy_, Shop(), clock_.Now());
  };
  const auto unkept = slots(kept);
  ASSERT_FALSE(unkept);
  EXPECT_TRUE(KeptDays::NotKept(unkept.error()));
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(slots(read));  // the name's id, then the barber by id
  const auto from_database = slots(read).value();
  const auto from_memory = slots(kept);
  ASSERT_TRUE(from_memory) << from_memory.error().message;
  EXPECT_EQ(*from_memory, from_database);
  EXPECT_EQ(std::count(from_database.begin(), from_database.end(), At("2026-12-07T10:00")), 0);
  EXPECT_EQ(std::count(from_database.begin(), from_database.end(), At("2026-12-07T10:30")), 1);

  // A barber by id, an unknown one, and a bad date: the memory has nothing to say.
  EXPECT_TRUE(FreeSlotsFrom(kept, "", ana_.id, "2026-12-07", "", policy_, Shop(), clock_.Now()));
  EXPECT_TRUE(
      KeptDays::NotKept(FreeSlotsFrom(kept, "Nobody", "", "2026-12-07", "", policy_, Shop(), clock_.Now()).error()));
  EXPECT_EQ(FreeSlotsFrom(kept, "Ana", "", "2026-13-07", "", policy_, Shop(), clock_.Now()).error().code,
            common::ErrorCode::kInvalidArgument);

  // A booking forgets the barber's day: memory has nothing until it is read again.
  ASSERT_TRUE(Insert(dan_, "2026-12-07T11:00"));
  EXPECT_FALSE(slots(kept));
  ASSERT_TRUE(slots(read));
  const auto after = slots(kept).value();
  EXPECT_EQ(std::count(after.begin(), after.end(), At("2026-12-07T11:00")), 0);
  EXPECT_EQ(after.size(), from_database.size() - 1);
}

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

// The store rings the relay as a change commits, before the writer returns, and whoever
// the relay tells may ask at once (a page watching the barber's free slots does): from
// the commit on, both parties' lists show the change, and nothing read meanwhile is kept.
TEST_F(CachedRepositoriesTest, WhoeverIsToldOfAChangeAsItCommitsSeesIt) {
  RingingAppointments ringing(work_.stored_appointments());
  CachedAppointments writer(ringing, cache_);
  std::vector<std::vector<Appointment>> told;  // the chair's and the client's lists, at the ring
  ringing.committed = [&] {
    told.push_back(appointments_.ListForBarber(ana_.id, Ahead()).value());
    told.push_back(appointments_.ListForClient(carol_.id, Ahead()).value());
  };
  EXPECT_EQ(ChairList(), 0u);  // both kept before the change
  EXPECT_EQ(ClientList(carol_), 0u);
  const auto made = Insert(carol_, "2026-12-07T10:00", &writer);
  ASSERT_TRUE(made);
  ASSERT_EQ(told.size(), 2u);
  EXPECT_EQ(told[0].size(), 1u);
  EXPECT_EQ(told[1].size(), 1u);
  EXPECT_EQ(Reads(), 4u);
  EXPECT_EQ(ChairList(), 1u);  // read again: what was read at the ring was not kept
  EXPECT_EQ(Reads(), 5u);

  told.clear();
  ASSERT_TRUE(Cancel(*made, &writer));
  ASSERT_EQ(told.size(), 2u);
  for (const auto& list : told) {
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].status, AppointmentStatus::kCanceled);
  }
}

// A booking changes the barber's appointments, not the barber: the next booking of a busy
// chair finds the barber (hours, rules, services) and their time off in memory, while
// every list that shows appointments is read again.
TEST_F(CachedRepositoriesTest, ABookingForgetsTheListsButKeepsTheBarberAndTheirTimeOff) {
  const TimeRange week{At("2026-12-07T00:00"), At("2026-12-14T00:00")};
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(barbers_.FindBarberByName("Ana").value().has_value());  // kept
  ASSERT_TRUE(time_off_.ListTimeOff(ana_.id, week).value().empty());
  EXPECT_EQ(ChairList(), 0u);
  const auto answered = cache_.barber_facts_answered();

  ASSERT_TRUE(Insert(carol_, "2026-12-07T10:00"));
  EXPECT_EQ(barbers_.FindBarberByName("Ana").value().value().id, ana_.id);
  EXPECT_TRUE(time_off_.ListTimeOff(ana_.id, week).value().empty());
  EXPECT_EQ(cache_.barber_facts_answered(), answered + 2);
  EXPECT_EQ(ChairList(), 1u);
  EXPECT_EQ(Reads(), 2u);

  // The feed's notice of another copy's booking ("<barber> <client>") does the same; a
  // notice of the barber's day (their id alone) forgets the barber too.
  cache_.ForgetAppointments(ana_.id);
  EXPECT_TRUE(barbers_.FindBarberById(ana_.id).value().has_value());
  EXPECT_EQ(cache_.barber_facts_answered(), answered + 3);
  cache_.Forget(ana_.id);
  EXPECT_TRUE(barbers_.FindBarberById(ana_.id).value().has_value());
  EXPECT_EQ(cache_.barber_facts_answered(), answered + 3);
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
