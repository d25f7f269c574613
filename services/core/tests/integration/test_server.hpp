#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/core_app.hpp"
#include "barbershop/testing/child_process.hpp"
#include "barbershop/testing/eventually.hpp"
#include "barbershop/testing/own_broker.hpp"
#include "barbershop/testing/stack.hpp"
#include "barbershop/testing/token_keys.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::core::testing {

/// The token keys that make test made (BARBERSHOP_TEST_TOKEN_*); aborts when missing.
const ::barbershop::testing::TokenKeys& TestKeys();
/// Gives `config` the test token keys: the signing key, its id and the public keys.
void UseTestKeys(app::CoreConfig& config);

/// A core service started once per test process on free ports, against the PostgreSQL
/// named by BARBERSHOP_TEST_DATABASE_URL (the test runner starts it).
class TestCore {
 public:
  static TestCore& Get();
  /// Stops the service's threads before the process exits (run by a gtest environment).
  static void StopIfStarted();

  std::unique_ptr<UserService::Stub> NewStub() const;
  const std::string& database_url() const { return database_url_; }
  int grpc_port() const { return app_->grpc_port(); }
  int http_port() const { return app_->http_port(); }

 private:
  TestCore();
  static TestCore* instance_;
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

/// A core service of its own, on its own fresh database (dropped at the end), for tests
/// that must be alone with the outbox or that kill and restart things.
class ScratchCore {
 public:
  /// `tweak` adjusts the configuration before start (e.g. the AMQP URL).
  explicit ScratchCore(const std::function<void(app::CoreConfig&)>& tweak = {});
  ~ScratchCore();
  std::unique_ptr<UserService::Stub> NewStub() const;
  const std::string& database_url() const { return database_url_; }
  int http_port() const { return app_->http_port(); }
  /// Another replica of the service on the same database.
  std::unique_ptr<app::CoreApp> StartReplica(const std::function<void(app::CoreConfig&)>& tweak = {}) const;
  app::CoreConfig Config() const;

 private:
  std::string name_;
  std::string database_url_;
  common::SystemClock clock_;
  std::unique_ptr<app::CoreApp> app_;
};

/// Every test process signs up, logs in and books from 127.0.0.1, far more than a shop's
/// customers would from one address: the test cores lift the per-address limits and the
/// live-booking cap (and the waitlist's entries per customer), which the tests of those
/// limits set again.
void WithoutAddressLimits(app::CoreConfig& config);
/// A core service's settings for a test on `database_url`: ports of its own choosing, the
/// test signing key and broker, four database workers, an outbox sweep every 200 ms.
app::CoreConfig TestConfig(const std::string& database_url);

/// "amqp://..." of the broker that make test started.
std::string TestAmqpUrl();

using ::barbershop::testing::ChildProcess;
using ::barbershop::testing::Eventually;
using ::barbershop::testing::OwnBroker;
/// Starts the barbershop-core binary in `child` with the test signing key, warn-level
/// logs, ports of its own choosing (child.port("grpc"), child.port("http")) and these
/// extra "NAME=value" settings; true once it is ready.
bool SpawnCore(ChildProcess& child, const std::vector<std::string>& settings);
using ::barbershop::testing::RunStackCommand;

/// A short random suffix for unique names.
std::string Unique();
/// Logs in; returns the token (and the user's id in `id`).
std::string Login(UserService::Stub& stub, const std::string& email, const std::string& password,
                  std::string* id = nullptr);
/// Signs up the user's username, e-mail and password.
grpc::Status SignUp(UserService::Stub& stub, const TestUser& user, SignUpResponse* response);
/// Signs up and logs in a new customer.
TestUser NewCustomer(UserService::Stub& stub);
/// A new barber (working Monday to Saturday, 09:00 to 18:00 shop time, or around the
/// clock), logged in; the barber's name is in `username`.  `database_url` defaults to
/// the shared test database.
TestUser NewBarber(UserService::Stub& stub, bool auto_confirm = false, bool around_the_clock = false,
                   const std::string& database_url = "");
/// A new admin, logged in (`database_url` as for NewBarber).
TestUser NewAdmin(UserService::Stub& stub, const std::string& database_url = "");
/// Shop wall-clock text ("2026-12-07T10:30") for the `weeks_ahead`-th coming `iso_weekday`
/// (1 = Monday) at hh:mm; always at least a day ahead.
std::string Slot(unsigned iso_weekday, int hour, int minute, int weeks_ahead = 1);

/// `client` books `barber`'s chair at `at` (shop wall-clock text); a refusal fails the test.
AppointmentResponse BookAs(UserService::Stub& stub, const TestUser& client, const TestUser& barber,
                           const std::string& at);

/// A client context carrying the token (when not empty) and a deadline.
std::unique_ptr<grpc::ClientContext> Authed(const std::string& token);
/// GET http://127.0.0.1:port/path; returns status and body.
std::pair<int, std::string> HttpGet(int port, const std::string& path);
/// The value of the sample named exactly `series` (name and labels) in Prometheus text; 0 when absent.
double MetricValue(const std::string& text, const std::string& series);
/// Runs a query on the test database (or the one named) and returns the first column of
/// the first row.
std::string QueryScalar(const std::string& sql, const std::string& database_url = "");
/// The payloads of the outbox's events about `barber` (those whose aggregate is the
/// barber's id), oldest first; each must have the routing key barber.schedule_changed and
/// its row's event id.
std::vector<nlohmann::json> ScheduleChanges(const TestUser& barber);
/// Success when `event` is a barber.schedule_changed payload about `barber` (as named
/// `barber_name`) saying `change`, with exactly the fields docs/core.md gives it: from and
/// to only for time off.
::testing::AssertionResult IsScheduleChange(const nlohmann::json& event, const TestUser& barber,
                                            const std::string& barber_name, const std::string& change);
/// An appointment of `barber` and `client` in `status` that began `ago` (a PostgreSQL
/// interval) before now, on a whole minute as bookings are, 30 minutes long; its id.  None
/// can be booked in the past, so it is written straight into the database.
std::string StartedAppointment(const TestUser& barber, const TestUser& client, const std::string& status,
                               const std::string& ago);

}  // namespace barbershop::core::testing
