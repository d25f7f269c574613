#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <set>
#include <thread>

#include "storage/pg_unit_of_work.hpp"
#include "test_server.hpp"

// The appointment list cache, with two copies of the service on one database: a list
// kept by either copy shows every change, whichever copy or whoever made it.
namespace barbershop::core::testing {
namespace {

using namespace std::chrono_literals;

class ListCacheReplicasTest : public ::testing::Test {
 protected:
  ListCacheReplicasTest()
      : replica_(core_.StartReplica()),
        a_(core_.NewStub()),
        b_(UserService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(replica_->grpc_port()),
                                                    grpc::InsecureChannelCredentials()))),
        barber_(NewBarber(*a_, true, true, core_.database_url())),
        client_(NewCustomer(*a_)) {
    // Each copy answers from memory once its feed listens.
    EXPECT_TRUE(Eventually([&] { return Online(core_.http_port()) && Online(replica_->http_port()); }));
  }

  static double Metric(int http_port, const std::string& series) {
    return MetricValue(HttpGet(http_port, "/metrics").second, series);
  }
  static bool Online(int http_port) { return Metric(http_port, "barbershop_list_cache_online") == 1; }
  static double Hits(int http_port) { return Metric(http_port, "barbershop_list_cache_hits_total"); }
  // Whether `as`'s own list comes from the memory of the copy behind `stub`.  A notice of
  // an earlier change may still arrive and make it forget once, hence the retries.
  bool FromMemory(UserService::Stub& stub, int http_port, const TestUser& as) {
    return Eventually([&] {
      const double before = Hits(http_port);
      Listed(stub, as);
      return Hits(http_port) > before;
    });
  }

  std::string Sql(const std::string& sql) {
    pqxx::connection connection(core_.database_url());
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec(sql);
    return rows.empty() ? std::string() : rows[0][0].c_str();
  }
  std::string Book(UserService::Stub& stub, const std::string& when) {
    return BookAs(stub, client_, barber_, when).appointment_id();
  }
  // `as`'s list (`user_id` empty: their own) as "id status barber" lines.
  std::vector<std::string> Listed(UserService::Stub& stub, const TestUser& as, const std::string& user_id = "") {
    GetAppointmentsRequest request;
    request.set_user_id(user_id);
    AppointmentsResponse response;
    const auto status = stub.GetAppointments(Authed(as.token).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> out;
    for (const auto& a : response.appointments()) {
      out.push_back(a.appointment_id() + " " + a.status() + " " + a.barber_name());
    }
    return out;
  }
  // The barber's free times ("HH:MM") on `day` ("YYYY-MM-DD"), for `service` (empty: the
  // default); none when the call fails.
  // `no_cache`: asked as someone told of a change is ("cache-control: no-cache").
  std::set<std::string> FreeSlots(UserService::Stub& stub, const std::string& day, const std::string& service = "",
                                  bool no_cache = false) {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber_.username);
    request.set_date(day);
    request.set_service(service);
    GetAvailableSlotsResponse response;
    auto context = Authed("");
    if (no_cache) context->AddMetadata("cache-control", "no-cache");
    const auto status = stub.GetAvailableSlots(context.get(), request, &response);
    std::set<std::string> times;
    if (!status.ok()) return times;
    for (const auto& slot : response.slots()) times.insert(slot.substr(11, 5));
    return times;
  }
  std::string Line(const std::string& id, const std::string& status) {
    return id + " " + status + " " + barber_.username;
  }

  ScratchCore core_;
  std::unique_ptr<app::CoreApp> replica_;
  std::unique_ptr<UserService::Stub> a_;
  std::unique_ptr<UserService::Stub> b_;
  TestUser barber_;  // auto-confirms, works around the clock
  TestUser client_;
};

