#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "app/core_app.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::testing {

/// The key the test server signs tokens with.
inline const std::string kTestJwtSecret = "integration-test-secret-0123456789abcdef";

/// A core service started once per test process on free ports, against the PostgreSQL
/// named by BARBERSHOP_TEST_DATABASE_URL (the test runner starts it).
class TestCore {
 public:
  static TestCore& Get();

  std::unique_ptr<UserService::Stub> NewStub() const;
  const std::string& database_url() const { return database_url_; }
  int grpc_port() const { return app_->grpc_port(); }
  int http_port() const { return app_->http_port(); }

 private:
  TestCore();
  std::string database_url_;
  common::SystemClock clock_;
  std::unique_ptr<app::CoreApp> app_;
};

struct TestUser {
  std::string id;
  std::string username;
  std::string email;
  std::string password;
  std::string token;
};

/// A short random suffix for unique names.
std::string Unique();
/// Signs up and logs in a new customer.
TestUser NewCustomer(UserService::Stub& stub);
/// A new barber (working Monday to Saturday, 09:00 to 18:00 shop time), logged in; the
/// barber's name is in `username`.
TestUser NewBarber(UserService::Stub& stub, bool auto_confirm = false);
/// A new admin, logged in.
TestUser NewAdmin(UserService::Stub& stub);
/// Shop wall-clock text ("2026-12-07T10:30") for the `weeks_ahead`-th coming `iso_weekday`
/// (1 = Monday) at hh:mm; always at least a day ahead.
std::string Slot(unsigned iso_weekday, int hour, int minute, int weeks_ahead = 1);

/// A client context carrying the token (when not empty) and a deadline.
std::unique_ptr<grpc::ClientContext> Authed(const std::string& token);
/// GET http://127.0.0.1:port/path; returns status and body.
std::pair<int, std::string> HttpGet(int port, const std::string& path);
/// Runs a query on the test database and returns the first column of the first row.
std::string QueryScalar(const std::string& sql);

}  // namespace barbershop::core::testing
