// Limits against abuse: failed logins per e-mail and per address, sign-ups per address,
// live bookings per customer.  The counts live in PostgreSQL, so copies share them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

grpc::Status TryLogin(UserService::Stub& stub, const std::string& email, const std::string& password) {
  LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  LoginResponse response;
  grpc::ClientContext context;
  return stub.Login(&context, request, &response);
}

grpc::Status TrySignUp(UserService::Stub& stub, const std::string& username) {
  SignUpRequest request;
  request.set_username(username);
  request.set_email(username + "@example.com");
  request.set_password("a-good-password");
  SignUpResponse response;
  grpc::ClientContext context;
  return stub.SignUp(&context, request, &response);
}

grpc::Status TryBook(UserService::Stub& stub, const TestUser& client, const std::string& barber,
                     const std::string& when, std::string* id = nullptr) {
  CreateAppointmentRequest request;
  request.set_barber_name(barber);
  request.set_date_time(when);
  AppointmentResponse response;
  auto status = stub.CreateAppointment(Authed(client.token).get(), request, &response);
  if (id != nullptr) *id = response.appointment_id();
  return status;
}

double Throttled(int http_port, const std::string& limit) {
  return MetricValue(HttpGet(http_port, "/metrics").second, "barbershop_throttled_total{limit=\"" + limit + "\"}");
}

TEST(LimitsTest, FailedLoginsForOneEmailAreRefusedOnEveryCopyUntilTheWindowEnds) {
  ScratchCore core([](app::CoreConfig& c) {
    c.login_failures_per_email = 3;
    c.login_window_seconds = 600;
  });
  auto replica = core.StartReplica([](app::CoreConfig& c) {
    c.login_failures_per_email = 3;
    c.login_window_seconds = 600;
  });
  auto stub = core.NewStub();
  const auto user = NewCustomer(*stub);
  const auto other = NewCustomer(*stub);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(TryLogin(*stub, user.email, "wrong-password").error_code(), grpc::StatusCode::UNAUTHENTICATED) << i;
  }
  // The right password does not help now, on this copy or the other.
  const auto refused = TryLogin(*stub, user.email, user.password);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("try again in"), std::string::npos) << refused.error_message();
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  auto replica_stub = UserService::NewStub(grpc::CreateCustomChannel(
      "127.0.0.1:" + std::to_string(replica->grpc_port()), grpc::InsecureChannelCredentials(), args));
  EXPECT_EQ(TryLogin(*replica_stub, user.email, user.password).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_GE(Throttled(core.http_port(), "login_failures"), 1.0);
  // Another account is not held back by this one's failures.
  EXPECT_TRUE(TryLogin(*stub, other.email, other.password).ok());

  // Once the window has ended, the login goes through.
  EXPECT_EQ(QueryScalar("UPDATE throttle_counts SET window_ends = now() - interval '1 second' "
                        "WHERE key = 'login-email:" +
                            user.email + "' RETURNING 1",
                        core.database_url()),
            "1");
  EXPECT_TRUE(TryLogin(*stub, user.email, user.password).ok());
}

TEST(LimitsTest, ASuccessfulLoginClearsItsEmailsFailures) {
  ScratchCore core([](app::CoreConfig& c) { c.login_failures_per_email = 3; });
  auto stub = core.NewStub();
  const auto user = NewCustomer(*stub);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(TryLogin(*stub, user.email, "wrong-password").error_code(), grpc::StatusCode::UNAUTHENTICATED);
    }
    EXPECT_TRUE(TryLogin(*stub, user.email, user.password).ok()) << "round " << round;
  }
}

TEST(LimitsTest, CountsWhoseWindowEndedAreDeletedAsAttemptsAreCounted) {
  ScratchCore core([](app::CoreConfig& c) { c.login_failures_per_email = 3; });
  auto stub = core.NewStub();
  // Keys someone made up long ago, their windows over, and one still open.
  QueryScalar(
      "INSERT INTO throttle_counts (key, attempts, window_ends) SELECT 'login-email:old' || i || "
      "'@example.com', 1, now() - interval '1 hour' FROM generate_series(1, 50) i",
      core.database_url());
  QueryScalar(
      "INSERT INTO throttle_counts (key, attempts, window_ends) "
      "VALUES ('login-email:open@example.com', 1, now() + interval '1 hour')",
      core.database_url());
  EXPECT_EQ(TryLogin(*stub, "nobody_" + Unique() + "@example.com", "wrong-password").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM throttle_counts WHERE window_ends <= now()", core.database_url()), "0");
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM throttle_counts WHERE key = 'login-email:open@example.com'",
                        core.database_url()),
            "1");
}

TEST(LimitsTest, FailedLoginsFromOneAddressAreRefusedWhateverTheEmail) {
  ScratchCore core([](app::CoreConfig& c) {
    c.login_failures_per_email = 0;
    c.login_failures_per_address = 4;
  });
  auto stub = core.NewStub();
  const auto user = NewCustomer(*stub);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(
        TryLogin(*stub, "nobody" + std::to_string(i) + "_" + Unique() + "@example.com", "wrong-password").error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(TryLogin(*stub, user.email, user.password).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(LimitsTest, SignUpsFromOneAddressAreLimited) {
  ScratchCore core([](app::CoreConfig& c) {
    c.signups_per_address = 3;
    c.signup_window_seconds = 3600;
  });
  auto stub = core.NewStub();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(TrySignUp(*stub, "signup_" + Unique()).ok()) << i;
  const auto refused = TrySignUp(*stub, "signup_" + Unique());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("sign-ups"), std::string::npos) << refused.error_message();
  EXPECT_GE(Throttled(core.http_port(), "signups_per_address"), 1.0);
}

TEST(LimitsTest, ACustomerHoldsAtMostSoManyLiveBookingsEvenWhenTheyRace) {
  ScratchCore core([](app::CoreConfig& c) { c.max_live_bookings = 3; });
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, false, core.database_url());
  const auto client = NewCustomer(*stub);
  std::vector<std::string> ids(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(TryBook(*stub, client, barber.username, Slot(2, 10 + i, 0), &ids[i]).ok()) << i;
  }
  const auto refused = TryBook(*stub, client, barber.username, Slot(2, 14, 0));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("3 upcoming appointments"), std::string::npos) << refused.error_message();
  EXPECT_EQ(Throttled(core.http_port(), "live_bookings"), 1.0);
  // A cancellation frees a place.
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(ids[0]);
  AppointmentResponse response;
  ASSERT_TRUE(stub->CancelAppointment(Authed(client.token).get(), cancel, &response).ok());
  EXPECT_TRUE(TryBook(*stub, client, barber.username, Slot(2, 14, 0)).ok());

  // Many bookings at once by a new customer: the limit holds.
  const auto racer = NewCustomer(*stub);
  std::atomic<int> booked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      auto own = core.NewStub();
      if (TryBook(*own, racer, barber.username, Slot(3, 9 + i / 2, (i % 2) * 30)).ok()) ++booked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), 3);
  EXPECT_EQ(Throttled(core.http_port(), "live_bookings"), 1.0 + 7.0);
}

}  // namespace
}  // namespace barbershop::core::testing