TEST_F(ListCacheReplicasTest, AChangeThroughOneCopyShowsAtOnceInItsOwnLists) {
  const auto first = Book(*a_, Slot(2, 10, 0));
  EXPECT_TRUE(FromMemory(*a_, core_.http_port(), client_));
  EXPECT_TRUE(FromMemory(*a_, core_.http_port(), barber_));
  EXPECT_EQ(Listed(*a_, client_), std::vector<std::string>{Line(first, "confirmed")});
  EXPECT_EQ(Listed(*a_, barber_), std::vector<std::string>{Line(first, "confirmed")});

  // The next list, right after the answer, shows the change: no waiting for the notice.
  const auto second = Book(*a_, Slot(3, 10, 0));
  EXPECT_EQ(Listed(*a_, client_), (std::vector<std::string>{Line(first, "confirmed"), Line(second, "confirmed")}));
  EXPECT_EQ(Listed(*a_, barber_), (std::vector<std::string>{Line(first, "confirmed"), Line(second, "confirmed")}));
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(first);
  AppointmentResponse canceled;
  ASSERT_TRUE(a_->CancelAppointment(Authed(client_.token).get(), cancel, &canceled).ok());
  EXPECT_EQ(Listed(*a_, barber_), (std::vector<std::string>{Line(first, "canceled"), Line(second, "confirmed")}));

  // Someone else's list (an admin's view) always comes from the database.
  const auto admin = NewAdmin(*a_, core_.database_url());
  const double before_admin = Hits(core_.http_port());
  EXPECT_EQ(Listed(*a_, admin, client_.id).size(), 2u);
  EXPECT_EQ(Listed(*a_, admin, client_.id).size(), 2u);
  EXPECT_EQ(Hits(core_.http_port()), before_admin);
}

TEST_F(ListCacheReplicasTest, AChangeThroughAnotherCopyReachesItsKeptLists) {
  const auto first = Book(*a_, Slot(2, 10, 0));
  EXPECT_TRUE(FromMemory(*b_, replica_->http_port(), client_));
  EXPECT_TRUE(FromMemory(*b_, replica_->http_port(), barber_));
  EXPECT_EQ(Listed(*b_, client_), std::vector<std::string>{Line(first, "confirmed")});
  EXPECT_EQ(Listed(*b_, barber_), std::vector<std::string>{Line(first, "confirmed")});

  const auto second = Book(*a_, Slot(3, 10, 0));
  const std::vector<std::string> both{Line(first, "confirmed"), Line(second, "confirmed")};
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, client_) == both; }));
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, barber_) == both; }));

  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(second);
  AppointmentResponse canceled;
  ASSERT_TRUE(a_->CancelAppointment(Authed(barber_.token).get(), cancel, &canceled).ok());
  const std::vector<std::string> after{Line(first, "confirmed"), Line(second, "canceled")};
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, client_) == after; }));
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, barber_) == after; }));
}

TEST_F(ListCacheReplicasTest, ARenameAndAnOperatorsSqlReachKeptLists) {
  const auto id = Book(*a_, Slot(2, 10, 0));
  ASSERT_TRUE(FromMemory(*b_, replica_->http_port(), client_));
  EXPECT_EQ(Listed(*b_, client_), std::vector<std::string>{Line(id, "confirmed")});

  // The barber renames their chair through the other copy: the client's list in this one
  // shows the new name (the rename cascades onto the appointment).
  SaveBarberRequest save;
  save.set_name(barber_.username + "_x");
  for (int day = 1; day <= 6; ++day) {
    auto* hours = save.add_hours();
    hours->set_weekday(day);
    hours->set_opens("09:00");
    hours->set_closes("18:00");
  }
  save.set_auto_confirm(true);
  SaveBarberResponse saved;
  const auto status = a_->SaveBarber(Authed(barber_.token).get(), save, &saved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string renamed = id + " confirmed " + barber_.username + "_x";
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, client_) == std::vector<std::string>{renamed}; }));

  Sql("UPDATE appointments SET status = 'no_show' WHERE id = '" + id + "'");
  const std::string marked = id + " no_show " + barber_.username + "_x";
  EXPECT_TRUE(Eventually([&] { return Listed(*b_, client_) == std::vector<std::string>{marked}; }));
}

