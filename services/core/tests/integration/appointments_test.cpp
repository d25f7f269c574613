#include <gtest/gtest.h>

#include <algorithm>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class AppointmentsTest : public ::testing::Test {
 protected:
  AppointmentsTest() : stub_(TestCore::Get().NewStub()), client_(NewCustomer(*stub_)), barber_(NewBarber(*stub_)) {}

  grpc::Status Book(const TestUser& as, const std::string& barber_name, const std::string& when,
                    AppointmentResponse* out, const std::string& user_id = "", const std::string& key = "") {
    CreateAppointmentRequest request;
    request.set_user_id(user_id);
    request.set_barber_name(barber_name);
    request.set_date_time(when);
    auto context = Authed(as.token);
    if (!key.empty()) context->AddMetadata("idempotency-key", key);
    return stub_->CreateAppointment(context.get(), request, out);
  }
  std::string BookOk(const TestUser& as, const std::string& when) {
    AppointmentResponse response;
    const auto status = Book(as, barber_.username, when, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.appointment_id();
  }
  grpc::Status Confirm(const TestUser& as, const std::string& id, AppointmentResponse* out) {
    ConfirmAppointmentRequest request;
    request.set_appointment_id(id);
    return stub_->ConfirmAppointment(Authed(as.token).get(), request, out);
  }
  grpc::Status Modify(const TestUser& as, const std::string& id, const std::string& when, AppointmentResponse* out) {
    ModifyAppointmentRequest request;
    request.set_appointment_id(id);
    request.set_date_time(when);
    return stub_->ModifyAppointment(Authed(as.token).get(), request, out);
  }
  grpc::Status Cancel(const TestUser& as, const std::string& id, AppointmentResponse* out) {
    CancelAppointmentRequest request;
    request.set_appointment_id(id);
    return stub_->CancelAppointment(Authed(as.token).get(), request, out);
  }
  grpc::Status Complete(const TestUser& as, const std::string& id, AppointmentResponse* out) {
    CompleteAppointmentRequest request;
    request.set_appointment_id(id);
    return stub_->CompleteAppointment(Authed(as.token).get(), request, out);
  }
  grpc::Status NoShow(const TestUser& as, const std::string& id, AppointmentResponse* out) {
    MarkNoShowRequest request;
    request.set_appointment_id(id);
    return stub_->MarkNoShow(Authed(as.token).get(), request, out);
  }
  // An appointment of the fixture's barber and client that began `ago` before now.
  std::string Started(const std::string& status, const std::string& ago = "10 minutes") {
    return StartedAppointment(barber_, client_, status, ago);
  }
  grpc::Status SaveService(const TestUser& as, const std::string& barber_name, const std::string& name, int minutes,
                           std::int64_t price, ServiceResponse* out) {
    SaveServiceRequest request;
    request.set_barber_name(barber_name);
    request.mutable_service()->set_name(name);
    request.mutable_service()->set_duration_minutes(minutes);
    request.mutable_service()->set_price_cents(price);
    return stub_->SaveService(Authed(as.token).get(), request, out);
  }
  grpc::Status RemoveService(const TestUser& as, const std::string& barber_name, const std::string& name,
                             ServiceResponse* out) {
    RemoveServiceRequest request;
    request.set_barber_name(barber_name);
    request.set_name(name);
    return stub_->RemoveService(Authed(as.token).get(), request, out);
  }
  // The fixture barber's services as ListBarbers gives them: "name minutes price" each.
  std::vector<std::string> PriceList() {
    ListBarbersResponse barbers;
    EXPECT_TRUE(stub_->ListBarbers(Authed(client_.token).get(), {}, &barbers).ok());
    std::vector<std::string> out;
    for (const auto& b : barbers.barbers()) {
      if (b.name() != barber_.username) continue;
      for (const auto& s : b.services()) {
        out.push_back(s.name() + " " + std::to_string(s.duration_minutes()) + " " + std::to_string(s.price_cents()));
      }
    }
    return out;
  }
  grpc::Status List(const TestUser& as, const std::string& user_id, AppointmentsResponse* out,
                    const std::string& from = "", const std::string& to = "") {
    GetAppointmentsRequest request;
    request.set_user_id(user_id);
    request.set_from(from);
    request.set_to(to);
    return stub_->GetAppointments(Authed(as.token).get(), request, out);
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser client_;
  TestUser barber_;
};

TEST_F(AppointmentsTest, BookingIsPendingWithItsIdAndOffsetTime) {
  AppointmentResponse response;
  const auto when = Slot(2, 10, 0);
  const auto status = Book(client_, barber_.username, when, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.success());
  EXPECT_FALSE(response.message().empty());
  EXPECT_EQ(response.appointment_id().size(), 36u);
  const auto& a = response.appointment();
  EXPECT_EQ(a.appointment_id(), response.appointment_id());
  EXPECT_EQ(a.status(), "pending");
  EXPECT_EQ(a.barber_name(), barber_.username);
  EXPECT_EQ(a.barber_id(), barber_.id);
  EXPECT_EQ(a.client_id(), client_.id);
  EXPECT_EQ(a.date_time().rfind(when + ":00+0", 0), 0u) << a.date_time();  // +02:00 or +03:00
  EXPECT_EQ(a.end_time().substr(11, 5), "10:30");
}

TEST_F(AppointmentsTest, AnOffsetIsTakenAsGiven) {
  AppointmentResponse response;
  const auto day = Slot(3, 0, 0).substr(0, 10);
  ASSERT_TRUE(Book(client_, barber_.username, day + "T09:00:00Z", &response).ok());
  // 09:00 UTC is 11:00 or 12:00 in Chisinau.
  const auto local_hour = response.appointment().date_time().substr(11, 2);
  EXPECT_TRUE(local_hour == "11" || local_hour == "12") << response.appointment().date_time();
}

TEST_F(AppointmentsTest, RefusalsSayWhyWithTheRightCode) {
  AppointmentResponse response;
  auto status = Book(client_, barber_.username, "2020-01-06T10:00", &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("past"), std::string::npos);

  status = Book(client_, "nobody_" + Unique(), Slot(2, 10, 0), &response);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("barber"), std::string::npos);

  status = Book(client_, barber_.username, Slot(2, 19, 0), &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("09:00-18:00"), std::string::npos);
  EXPECT_EQ(Book(client_, barber_.username, Slot(7, 10, 0), &response).error_code(),
            StatusCode::FAILED_PRECONDITION);  // Sunday

  status = Book(client_, barber_.username, "next tuesday", &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("ISO 8601"), std::string::npos);
  EXPECT_EQ(Book(client_, "", Slot(2, 10, 0), &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Book(client_, barber_.username, Slot(2, 10, 0), &response, "not-an-id").error_code(),
            StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(response.success());
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE client_id = '" + client_.id + "'"), "0");
}

TEST_F(AppointmentsTest, OverlapsAreRefusedForTheBarberAndForTheClient) {
  BookOk(client_, Slot(2, 11, 0));
  AppointmentResponse response;
  const auto other = NewCustomer(*stub_);
  auto status = Book(other, barber_.username, Slot(2, 11, 0), &response);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_NE(status.error_message().find("already booked"), std::string::npos);
  // Right after is free.
  EXPECT_TRUE(Book(other, barber_.username, Slot(2, 11, 30), &response).ok());

  const auto second_barber = NewBarber(*stub_);
  status = Book(client_, second_barber.username, Slot(2, 11, 0), &response);
  EXPECT_EQ(status.error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_NE(status.error_message().find("client already has"), std::string::npos);
}

TEST_F(AppointmentsTest, BookingForSomeoneElseNeedsAnAdmin) {
  const auto other = NewCustomer(*stub_);
  AppointmentResponse response;
  EXPECT_EQ(Book(client_, barber_.username, Slot(2, 12, 0), &response, other.id).error_code(),
            StatusCode::PERMISSION_DENIED);
  const auto admin = NewAdmin(*stub_);
  ASSERT_TRUE(Book(admin, barber_.username, Slot(2, 12, 0), &response, other.id).ok());
  EXPECT_EQ(response.appointment().client_id(), other.id);
  // The token's subject is used when user_id is empty, and an explicit own id works too.
  EXPECT_TRUE(Book(client_, barber_.username, Slot(2, 13, 0), &response, client_.id).ok());
  EXPECT_EQ(response.appointment().client_id(), client_.id);
}

TEST_F(AppointmentsTest, OnlyTheBarberConfirmsAndOnlyOnce) {
  const auto id = BookOk(client_, Slot(4, 10, 0));
  AppointmentResponse response;
  EXPECT_EQ(Confirm(client_, id, &response).error_code(), StatusCode::PERMISSION_DENIED);
  const auto other_barber = NewBarber(*stub_);
  EXPECT_EQ(Confirm(other_barber, id, &response).error_code(), StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Confirm(barber_, id, &response).ok());
  EXPECT_EQ(response.appointment().status(), "confirmed");
  EXPECT_EQ(Confirm(barber_, id, &response).error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(AppointmentsTest, MovingReChecksTheSlotAndNeedsReconfirmation) {
  const auto id = BookOk(client_, Slot(5, 10, 0));
  const auto blocker = NewCustomer(*stub_);
  BookOk(blocker, Slot(5, 14, 0));
  AppointmentResponse response;
  ASSERT_TRUE(Confirm(barber_, id, &response).ok());

  EXPECT_EQ(Modify(client_, id, Slot(5, 14, 0), &response).error_code(), StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Modify(client_, id, Slot(5, 20, 0), &response).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Modify(blocker, id, Slot(5, 15, 0), &response).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Modify(client_, id, "garbage", &response).error_code(), StatusCode::INVALID_ARGUMENT);

  ASSERT_TRUE(Modify(client_, id, Slot(5, 15, 0), &response).ok());
  EXPECT_EQ(response.appointment().date_time().substr(11, 5), "15:00");
  EXPECT_EQ(response.appointment().status(), "pending");  // the client moved it
  ASSERT_TRUE(Confirm(barber_, id, &response).ok());
  ASSERT_TRUE(Modify(barber_, id, Slot(5, 16, 0), &response).ok());
  EXPECT_EQ(response.appointment().status(), "confirmed");  // the barber moved it
  // The old slot is free again.
  EXPECT_TRUE(Book(blocker, barber_.username, Slot(5, 10, 0), &response).ok());
}

TEST_F(AppointmentsTest, CancelFreesTheSlotAndCannotRepeat) {
  const auto id = BookOk(client_, Slot(6, 10, 0));
  AppointmentResponse response;
  const auto stranger = NewCustomer(*stub_);
  EXPECT_EQ(Cancel(stranger, id, &response).error_code(), StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Cancel(client_, id, &response).ok());
  EXPECT_EQ(response.appointment().status(), "canceled");
  EXPECT_EQ(Cancel(client_, id, &response).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Modify(client_, id, Slot(6, 11, 0), &response).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Confirm(barber_, id, &response).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Book(stranger, barber_.username, Slot(6, 10, 0), &response).ok());
}

TEST_F(AppointmentsTest, UnknownAndMalformedIds) {
  AppointmentResponse response;
  const auto missing = Cancel(client_, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", &response);
  EXPECT_EQ(missing.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(Cancel(client_, "1 OR 1=1", &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Confirm(barber_, "", &response).error_code(), StatusCode::INVALID_ARGUMENT);
}

TEST_F(AppointmentsTest, ListingShowsOwnBookingsOrTheBarbersChair) {
  const auto first = BookOk(client_, Slot(2, 15, 0));
  const auto other = NewCustomer(*stub_);
  BookOk(other, Slot(2, 16, 0));

  AppointmentsResponse mine;
  ASSERT_TRUE(List(client_, "", &mine).ok());
  ASSERT_EQ(mine.appointments_size(), 1);
  EXPECT_EQ(mine.appointments(0).appointment_id(), first);
  EXPECT_FALSE(mine.more());

  AppointmentsResponse chair;
  ASSERT_TRUE(List(barber_, barber_.id, &chair).ok());
  EXPECT_EQ(chair.appointments_size(), 2);
  EXPECT_EQ(chair.appointments(0).appointment_id(), first);  // in time order

  AppointmentsResponse denied;
  EXPECT_EQ(List(client_, other.id, &denied).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(barber_, client_.id, &denied).error_code(), StatusCode::PERMISSION_DENIED);
  const auto admin = NewAdmin(*stub_);
  AppointmentsResponse theirs;
  ASSERT_TRUE(List(admin, other.id, &theirs).ok());
  EXPECT_EQ(theirs.appointments_size(), 1);

  UserProfile profile;
  ASSERT_TRUE(stub_->GetUserProfile(Authed(client_.token).get(), GetUserProfileRequest{}, &profile).ok());
  ASSERT_EQ(profile.appointments_size(), 1);
  EXPECT_EQ(profile.appointments(0).appointment_id(), first);
  UserProfile barber_profile;
  ASSERT_TRUE(stub_->GetUserProfile(Authed(barber_.token).get(), GetUserProfileRequest{}, &barber_profile).ok());
  EXPECT_EQ(barber_profile.role(), "barber");
  EXPECT_EQ(barber_profile.barber_name(), barber_.username);
}

TEST_F(AppointmentsTest, AppointmentsShowTheirPartiesCurrentNames) {
  const auto id = BookOk(client_, Slot(3, 11, 0));
  const std::string renamed = barber_.username + "_renamed";
  QueryScalar("UPDATE barbers SET display_name = '" + renamed + "' WHERE user_id = '" + barber_.id + "'");

  AppointmentsResponse mine;
  ASSERT_TRUE(List(client_, "", &mine).ok());
  ASSERT_EQ(mine.appointments_size(), 1);
  EXPECT_EQ(mine.appointments(0).barber_name(), renamed);
  EXPECT_EQ(mine.appointments(0).client_name(), client_.username);
  AppointmentsResponse chair;
  ASSERT_TRUE(List(barber_, "", &chair).ok());
  ASSERT_EQ(chair.appointments_size(), 1);
  EXPECT_EQ(chair.appointments(0).barber_name(), renamed);

  // The database refuses an appointment whose copy of a name is not its party's.
  EXPECT_ANY_THROW(QueryScalar(
      "INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, barber_name, client_name) "
      "SELECT gen_random_uuid(), barber_id, client_id, starts_at + interval '1 day', ends_at + interval '1 day', "
      "status, barber_name, 'someone else' FROM appointments WHERE id = '" +
      id + "'"));
}

TEST_F(AppointmentsTest, ListingStartsTodayUnlessGivenARange) {
  const auto ahead = BookOk(client_, Slot(2, 15, 0));
  const auto before = Started("completed", "3 days");
  const auto ids = [](const AppointmentsResponse& list) {
    std::vector<std::string> out;
    for (const auto& a : list.appointments()) out.push_back(a.appointment_id());
    return out;
  };
  AppointmentsResponse list;
  ASSERT_TRUE(List(client_, "", &list).ok());
  EXPECT_EQ(ids(list), std::vector<std::string>{ahead});
  ASSERT_TRUE(List(barber_, barber_.id, &list).ok());
  EXPECT_EQ(ids(list), std::vector<std::string>{ahead});

  ASSERT_TRUE(List(client_, "", &list, "2020-01-01T00:00").ok());
  EXPECT_EQ(ids(list), (std::vector<std::string>{before, ahead}));
  ASSERT_TRUE(List(client_, "", &list, "2020-01-01").ok());  // a day alone: its start
  EXPECT_EQ(ids(list), (std::vector<std::string>{before, ahead}));
  // `to` is exclusive: up to the booking's own start leaves it out.
  ASSERT_TRUE(List(barber_, barber_.id, &list, "2020-01-01T00:00", Slot(2, 15, 0)).ok());
  EXPECT_EQ(ids(list), std::vector<std::string>{before});

  const auto bad = List(client_, "", &list, "yesterday");
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("from"), std::string::npos) << bad.error_message();
  EXPECT_EQ(List(client_, "", &list, Slot(2, 15, 0), "2020-01-01T00:00").error_code(), StatusCode::INVALID_ARGUMENT);
}

TEST_F(AppointmentsTest, AListSaysWhenMoreFollowItsFiveHundred) {
  // 501 half hours around the clock from a week ahead, written straight into the
  // database (501 bookings through the API would only take longer).
  const auto chair = NewBarber(*stub_, false, true);
  QueryScalar(
      "INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, barber_name, client_name) "
      "SELECT gen_random_uuid(), '" +
      chair.id + "', '" + client_.id +
      "', t, t + interval '30 minutes', "
      "'pending', '" +
      chair.username + "', '" + client_.username +
      "' "
      "FROM generate_series(date_trunc('hour', now()) + interval '7 days', "
      "date_trunc('hour', now()) + interval '7 days' + interval '250 hours', interval '30 minutes') AS t");
  AppointmentsResponse first;
  ASSERT_TRUE(List(chair, "", &first).ok());
  ASSERT_EQ(first.appointments_size(), 500);
  EXPECT_TRUE(first.more());
  AppointmentsResponse rest;
  ASSERT_TRUE(List(chair, "", &rest, first.appointments(499).date_time()).ok());
  ASSERT_EQ(rest.appointments_size(), 2);  // the 500th again, and the 501st
  EXPECT_EQ(rest.appointments(0).appointment_id(), first.appointments(499).appointment_id());
  EXPECT_FALSE(rest.more());
}

TEST_F(AppointmentsTest, AvailableSlotsLeaveOutBookingsAndTimeOff) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);  // a Tuesday ahead
  const auto free = [&](const std::string& barber, const std::string& date, GetAvailableSlotsResponse* out) {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber);
    request.set_date(date);
    return stub_->GetAvailableSlots(Authed(client_.token).get(), request, out);
  };
  const auto has = [](const GetAvailableSlotsResponse& r, const std::string& hh_mm) {
    return std::any_of(r.slots().begin(), r.slots().end(),
                       [&](const std::string& s) { return s.substr(11, 5) == hh_mm; });
  };
  GetAvailableSlotsResponse all;
  ASSERT_TRUE(free(barber_.username, day, &all).ok());
  ASSERT_EQ(all.slots_size(), 18);  // 09:00 to 17:30
  EXPECT_EQ(all.slots(0).substr(0, 16), day + "T09:00");

  BookOk(client_, day + "T10:00");
  QueryScalar("INSERT INTO time_off (barber_id, during) VALUES ('" + barber_.id + "', tstzrange('" + day +
              " 12:00'::timestamp AT TIME ZONE 'Europe/Chisinau', '" + day +
              " 13:00'::timestamp AT TIME ZONE 'Europe/Chisinau'))");
  GetAvailableSlotsResponse left;
  ASSERT_TRUE(free(barber_.username, day, &left).ok());
  EXPECT_EQ(left.slots_size(), 15);
  EXPECT_FALSE(has(left, "10:00"));
  EXPECT_FALSE(has(left, "12:00"));
  EXPECT_FALSE(has(left, "12:30"));
  EXPECT_TRUE(has(left, "13:00"));
  // A slot as given books as is.
  AppointmentResponse booked;
  const auto other = NewCustomer(*stub_);
  ASSERT_TRUE(Book(other, barber_.username, left.slots(0), &booked).ok());

  GetAvailableSlotsResponse none;
  EXPECT_EQ(free(barber_.username, "next tuesday", &none).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(free(barber_.username, day + "T10:00", &none).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(free("nobody-" + Unique(), day, &none).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(free("", day, &none).error_code(), StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(free(barber_.username, Slot(7, 10, 0).substr(0, 10), &none).ok());  // Sunday
  EXPECT_EQ(none.slots_size(), 0);
}

TEST_F(AppointmentsTest, AvailableSlotsByBarberIdAreThoseByName) {
  const std::string day = Slot(2, 10, 0).substr(0, 10);  // a Tuesday ahead
  BookOk(client_, day + "T10:00");
  const auto free = [&](const std::string& barber_name, const std::string& barber_id, GetAvailableSlotsResponse* out,
                        const std::string& token = "") {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber_name);
    request.set_barber_id(barber_id);
    request.set_date(day);
    return stub_->GetAvailableSlots(Authed(token).get(), request, out);
  };
  GetAvailableSlotsResponse by_name;
  ASSERT_TRUE(free(barber_.username, "", &by_name).ok());
  EXPECT_EQ(by_name.slots_size(), 17);  // 09:00 to 17:30 but 10:00
  GetAvailableSlotsResponse by_id;
  ASSERT_TRUE(free("", barber_.id, &by_id).ok());  // with no token, as by name
  EXPECT_EQ(std::vector<std::string>(by_id.slots().begin(), by_id.slots().end()),
            std::vector<std::string>(by_name.slots().begin(), by_name.slots().end()));
  GetAvailableSlotsResponse signed_in;
  ASSERT_TRUE(free("", barber_.id, &signed_in, client_.token).ok());
  EXPECT_EQ(signed_in.slots_size(), by_name.slots_size());

  GetAvailableSlotsResponse none;
  const auto both = free(barber_.username, barber_.id, &none);
  EXPECT_EQ(both.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(both.error_message(), "give barber_name or barber_id, not both");
  EXPECT_EQ(free("", "", &none).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(free("", "not-an-id", &none).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(free("", client_.id, &none).error_code(), StatusCode::NOT_FOUND);  // a user, not a barber
  const std::string unknown = "00000000-0000-4000-8000-000000000000";
  const auto missing = free("", unknown, &none);
  EXPECT_EQ(missing.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_message(), "no barber with id " + unknown);
  EXPECT_EQ(none.slots_size(), 0);
}

TEST_F(AppointmentsTest, PriceListChangesAnnounceTheBarbersScheduleChange) {
  ServiceResponse response;
  EXPECT_EQ(SaveService(barber_, "", "Fade", 7, 3000, &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SaveService(client_, barber_.username, "Fade", 60, 3000, &response).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ScheduleChanges(barber_).empty());

  ASSERT_TRUE(SaveService(barber_, "", "Fade", 60, 3000, &response).ok());
  auto events = ScheduleChanges(barber_);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_TRUE(IsScheduleChange(events[0], barber_, barber_.username, "services_changed"));

  EXPECT_EQ(RemoveService(barber_, "", "Shave", &response).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ScheduleChanges(barber_).size(), 1U);
  ASSERT_TRUE(RemoveService(barber_, "", "fade", &response).ok());
  events = ScheduleChanges(barber_);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_TRUE(IsScheduleChange(events[1], barber_, barber_.username, "services_changed"));
}

TEST_F(AppointmentsTest, GetAppointmentIsForItsPartiesOnly) {
  const auto id = BookOk(client_, Slot(3, 15, 0));
  GetAppointmentRequest request;
  request.set_appointment_id(id);
  AppointmentResponse response;
  EXPECT_TRUE(stub_->GetAppointment(Authed(client_.token).get(), request, &response).ok());
  EXPECT_TRUE(stub_->GetAppointment(Authed(barber_.token).get(), request, &response).ok());
  const auto stranger = NewCustomer(*stub_);
  EXPECT_EQ(stub_->GetAppointment(Authed(stranger.token).get(), request, &response).error_code(),
            StatusCode::PERMISSION_DENIED);
}

TEST_F(AppointmentsTest, EveryChangeWritesItsEventInTheOutbox) {
  const auto id = BookOk(client_, Slot(4, 15, 0));
  AppointmentResponse response;
  ASSERT_TRUE(Confirm(barber_, id, &response).ok());
  ASSERT_TRUE(Modify(barber_, id, Slot(4, 16, 0), &response).ok());
  ASSERT_TRUE(Cancel(client_, id, &response).ok());
  EXPECT_EQ(
      QueryScalar("SELECT string_agg(routing_key, ',' ORDER BY id) FROM outbox WHERE aggregate_id = '" + id + "'"),
      "appointment.created,appointment.confirmed,appointment.modified,appointment.canceled");
  EXPECT_EQ(QueryScalar("SELECT count(DISTINCT event_id) FROM outbox WHERE aggregate_id = '" + id + "'"), "4");
  EXPECT_EQ(QueryScalar("SELECT payload->'appointment'->>'status' FROM outbox WHERE aggregate_id = '" + id +
                        "' AND routing_key = 'appointment.canceled'"),
            "canceled");
  EXPECT_EQ(QueryScalar("SELECT payload->'actor'->>'role' FROM outbox WHERE aggregate_id = '" + id +
                        "' AND routing_key = 'appointment.confirmed'"),
            "barber");
  // A refused change writes no event.
  EXPECT_EQ(Cancel(client_, id, &response).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + id + "'"), "4");
}

TEST_F(AppointmentsTest, BookingsTakeTheLengthAndPriceOfTheBarbersService) {
  ServiceResponse saved;
  ASSERT_TRUE(SaveService(barber_, "", "Fade", 60, 3000, &saved).ok());
  EXPECT_EQ(saved.service().name(), "Fade");
  ASSERT_TRUE(SaveService(barber_, barber_.username, "Beard trim", 15, 1200, &saved).ok());
  EXPECT_EQ(PriceList(), (std::vector<std::string>{"Beard trim 15 1200", "Fade 60 3000"}));

  // Booked by name, ignoring case: the hour is the booking's, and so is the price.
  const std::string day = Slot(2, 10, 0).substr(0, 10);
  CreateAppointmentRequest request;
  request.set_barber_name(barber_.username);
  request.set_date_time(day + "T10:00");
  request.set_service("fade");
  AppointmentResponse booked;
  auto context = Authed(client_.token);
  context->AddMetadata("idempotency-key", "fade-" + client_.id);
  ASSERT_TRUE(stub_->CreateAppointment(context.get(), request, &booked).ok());
  EXPECT_EQ(booked.appointment().end_time().substr(11, 5), "11:00");
  EXPECT_EQ(booked.appointment().service(), "Fade");
  EXPECT_EQ(booked.appointment().price_cents(), 3000);
  // The same key for the same time without the service is another booking.
  AppointmentResponse retry;
  auto plain = Authed(client_.token);
  plain->AddMetadata("idempotency-key", "fade-" + client_.id);
  request.clear_service();
  EXPECT_EQ(stub_->CreateAppointment(plain.get(), request, &retry).error_code(), StatusCode::INVALID_ARGUMENT);

  // The whole hour is taken, and slots for an hour's service fit around it.
  const auto other = NewCustomer(*stub_);
  AppointmentResponse refused;
  EXPECT_EQ(Book(other, barber_.username, day + "T10:30", &refused).error_code(), StatusCode::ALREADY_EXISTS);
  GetAvailableSlotsRequest slots;
  slots.set_barber_name(barber_.username);
  slots.set_date(day);
  slots.set_service("Fade");
  GetAvailableSlotsResponse free;
  ASSERT_TRUE(stub_->GetAvailableSlots(Authed(other.token).get(), slots, &free).ok());
  std::vector<std::string> starts;
  for (const auto& s : free.slots()) starts.push_back(s.substr(11, 5));
  EXPECT_EQ(starts.front(), "09:00");
  EXPECT_EQ(starts.back(), "17:00");
  EXPECT_EQ(std::count(starts.begin(), starts.end(), "09:30") + std::count(starts.begin(), starts.end(), "10:30"), 0);
  EXPECT_EQ(starts.size(), 14U);  // 09:00, then 11:00 to 17:00
  AppointmentResponse fade;
  request.set_service("Fade");
  request.set_date_time(day + "T" + starts.back());
  ASSERT_TRUE(stub_->CreateAppointment(Authed(other.token).get(), request, &fade).ok());

  // A move keeps the length; a new price or a removal changes no booking made.
  AppointmentResponse moved;
  ASSERT_TRUE(Modify(client_, booked.appointment_id(), day + "T13:00", &moved).ok());
  EXPECT_EQ(moved.appointment().end_time().substr(11, 5), "14:00");
  ASSERT_TRUE(SaveService(barber_, "", "FADE", 60, 3500, &saved).ok());
  EXPECT_EQ(PriceList(), (std::vector<std::string>{"Beard trim 15 1200", "FADE 60 3500"}));
  ServiceResponse removed;
  ASSERT_TRUE(RemoveService(barber_, "", "fade", &removed).ok());
  EXPECT_EQ(removed.service().price_cents(), 3500);
  EXPECT_EQ(PriceList(), std::vector<std::string>{"Beard trim 15 1200"});
  AppointmentsResponse mine;
  ASSERT_TRUE(List(client_, "", &mine).ok());
  ASSERT_EQ(mine.appointments_size(), 1);
  EXPECT_EQ(mine.appointments(0).service(), "Fade");
  EXPECT_EQ(mine.appointments(0).price_cents(), 3000);
  const auto gone = stub_->CreateAppointment(Authed(client_.token).get(), request, &refused);
  EXPECT_EQ(gone.error_code(), StatusCode::NOT_FOUND);
  EXPECT_NE(gone.error_message().find("Beard trim"), std::string::npos) << gone.error_message();
}

TEST_F(AppointmentsTest, OnlyTheBarberOrAnAdminChangesAPriceList) {
  ServiceResponse response;
  EXPECT_EQ(SaveService(client_, "", "Fade", 60, 3000, &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SaveService(client_, barber_.username, "Fade", 60, 3000, &response).error_code(),
            StatusCode::PERMISSION_DENIED);
  const auto rival = NewBarber(*stub_);
  EXPECT_EQ(SaveService(rival, barber_.username, "Fade", 60, 3000, &response).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(SaveService(barber_, "nobody_" + Unique(), "Fade", 60, 3000, &response).error_code(),
            StatusCode::NOT_FOUND);
  // Bad input is refused and stores nothing.
  EXPECT_EQ(SaveService(barber_, "", "Fade", 7, 3000, &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SaveService(barber_, "", "", 30, 3000, &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(SaveService(barber_, "", "Fade", 30, -5, &response).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(PriceList().empty());

  const auto admin = NewAdmin(*stub_);
  ASSERT_TRUE(SaveService(admin, barber_.username, "Fade", 60, 3000, &response).ok());
  EXPECT_EQ(RemoveService(client_, barber_.username, "Fade", &response).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(RemoveService(rival, barber_.username, "Fade", &response).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(RemoveService(barber_, "", "Shave", &response).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(PriceList(), std::vector<std::string>{"Fade 60 3000"});
  ASSERT_TRUE(RemoveService(admin, barber_.username, "Fade", &response).ok());
  EXPECT_TRUE(PriceList().empty());
}

// Browsing (ListBarbers, GetAvailableSlots) needs none, but a token given must be good.
TEST_F(AppointmentsTest, EveryRpcButSignUpLoginAndBrowsingNeedsAToken) {
  const std::string id = "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01";
  AppointmentResponse appointment;
  AppointmentsResponse list;
  UserProfile profile;
  ListBarbersResponse barbers;
  CreateAppointmentRequest create;
  create.set_barber_name(barber_.username);
  create.set_date_time(Slot(2, 10, 0));
  ModifyAppointmentRequest modify;
  modify.set_appointment_id(id);
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(id);
  GetAppointmentRequest get;
  get.set_appointment_id(id);
  CompleteAppointmentRequest complete;
  complete.set_appointment_id(id);
  MarkNoShowRequest no_show;
  no_show.set_appointment_id(id);
  GetAvailableSlotsRequest slots;
  slots.set_barber_name(barber_.username);
  slots.set_date(Slot(2, 10, 0).substr(0, 10));
  GetAvailableSlotsResponse free;
  SaveServiceRequest save;
  save.mutable_service()->set_name("Fade");
  save.mutable_service()->set_duration_minutes(30);
  RemoveServiceRequest remove;
  remove.set_name("Fade");
  ServiceResponse service;
  SaveBarberRequest save_barber;
  save_barber.set_name("Nobody");
  SaveBarberResponse saved_barber;
  AddTimeOffRequest add_off;
  add_off.set_from(Slot(2, 10, 0));
  add_off.set_to(Slot(2, 11, 0));
  RemoveTimeOffRequest remove_off;
  remove_off.set_time_off_id("1");
  TimeOffResponse off;
  ListTimeOffResponse offs;
  for (const std::string& token : {std::string(), std::string("not-a-token")}) {
    EXPECT_EQ(stub_->GetUserProfile(Authed(token).get(), {}, &profile).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->CreateAppointment(Authed(token).get(), create, &appointment).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->ModifyAppointment(Authed(token).get(), modify, &appointment).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->CancelAppointment(Authed(token).get(), cancel, &appointment).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->ConfirmAppointment(Authed(token).get(), confirm, &appointment).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->GetAppointment(Authed(token).get(), get, &appointment).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->GetAppointments(Authed(token).get(), {}, &list).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->ListBarbers(Authed(token).get(), {}, &barbers).error_code(),
              token.empty() ? StatusCode::OK : StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->CompleteAppointment(Authed(token).get(), complete, &appointment).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->MarkNoShow(Authed(token).get(), no_show, &appointment).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->GetAvailableSlots(Authed(token).get(), slots, &free).error_code(),
              token.empty() ? StatusCode::OK : StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->SaveService(Authed(token).get(), save, &service).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->RemoveService(Authed(token).get(), remove, &service).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->SaveBarber(Authed(token).get(), save_barber, &saved_barber).error_code(),
              StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->AddTimeOff(Authed(token).get(), add_off, &off).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->RemoveTimeOff(Authed(token).get(), remove_off, &off).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(stub_->ListTimeOff(Authed(token).get(), {}, &offs).error_code(), StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'"), "0");
}

TEST_F(AppointmentsTest, TheBarberClosesAStartedAppointmentAsCompletedOrNoShow) {
  const auto came = Started("confirmed");
  AppointmentResponse out;
  // Only the barber (or an admin) gives the verdict.
  EXPECT_EQ(Complete(client_, came, &out).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(NoShow(NewCustomer(*stub_), came, &out).error_code(), StatusCode::PERMISSION_DENIED);
  const auto done = Complete(barber_, came, &out);
  ASSERT_TRUE(done.ok()) << done.error_message();
  EXPECT_TRUE(out.success());
  EXPECT_EQ(out.appointment().status(), "completed");
  // Closed once: no second verdict, and no moving or cancelling it afterwards.
  EXPECT_EQ(NoShow(barber_, came, &out).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Complete(barber_, came, &out).error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Cancel(barber_, came, &out).error_code(), StatusCode::FAILED_PRECONDITION);

  const auto missed = Started("confirmed");
  ASSERT_TRUE(NoShow(NewAdmin(*stub_), missed, &out).ok());
  EXPECT_EQ(out.appointment().status(), "no_show");
  EXPECT_EQ(QueryScalar("SELECT string_agg(routing_key, ',' ORDER BY aggregate_id = '" + missed +
                        "') FROM outbox WHERE aggregate_id IN ('" + came + "', '" + missed + "')"),
            "appointment.completed,appointment.no_show");

  // Not before it starts, and not while still pending.
  const auto ahead = BookOk(client_, Slot(5, 10, 0));
  AppointmentResponse confirmed;
  ASSERT_TRUE(Confirm(barber_, ahead, &confirmed).ok());
  const auto early = Complete(barber_, ahead, &out);
  EXPECT_EQ(early.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(early.error_message().find("not started"), std::string::npos) << early.error_message();
  const auto unconfirmed = Started("pending");
  const auto pending = NoShow(barber_, unconfirmed, &out);
  EXPECT_EQ(pending.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(pending.error_message().find("confirmed"), std::string::npos) << pending.error_message();
  EXPECT_EQ(QueryScalar("SELECT status FROM appointments WHERE id = '" + ahead + "'"), "confirmed");
  EXPECT_EQ(QueryScalar("SELECT status FROM appointments WHERE id = '" + unconfirmed + "'"), "pending");
}

TEST_F(AppointmentsTest, ARetryWithTheSameIdempotencyKeyBooksOnce) {
  const auto key = "booking-" + Unique();
  const auto when = Slot(4, 10, 0);
  const std::string of_client = "SELECT count(*) FROM appointments WHERE client_id = '" + client_.id + "'";
  AppointmentResponse first;
  ASSERT_TRUE(Book(client_, barber_.username, when, &first, "", key).ok());
  AppointmentResponse again;
  const auto retry = Book(client_, barber_.username, when, &again, "", key);
  ASSERT_TRUE(retry.ok()) << retry.error_message();
  EXPECT_TRUE(again.success());
  EXPECT_EQ(again.appointment_id(), first.appointment_id());
  EXPECT_EQ(again.appointment().date_time(), first.appointment().date_time());
  EXPECT_EQ(QueryScalar(of_client), "1");
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + first.appointment_id() + "'"), "1");

  // Without the key the same booking is an overlap, as before.
  AppointmentResponse plain;
  EXPECT_EQ(Book(client_, barber_.username, when, &plain).error_code(), StatusCode::ALREADY_EXISTS);
  // A used key names its booking only.
  AppointmentResponse moved;
  const auto reused = Book(client_, barber_.username, Slot(4, 11, 0), &moved, "", key);
  EXPECT_EQ(reused.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(reused.error_message().find("different appointment"), std::string::npos) << reused.error_message();
  EXPECT_EQ(QueryScalar(of_client), "1");

  // Once canceled it stays booked once: the retry answers with it, canceled.
  AppointmentResponse canceled;
  ASSERT_TRUE(Cancel(client_, first.appointment_id(), &canceled).ok());
  AppointmentResponse late;
  ASSERT_TRUE(Book(client_, barber_.username, when, &late, "", key).ok());
  EXPECT_EQ(late.appointment_id(), first.appointment_id());
  EXPECT_EQ(late.appointment().status(), "canceled");
  EXPECT_EQ(QueryScalar(of_client), "1");

  // Keys are each caller's own.
  const auto other = NewCustomer(*stub_);
  AppointmentResponse theirs;
  ASSERT_TRUE(Book(other, barber_.username, Slot(4, 12, 0), &theirs, "", key).ok());
  EXPECT_NE(theirs.appointment_id(), first.appointment_id());
}

TEST_F(AppointmentsTest, AMalformedIdempotencyKeyIsRefused) {
  for (const std::string& key : {std::string(129, 'k'), std::string("two words")}) {
    AppointmentResponse out;
    EXPECT_EQ(Book(client_, barber_.username, Slot(4, 13, 0), &out, "", key).error_code(), StatusCode::INVALID_ARGUMENT)
        << key;
  }
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE client_id = '" + client_.id + "'"), "0");
}

TEST_F(AppointmentsTest, AutoConfirmingBarberBooksStraightToConfirmed) {
  const auto quick = NewBarber(*stub_, true);
  AppointmentResponse response;
  ASSERT_TRUE(Book(client_, quick.username, Slot(2, 9, 30), &response).ok());
  EXPECT_EQ(response.appointment().status(), "confirmed");
}

}  // namespace
}  // namespace barbershop::core::testing
