#include <gtest/gtest.h>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

TEST(ScheduleTest, AWeekInOneCallWithWhoBookedForTheBarberAndAdminsOnly) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  const auto admin = NewAdmin(*stub);
  const std::string day = Slot(3, 0, 0).substr(0, 10);
  CreateAppointmentRequest book;
  book.set_barber_name(barber.username);
  book.set_date_time(day + "T10:00");
  AppointmentResponse booked;
  ASSERT_TRUE(stub->CreateAppointment(Authed(client.token).get(), book, &booked).ok());
  AddTimeOffRequest off;
  off.set_from(day + "T15:00");
  off.set_to(day + "T16:00");
  off.set_reason("training");
  TimeOffResponse added;
  ASSERT_TRUE(stub->AddTimeOff(Authed(barber.token).get(), off, &added).ok());

  GetBarberScheduleRequest request;
  request.set_barber_name(barber.username);
  request.set_from(day);
  const auto read = [&](const std::string& token, BarberScheduleResponse* out) {
    return stub->GetBarberSchedule(Authed(token).get(), request, out);
  };
  BarberScheduleResponse anyone;
  ASSERT_TRUE(read("", &anyone).ok());
  EXPECT_EQ(anyone.barber_id(), barber.id);
  EXPECT_FALSE(anyone.detailed());
  EXPECT_EQ(anyone.appointments_size(), 0);
  EXPECT_EQ(anyone.time_off_size(), 0);
  EXPECT_EQ(anyone.working_size(), 6);  // a week from that day: Monday to Saturday
  ASSERT_EQ(anyone.busy_size(), 2);
  EXPECT_EQ(anyone.busy(0).from().substr(0, 16), day + "T10:00");
  EXPECT_EQ(anyone.busy(0).to().substr(0, 16), day + "T10:30");
  EXPECT_EQ(anyone.busy(1).from().substr(0, 16), day + "T15:00");
  EXPECT_EQ(anyone.free(0).to().substr(0, 16), day + "T10:00");
  EXPECT_EQ(anyone.free(1).from().substr(0, 16), day + "T10:30");
  EXPECT_EQ(anyone.DebugString().find(client.username), std::string::npos);
  EXPECT_EQ(anyone.DebugString().find("training"), std::string::npos);
  BarberScheduleResponse other;
  ASSERT_TRUE(read(NewCustomer(*stub).token, &other).ok());
  EXPECT_FALSE(other.detailed());
  EXPECT_EQ(other.appointments_size(), 0);

  for (const auto* who : {&barber, &admin}) {
    BarberScheduleResponse full;
    ASSERT_TRUE(read(who->token, &full).ok());
    EXPECT_TRUE(full.detailed());
    ASSERT_EQ(full.appointments_size(), 1);
    EXPECT_EQ(full.appointments(0).client_name(), client.username);
    ASSERT_EQ(full.time_off_size(), 1);
    EXPECT_EQ(full.time_off(0).reason(), "training");
  }

  request.set_to(day);
  BarberScheduleResponse refused;
  EXPECT_EQ(read("", &refused).error_code(), StatusCode::INVALID_ARGUMENT);
  request.set_to("");
  request.set_barber_name("no such barber " + Unique());
  EXPECT_EQ(read("", &refused).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(read("not a token", &refused).error_code(), StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace barbershop::core::testing