// A barber's free slots read the barber, their time off and held times from memory too:
// a change made through either copy, or by an operator's SQL, shows in both.
TEST_F(ListCacheReplicasTest, ABarbersFreeSlotsFollowEveryChangeInEveryCopy) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);
  const auto slots = [&](UserService::Stub& stub, const std::string& service = "") {
    return FreeSlots(stub, day, service);
  };
  const auto from_memory = [&](UserService::Stub& stub, int http_port) {
    return Eventually([&] {
      const double before = Metric(http_port, "barbershop_barber_facts_from_memory");
      slots(stub);
      return Metric(http_port, "barbershop_barber_facts_from_memory") > before;
    });
  };
  ASSERT_TRUE(from_memory(*a_, core_.http_port()));
  ASSERT_TRUE(from_memory(*b_, replica_->http_port()));
  ASSERT_TRUE(slots(*b_).contains("10:00"));

  // Time off through one copy: that copy's next answer shows it, the other's soon after.
  AddTimeOffRequest off;
  off.set_from(day + "T10:00");
  off.set_to(day + "T12:00");
  TimeOffResponse added;
  ASSERT_TRUE(a_->AddTimeOff(Authed(barber_.token).get(), off, &added).ok());
  EXPECT_FALSE(slots(*a_).contains("10:00"));
  EXPECT_TRUE(Eventually([&] { return !slots(*b_).contains("11:30"); }));
  ASSERT_TRUE(from_memory(*b_, replica_->http_port()));

  // An operator's SQL removes it.
  Sql("DELETE FROM time_off WHERE barber_id = '" + barber_.id + "'");
  EXPECT_TRUE(Eventually([&] { return slots(*b_).contains("10:00") && slots(*a_).contains("10:00"); }));

  // A new service through the other copy: both offer slots for it.
  ASSERT_TRUE(from_memory(*a_, core_.http_port()));
  EXPECT_TRUE(slots(*a_, "Beard").empty());  // no such service yet
  SaveServiceRequest save;
  save.mutable_service()->set_name("Beard");
  save.mutable_service()->set_duration_minutes(20);
  ServiceResponse saved;
  ASSERT_TRUE(b_->SaveService(Authed(barber_.token).get(), save, &saved).ok());
  EXPECT_TRUE(slots(*b_, "Beard").contains("10:00"));
  EXPECT_TRUE(Eventually([&] { return slots(*a_, "Beard").contains("10:00"); }));

  // A time held for a customer on the waitlist, made by SQL (slot_holds alone): no longer
  // free in the other copy either.
  ASSERT_TRUE(from_memory(*b_, replica_->http_port()));
  ASSERT_TRUE(slots(*b_).contains("14:00"));
  const std::string two_pm = "('" + day + " 14:00'::timestamp AT TIME ZONE 'Europe/Chisinau')";
  Sql("INSERT INTO waitlist_entries (id, client_id, barber_id, window_from, window_to, minutes, joined_at) "
      "VALUES (gen_random_uuid(), '" +
      client_.id + "', '" + barber_.id + "', " + two_pm + ", " + two_pm + " + interval '2 hours', 30, now())");
  Sql("INSERT INTO slot_holds (id, entry_id, barber_id, client_id, starts_at, ends_at, offered_at, expires_at) "
      "SELECT gen_random_uuid(), id, barber_id, client_id, window_from, window_from + interval '30 minutes', now(), "
      "now() + interval '1 hour' FROM waitlist_entries WHERE barber_id = '" +
      barber_.id + "'");
  // Well within the 60 s a kept day lives: only the notice can have told it.
  EXPECT_TRUE(Eventually([&] { return !slots(*b_).contains("14:00") && slots(*b_).contains("13:00"); }, 10s));

  // The barber's own row by SQL (barbers alone): a grid of an hour offers no half hours.
  ASSERT_TRUE(from_memory(*b_, replica_->http_port()));
  Sql("UPDATE barbers SET grid_minutes = 60 WHERE user_id = '" + barber_.id + "'");
  EXPECT_TRUE(Eventually([&] { return !slots(*b_).contains("10:30") && slots(*b_).contains("10:00"); }, 10s));

  // New hours by SQL: the day ends at noon.
  ASSERT_TRUE(from_memory(*b_, replica_->http_port()));
  Sql("UPDATE working_hours SET closes_minute = 720 WHERE barber_id = '" + barber_.id + "'");
  EXPECT_TRUE(Eventually([&] { return !slots(*b_).contains("13:00") && slots(*b_).contains("10:00"); }));
}

