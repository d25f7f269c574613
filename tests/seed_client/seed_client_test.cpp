// A client that knows only the seed's proto: it must be able to sign up, log in, book,
// list, move and cancel against the running core service, through the gateway in front of
// it, as every client reaches it (BARBERSHOP_TEST_GATEWAY_GRPC).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <random>

#include "barbershop/testing/eventually.hpp"
#include "seed_user_service.grpc.pb.h"

namespace {

std::string CoreAddress() {
  const char* address = std::getenv("BARBERSHOP_TEST_GATEWAY_GRPC");
  if (address == nullptr || *address == '\0') {
    ADD_FAILURE() << "BARBERSHOP_TEST_GATEWAY_GRPC is not set: run the tests with `make test`";
    return "127.0.0.1:1";
  }
  return address;
}

std::unique_ptr<grpc::ClientContext> WithToken(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return context;
}

// "YYYY-MM-DDTHH:MM" in the shop's wall clock, `days` days from now (a weekday the demo
// barbers work: Monday to Saturday).
std::string Slot(int days, int hour, int minute) {
  std::time_t t = std::time(nullptr) + std::time_t{days} * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  while (tm.tm_wday == 0) {  // Sunday
    t += 86400;
    gmtime_r(&t, &tm);
  }
  char buf[64];  // room for any int in each field: no truncation to warn about
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, hour,
                minute);
  return buf;
}

const Appointment* Find(const AppointmentsResponse& list, const std::string& prefix) {
  for (const auto& a : list.appointments()) {
    if (a.date_time().rfind(prefix, 0) == 0 && a.barber_name() == "Ana") return &a;
  }
  return nullptr;
}

// The caller's own list (user_id left empty) once it shows what `shows` looks for.  The
// gateway may send a call to another core copy than the one that made the change before
// it, and that copy's list cache hears of the change through PostgreSQL a moment after the
// commit (docs/core.md), so the list is read again until it shows the change.
AppointmentsResponse ListShowing(UserService::Stub& stub, const std::string& token,
                                 const std::function<bool(const AppointmentsResponse&)>& shows) {
  AppointmentsResponse list;
  barbershop::testing::Eventually(
      [&] {
        list.Clear();
        const GetAppointmentsRequest request;
        return stub.GetAppointments(WithToken(token).get(), request, &list).ok() && shows(list);
      },
      std::chrono::seconds(10));
  return list;
}

TEST(SeedClientTest, SignsUpLogsInBooksListsMovesAndCancels) {
  auto stub = UserService::NewStub(grpc::CreateChannel(CoreAddress(), grpc::InsecureChannelCredentials()));
  std::mt19937 random(std::random_device{}());
  const std::string name = "seed_" + std::to_string(random() % 100000000);

  SignUpRequest signup;
  signup.set_username(name);
  signup.set_email(name + "@example.com");
  signup.set_password("seed-client-password");
  SignUpResponse signed_up;
  ASSERT_TRUE(stub->SignUp(WithToken("").get(), signup, &signed_up).ok());
  EXPECT_TRUE(signed_up.success());

  LoginRequest login;
  login.set_email(name + "@example.com");
  login.set_password("seed-client-password");
  LoginResponse logged_in;
  ASSERT_TRUE(stub->Login(WithToken("").get(), login, &logged_in).ok());
  const std::string token = logged_in.token();
  ASSERT_FALSE(token.empty());

  GetUserProfileRequest profile_request;
  profile_request.set_token(token);  // the seed's own way to send the token
  UserProfile profile;
  ASSERT_TRUE(stub->GetUserProfile(WithToken("").get(), profile_request, &profile).ok());
  EXPECT_EQ(profile.username(), name);
  EXPECT_EQ(profile.email(), name + "@example.com");

  // Book the demo barber Ana, leaving user_id empty: the token says who books.  Another
  // test may hold a slot, so try a few random ones.
  std::string when;
  AppointmentResponse booked;
  grpc::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    when = Slot(3 + static_cast<int>(random() % 60), 9 + static_cast<int>(random() % 8), random() % 2 ? 30 : 0);
    CreateAppointmentRequest create;
    create.set_date_time(when);
    create.set_barber_name("Ana");
    status = stub->CreateAppointment(WithToken(token).get(), create, &booked);
    if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) break;
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(booked.success());
  EXPECT_FALSE(booked.message().empty());

  AppointmentsResponse list =
      ListShowing(*stub, token, [&](const AppointmentsResponse& l) { return Find(l, when) != nullptr; });
  const Appointment* mine = Find(list, when);
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->status(), "pending");
  const std::string id = mine->appointment_id();

  ModifyAppointmentRequest move;
  move.set_appointment_id(id);
  const std::string later = when.substr(0, 11) + "17:30";
  move.set_date_time(later);
  AppointmentResponse moved;
  status = stub->ModifyAppointment(WithToken(token).get(), move, &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(moved.success());

  list = ListShowing(*stub, token, [&](const AppointmentsResponse& l) { return Find(l, later) != nullptr; });
  ASSERT_NE(Find(list, later), nullptr);

  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  AppointmentResponse canceled;
  ASSERT_TRUE(stub->CancelAppointment(WithToken(token).get(), cancel, &canceled).ok());
  EXPECT_TRUE(canceled.success());

  list = ListShowing(*stub, token, [&](const AppointmentsResponse& l) {
    const Appointment* a = Find(l, later);
    return a != nullptr && a->status() == "canceled";
  });
  const Appointment* after = Find(list, later);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->status(), "canceled");

  // The seed's client gets the same refusals as anyone.
  AppointmentResponse refused;
  EXPECT_EQ(stub->CancelAppointment(WithToken("").get(), cancel, &refused).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
