#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class TimeOffTest : public ::testing::Test {
 protected:
  TimeOffTest()
      : stub_(TestCore::Get().NewStub()),
        client_(NewCustomer(*stub_)),
        barber_(NewBarber(*stub_)),
        day_(Slot(3, 10, 0).substr(0, 10)) {}

  grpc::Status Add(const TestUser& as, const std::string& barber_name, const std::string& from, const std::string& to,
                   TimeOffResponse* out, const std::string& reason = "") {
    AddTimeOffRequest request;
    request.set_barber_name(barber_name);
    request.set_from(from);
    request.set_to(to);
    request.set_reason(reason);
    return stub_->AddTimeOff(Authed(as.token).get(), request, out);
  }
  grpc::Status Remove(const TestUser& as, const std::string& id) {
    RemoveTimeOffRequest request;
    request.set_time_off_id(id);
    TimeOffResponse response;
    return stub_->RemoveTimeOff(Authed(as.token).get(), request, &response);
  }
  grpc::Status List(const TestUser& as, const std::string& barber_name, ListTimeOffResponse* out) {
    ListTimeOffRequest request;
    request.set_barber_name(barber_name);
    return stub_->ListTimeOff(Authed(as.token).get(), request, out);
  }
  grpc::Status Book(const TestUser& as, const std::string& hh_mm, AppointmentResponse* out = nullptr) {
    CreateAppointmentRequest request;
    request.set_barber_name(barber_.username);
    request.set_date_time(day_ + "T" + hh_mm);
    AppointmentResponse ignored;
    return stub_->CreateAppointment(Authed(as.token).get(), request, out ? out : &ignored);
  }
  std::vector<std::string> FreeStarts() {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber_.username);
    request.set_date(day_);
    GetAvailableSlotsResponse response;
    EXPECT_TRUE(stub_->GetAvailableSlots(Authed(client_.token).get(), request, &response).ok());
    std::vector<std::string> out;
    for (const auto& s : response.slots()) out.push_back(s.substr(11, 5));
    return out;
  }
  // Waits until a session waits for the barber's lock (a booking or time off queued
  // behind the transaction a test holds open).  An advisory lock's 64-bit key shows in
  // pg_locks as two 32-bit halves.
  bool SomeoneWaitsForTheBarbersLock() const {
    const std::string waiting =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('" +
        barber_.id + "', 0)";
    return Eventually([&] { return QueryScalar(waiting) != "0"; });
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser client_;
  TestUser barber_;
  std::string day_;  ///< a Wednesday ahead
};

TEST_F(TimeOffTest, TheBarbersTimeOffKeepsBookingsAndSlotsOut) {
  TimeOffResponse added;
  ASSERT_TRUE(Add(barber_, "", day_ + "T12:00", day_ + "T14:00", &added, "dentist").ok());
  EXPECT_FALSE(added.time_off().time_off_id().empty());
  EXPECT_EQ(added.time_off().from().substr(0, 16), day_ + "T12:00");
  EXPECT_EQ(added.time_off().barber_name(), barber_.username);

  const auto refused = Book(client_, "12:30");
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("off"), std::string::npos) << refused.error_message();
  const auto free = FreeStarts();
  EXPECT_EQ(free.size(), 14U);  // 18 half hours less 12:00 to 13:30
  EXPECT_EQ(std::count(free.begin(), free.end(), "13:30"), 0);
  EXPECT_EQ(std::count(free.begin(), free.end(), "14:00"), 1);

  ListTimeOffResponse list;
  ASSERT_TRUE(List(barber_, "", &list).ok());
  ASSERT_EQ(list.time_off_size(), 1);
  EXPECT_EQ(list.time_off(0).reason(), "dentist");
  EXPECT_EQ(list.time_off(0).time_off_id(), added.time_off().time_off_id());

  // Removed, the time is bookable again.
  ASSERT_TRUE(Remove(barber_, added.time_off().time_off_id()).ok());
  ASSERT_TRUE(List(barber_, "", &list).ok());
  EXPECT_EQ(list.time_off_size(), 0);
  EXPECT_TRUE(Book(client_, "12:30").ok());
  EXPECT_EQ(Remove(barber_, added.time_off().time_off_id()).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(TimeOffTest, TimeOffOverLiveBookingsIsRefusedNamingThem) {
  AppointmentResponse booked;
  ASSERT_TRUE(Book(client_, "15:00", &booked).ok());
  TimeOffResponse added;
  const auto refused = Add(barber_, "", day_ + "T14:30", day_ + "T16:00", &added);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(refused.error_message(),
            "live appointments fall in that time; cancel or move them first: " + booked.appointment_id());
  ListTimeOffResponse list;
  ASSERT_TRUE(List(barber_, "", &list).ok());
  EXPECT_EQ(list.time_off_size(), 0);

  // Once the booking is canceled, the same time off goes in.
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(booked.appointment_id());
  AppointmentResponse canceled;
  ASSERT_TRUE(stub_->CancelAppointment(Authed(client_.token).get(), cancel, &canceled).ok());
  EXPECT_TRUE(Add(barber_, "", day_ + "T14:30", day_ + "T16:00", &added).ok());
}

TEST_F(TimeOffTest, OnlyTheBarberOrAnAdminManagesTimeOffAndBadInputChangesNothing) {
  TimeOffResponse added;
  const std::string from = day_ + "T12:00";
  const std::string to = day_ + "T13:00";
  EXPECT_EQ(Add(client_, "", from, to, &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(client_, barber_.username, from, to, &added).error_code(), StatusCode::PERMISSION_DENIED);
  const auto rival = NewBarber(*stub_);
  EXPECT_EQ(Add(rival, barber_.username, from, to, &added).error_code(), StatusCode::PERMISSION_DENIED);
  ListTimeOffResponse list;
  EXPECT_EQ(List(client_, barber_.username, &list).error_code(), StatusCode::PERMISSION_DENIED);

  EXPECT_EQ(Add(barber_, "", to, from, &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(barber_, "", "2020-01-01", "2020-01-02", &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(barber_, "", day_, "2099-01-01", &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(barber_, "", from, "", &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(barber_, "", from, to, &added, "two\nlines").error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(barber_, "", from, to, &added, std::string(201, 'x')).error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(List(barber_, "", &list).ok());
  EXPECT_EQ(list.time_off_size(), 0);

  // An admin adds it for the barber; neither the client nor another barber removes it.
  const auto admin = NewAdmin(*stub_);
  ASSERT_TRUE(Add(admin, barber_.username, day_, day_ + "T23:59", &added, "closed for the day").ok());
  const auto id = added.time_off().time_off_id();
  EXPECT_EQ(Remove(client_, id).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Remove(rival, id).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Remove(barber_, "12; DROP TABLE time_off").error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(List(admin, barber_.username, &list).ok());
  EXPECT_EQ(list.time_off_size(), 1);
  EXPECT_TRUE(FreeStarts().empty());
  EXPECT_TRUE(Remove(admin, id).ok());
}

TEST_F(TimeOffTest, AddingAndRemovingTimeOffAnnouncesTheBarbersScheduleChangeWithItsRange) {
  TimeOffResponse added;
  ASSERT_TRUE(Add(barber_, "", day_ + "T12:00", day_ + "T14:00", &added, "dentist").ok());
  auto events = ScheduleChanges(barber_);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_TRUE(IsScheduleChange(events[0], barber_, barber_.username, "time_off_added"));
  EXPECT_EQ(events[0]["from"], added.time_off().from());
  EXPECT_EQ(events[0]["to"], added.time_off().to());
  EXPECT_EQ(events[0]["from"].get<std::string>().substr(0, 16), day_ + "T12:00");

  const auto admin = NewAdmin(*stub_);
  ASSERT_TRUE(Remove(admin, added.time_off().time_off_id()).ok());
  events = ScheduleChanges(barber_);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_TRUE(IsScheduleChange(events[1], barber_, barber_.username, "time_off_removed"));
  EXPECT_EQ(events[1]["from"], added.time_off().from());
  EXPECT_EQ(events[1]["to"], added.time_off().to());
  EXPECT_NE(events[1]["event_id"], events[0]["event_id"]);
  // Removed already: nothing more to announce.
  EXPECT_EQ(Remove(barber_, added.time_off().time_off_id()).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ScheduleChanges(barber_).size(), 2U);
}

TEST_F(TimeOffTest, RefusedTimeOffAnnouncesNothing) {
  AppointmentResponse booked;
  ASSERT_TRUE(Book(client_, "15:00", &booked).ok());
  TimeOffResponse added;
  EXPECT_EQ(Add(barber_, "", day_ + "T14:30", day_ + "T16:00", &added).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Add(barber_, "", day_ + "T16:00", day_ + "T14:30", &added).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Add(client_, barber_.username, day_ + "T16:00", day_ + "T17:00", &added).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ScheduleChanges(barber_).empty());
}

TEST_F(TimeOffTest, ABookingQueuedBehindNewTimeOffIsRefused) {
  // Time off being added holds the barber's lock; a booking for that hour waits for it,
  // and once the time off commits the booking must see it.
  pqxx::connection connection(TestCore::Get().database_url());
  pqxx::work tx(connection);
  tx.exec("INSERT INTO time_off (barber_id, during) VALUES ('" + barber_.id + "', tstzrange('" + day_ +
          " 10:00'::timestamp AT TIME ZONE 'Europe/Chisinau', '" + day_ +
          " 11:00'::timestamp AT TIME ZONE 'Europe/Chisinau'))");
  auto booking = std::async(std::launch::async, [&] { return Book(client_, "10:00"); });
  ASSERT_TRUE(SomeoneWaitsForTheBarbersLock());
  tx.commit();
  const auto status = booking.get();
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'"), "0");
}

TEST_F(TimeOffTest, TimeOffQueuedBehindANewBookingIsRefused) {
  // The other way round: a booking being written holds the lock, and time off for that
  // hour, once the booking commits, must see it.
  pqxx::connection connection(TestCore::Get().database_url());
  pqxx::work tx(connection);
  const auto appointment_id =
      tx.exec(
            "INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, barber_name, client_name) "
            "VALUES (gen_random_uuid(), '" +
            barber_.id + "', '" + client_.id + "', '" + day_ + " 10:00'::timestamp AT TIME ZONE 'Europe/Chisinau', '" +
            day_ + " 10:30'::timestamp AT TIME ZONE 'Europe/Chisinau', 'pending', '" + barber_.username + "', '" +
            client_.username + "') RETURNING id::text")[0][0]
          .as<std::string>();
  TimeOffResponse added;
  auto adding =
      std::async(std::launch::async, [&] { return Add(barber_, "", day_ + "T09:00", day_ + "T12:00", &added); });
  ASSERT_TRUE(SomeoneWaitsForTheBarbersLock());
  tx.commit();
  const auto status = adding.get();
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_NE(status.error_message().find(appointment_id), std::string::npos) << status.error_message();
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM time_off WHERE barber_id = '" + barber_.id + "'"), "0");
}

}  // namespace
}  // namespace barbershop::core::testing