// A booking through one copy tells the other "<barber> <client>": it forgets their lists
// and held times, and keeps the barber's record and time off, which no booking changes.
// The first free slots it answers after the notice still take the barber from memory.
TEST_F(ListCacheReplicasTest, ABookingThroughAnotherCopyLeavesTheBarberInMemory) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);
  const auto facts = [&] { return Metric(replica_->http_port(), "barbershop_barber_facts_from_memory"); };
  const auto from_memory = [&] {
    return Eventually([&] {
      const double before = facts();
      FreeSlots(*b_, day);
      return facts() > before;
    });
  };
  // Books `hour`:00 through the first copy and waits for the other to show it taken.
  // Until the notice comes, the other answers its kept day, that time free; so the answer
  // that first shows it taken is the first after the notice.  Returns how many facts that
  // answer took from memory (-1: it was not free before, or never showed taken).
  const auto book_and_watch = [&](int hour) {
    const auto when = Slot(2, hour, 0);
    if (!FreeSlots(*b_, day).contains(when.substr(11, 5))) return -1.0;
    Book(*a_, when);
    double answered = -1;
    const bool shown = Eventually([&] {
      const double before = facts();
      const bool taken = !FreeSlots(*b_, day).contains(when.substr(11, 5));
      answered = facts() - before;
      return taken;
    });
    return shown ? answered : -1.0;
  };
  // Notices come in the order their changes committed: once the other copy shows a first
  // booking, the notices of the barber's making have all come too.
  ASSERT_TRUE(from_memory());
  ASSERT_GE(book_and_watch(10), 0) << "the other copy never showed the booking";

  ASSERT_TRUE(from_memory());
  EXPECT_GE(book_and_watch(11), 1) << "the notice of a booking made the copy forget the barber";
}

// Someone told of a change by an event (the real-time service, which then asks for the
// day's free slots) may reach a copy before the change's notice does.  Asking with
// "cache-control: no-cache", they get what PostgreSQL holds: here, new hours written with
// triggers off, so that no notice ever comes and the copy's memory keeps the old ones.
TEST_F(ListCacheReplicasTest, FreeSlotsAskedWithNoCacheAreReadFromTheDatabase) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);
  const auto facts = [&] { return Metric(replica_->http_port(), "barbershop_barber_facts_from_memory"); };
  ASSERT_TRUE(Eventually([&] {
    const double before = facts();
    FreeSlots(*b_, day);
    return facts() > before;
  }));
  ASSERT_TRUE(FreeSlots(*b_, day).contains("13:00"));
  Sql("SET session_replication_role = replica; UPDATE working_hours SET closes_minute = 720 WHERE barber_id = '" +
      barber_.id + "'");
  const double before = facts();
  const auto fresh = FreeSlots(*b_, day, "", true);
  EXPECT_FALSE(fresh.contains("13:00"));
  EXPECT_TRUE(fresh.contains("10:00"));
  EXPECT_EQ(facts(), before) << "answered from memory";
}

// A barber's schedule is kept as the bytes last answered, per view: what anyone sees is
// answered from memory at once, what the barber sees after their session's check, and
// either shows a change made through the other copy.
TEST_F(ListCacheReplicasTest, ABarbersScheduleFollowsEveryChangeInEveryCopy) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);
  const auto read = [&](const std::string& token, BarberScheduleResponse* response, UserService::Stub* stub = nullptr) {
    GetBarberScheduleRequest request;
    request.set_barber_name(barber_.username);
    request.set_from(day);
    return (stub ? stub : b_.get())->GetBarberSchedule(Authed(token).get(), request, response);
  };
  const auto schedule = [&](const std::string& token) {
    BarberScheduleResponse response;
    const auto status = read(token, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  const auto from_memory = [&](const std::string& token) {
    return Eventually([&] {
      const double before = Metric(replica_->http_port(), "barbershop_barber_facts_from_memory");
      schedule(token);
      return Metric(replica_->http_port(), "barbershop_barber_facts_from_memory") > before;
    });
  };
  ASSERT_TRUE(from_memory(""));
  ASSERT_TRUE(from_memory(barber_.token));
  EXPECT_EQ(schedule("").busy_size(), 0);
  EXPECT_EQ(schedule(barber_.token).appointments_size(), 0);

  const auto id = Book(*a_, Slot(2, 10, 0));
  EXPECT_TRUE(Eventually([&] { return schedule("").busy_size() == 1; }));
  EXPECT_TRUE(Eventually([&] { return schedule(barber_.token).appointments_size() == 1; }));
  EXPECT_EQ(schedule(barber_.token).appointments(0).appointment_id(), id);
  EXPECT_TRUE(schedule(barber_.token).detailed());
  EXPECT_EQ(schedule("").appointments_size(), 0);  // anyone else sees busy and free only
  EXPECT_FALSE(schedule("").detailed());
  EXPECT_EQ(schedule(client_.token).appointments_size(), 0);

  // A cancellation through this copy shows in its next answers, with no notice awaited.
  ASSERT_TRUE(from_memory(""));
  ASSERT_TRUE(from_memory(barber_.token));
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  AppointmentResponse canceled;
  ASSERT_TRUE(b_->CancelAppointment(Authed(client_.token).get(), cancel, &canceled).ok());
  EXPECT_EQ(schedule("").busy_size(), 0);
  EXPECT_EQ(schedule(barber_.token).appointments(0).status(), "canceled");

  // A token whose session has ended gets no schedule, though one is kept.
  AccountResponse out;
  ASSERT_TRUE(b_->Logout(Authed(barber_.token).get(), {}, &out).ok());
  BarberScheduleResponse refused;
  EXPECT_EQ(read(barber_.token, &refused).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ListCacheReplicasTest, ADeactivatedAccountGetsNoListFromAnyCopysMemory) {
  Book(*a_, Slot(2, 10, 0));
  ASSERT_TRUE(FromMemory(*b_, replica_->http_port(), client_));
  const TestUser admin = NewAdmin(*a_, core_.database_url());
  const auto set_active = [&](bool active) {
    SetAccountActiveRequest request;
    request.set_user_id(client_.id);
    request.set_active(active);
    AccountResponse response;
    return a_->SetAccountActive(Authed(admin.token).get(), request, &response);
  };
  const auto own_list = [&] {
    AppointmentsResponse response;
    return b_->GetAppointments(Authed(client_.token).get(), GetAppointmentsRequest(), &response).error_code();
  };
  // Deactivated through one copy: the other, which kept the list, refuses it too.
  ASSERT_TRUE(set_active(false).ok());
  EXPECT_TRUE(Eventually([&] { return own_list() == grpc::StatusCode::UNAUTHENTICATED; }));
  // An admin's read of the list through that copy does not give it back to the account.
  GetAppointmentsRequest of_client;
  of_client.set_user_id(client_.id);
  AppointmentsResponse read;
  ASSERT_TRUE(b_->GetAppointments(Authed(admin.token).get(), of_client, &read).ok());
  EXPECT_EQ(own_list(), grpc::StatusCode::UNAUTHENTICATED);

  // Reactivated, the account logs in again (its old sessions stay ended) and has its list.
  ASSERT_TRUE(set_active(true).ok());
  EXPECT_EQ(own_list(), grpc::StatusCode::UNAUTHENTICATED);
  client_.token = Login(*a_, client_.email, client_.password);
  EXPECT_TRUE(Eventually([&] { return own_list() == grpc::StatusCode::OK; }));
}

// A token whose session ended (here a password change, which ends the others) gets no
// list from either copy's memory, once the notice of the end has reached it.
TEST_F(ListCacheReplicasTest, AnEndedSessionGetsNoListFromAnyCopysMemory) {
  Book(*a_, Slot(2, 10, 0));
  ASSERT_TRUE(FromMemory(*a_, core_.http_port(), client_));
  ASSERT_TRUE(FromMemory(*b_, replica_->http_port(), client_));
  const std::string other = Login(*a_, client_.email, client_.password);
  ChangePasswordRequest change;
  change.set_current_password(client_.password);
  change.set_new_password(client_.password + "-new");
  AccountResponse changed;
  ASSERT_TRUE(a_->ChangePassword(Authed(other).get(), change, &changed).ok());
  for (auto* stub : {a_.get(), b_.get()}) {
    EXPECT_TRUE(Eventually([&] {
      AppointmentsResponse response;
      return stub->GetAppointments(Authed(client_.token).get(), {}, &response).error_code() ==
             grpc::StatusCode::UNAUTHENTICATED;
    }));
  }
  AppointmentsResponse still;
  EXPECT_TRUE(b_->GetAppointments(Authed(other).get(), {}, &still).ok());  // the session that changed it goes on
}

TEST_F(ListCacheReplicasTest, ListsAreReadAgainAfterTheFeedWasAway) {
  const auto id = Book(*a_, Slot(2, 10, 0));
  ASSERT_TRUE(FromMemory(*b_, replica_->http_port(), client_));
  EXPECT_EQ(Listed(*b_, client_), std::vector<std::string>{Line(id, "confirmed")});

  // Both copies' feeds lose their connections, and a change lands that no one hears.
  const char* feeds =
      "FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%appointment_lists%'";
  const std::string gone = Sql(std::string("SELECT string_agg(pid::text, ',') ") + feeds);
  ASSERT_EQ(Sql(std::string("SELECT count(pg_terminate_backend(pid, 5000)) ") + feeds), "2");
  Sql("UPDATE appointments SET status = 'no_show' WHERE id = '" + id + "'");

  // Once listening again, the copy reads the list afresh.
  ASSERT_TRUE(Eventually([&] {
    return Sql(std::string("SELECT count(*) ") + feeds + " AND pid::text <> ALL(string_to_array('" + gone +
               "', ','))") == "2" &&
           Online(replica_->http_port());
  }));
  EXPECT_EQ(Listed(*b_, client_), std::vector<std::string>{Line(id, "no_show")});
}

// The copy that makes a change forgets its parties' lists as the change commits, not when
// the notice comes back: the caller's next list may arrive first.  No feed here, so only
// the writes make the cache forget.
TEST(ListCacheWritesTest, ACommittedChangeForgetsItsPartiesListsAtOnce) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  const common::SystemClock clock;
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  domain::ListCache cache(60s, 1000, clock);
  cache.SetOnline(true);
  storage::Database db(TestCore::Get().database_url());
  storage::PgUnitOfWork work(db, storage::PgWiring{&cache});
  const domain::BookingPolicy policy;
  domain::BookingService rules(work, shop, clock, policy);
  const domain::Caller caller{client.id, domain::Role::kCustomer};
  const domain::ListKey mine{client.id, false, {clock.Now(), domain::kEndOfTime}};
  const domain::ListKey chair{barber.id, true, {clock.Now(), domain::kEndOfTime}};
  const auto keep = [&](const domain::ListKey& key) {
    std::optional<domain::ListCache::Ticket> ticket;
    if (cache.Find(key, ticket) == nullptr && ticket) cache.Store(key, *ticket, {});
  };
  const auto kept = [&](const domain::ListKey& key) {
    std::optional<domain::ListCache::Ticket> ticket;
    return cache.Find(key, ticket) != nullptr;
  };

  keep(mine);
  keep(chair);
  ASSERT_TRUE(kept(mine) && kept(chair));
  const auto booked = rules.Create(caller, "", Slot(2, 10, 0), barber.username);
  ASSERT_TRUE(booked) << booked.error().message;
  EXPECT_FALSE(kept(mine));
  EXPECT_FALSE(kept(chair));

  keep(mine);
  keep(chair);
  EXPECT_FALSE(rules.Create(caller, "", Slot(2, 10, 0), barber.username));  // refused: nothing changed
  EXPECT_TRUE(kept(mine) && kept(chair));
  ASSERT_TRUE(rules.Cancel(caller, booked->id));
  EXPECT_FALSE(kept(mine));
  EXPECT_FALSE(kept(chair));
}

}  // namespace
}  // namespace barbershop::core::testing
