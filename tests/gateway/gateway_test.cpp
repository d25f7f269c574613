// Through the gateway (nginx, configured from deploy/gateway), as clients of make up and
// of production reach the platform: gRPC calls balanced over core copies, WebSockets over
// real-time copies, a booking made through it reaching both parties' sockets opened
// through it; and the services' per-address limits counting the client that the gateway
// names in X-Forwarded-For, but only when they trust the gateway.
//
// Each test starts a gateway of its own in front of copies it starts (and the core that
// scripts/test.sh runs).  Its real-time copies consume the shared events queue: CTest runs
// these tests one at a time with the other tests that do (RESOURCE_LOCK in CMakeLists.txt).
#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "barbershop/testing/own_gateway.hpp"
#include "harness.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::realtime::testing {
namespace {

using ::barbershop::testing::OwnGateway;

constexpr const char* kBarberEmail = "ion@barbershop.test";
constexpr const char* kDemoPassword = "barbershop-demo";
constexpr auto kDeliveryTimeout = 15s;

/// A unary call's context: a deadline, a token, an X-Forwarded-For the client claims.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "", const std::string& forwarded_for = "") {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(20, GPR_TIMESPAN)));
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  if (!forwarded_for.empty()) context->AddMetadata("x-forwarded-for", forwarded_for);
  return context;
}

std::unique_ptr<UserService::Stub> Stub(const std::string& address) {
  return UserService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
}

/// Signs up a new customer; the call's status.
grpc::Status SignUp(UserService::Stub& stub, const std::string& email, const std::string& forwarded_for = "") {
  SignUpRequest request;
  request.set_username("gw" + NewId().substr(0, 12));
  request.set_email(email);
  request.set_password("gateway-password");
  SignUpResponse response;
  auto context = Context("", forwarded_for);
  return stub.SignUp(context.get(), request, &response);
}

struct Login {
  std::string user_id;
  std::string token;
};

std::optional<Login> LogIn(UserService::Stub& stub, const std::string& email, const std::string& password) {
  LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  LoginResponse response;
  auto context = Context();
  const auto status = stub.Login(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << "Login " << email << ": " << status.error_message();
  if (!status.ok()) return std::nullopt;
  return Login{response.user_id(), response.token()};
}

std::optional<Login> NewCustomer(UserService::Stub& stub) {
  const std::string email = "gw" + NewId().substr(0, 12) + "@gateway.test";
  const auto status = SignUp(stub, email);
  EXPECT_TRUE(status.ok()) << "SignUp: " << status.error_message();
  if (!status.ok()) return std::nullopt;
  return LogIn(stub, email, "gateway-password");
}

/// Books `barber_name` for `client` on a random slot at least three days ahead, 09:00 to
/// 16:30 shop time, Monday to Saturday; another when one is taken.
std::optional<Appointment> BookRandomSlot(UserService::Stub& stub, const Login& client,
                                          const std::string& barber_name) {
  using namespace std::chrono;
  std::mt19937 random{std::random_device{}()};
  for (int attempt = 0; attempt < 40; ++attempt) {
    const auto day = floor<days>(system_clock::now()) + days(3 + random() % 300);
    if (weekday(day) == Sunday) continue;
    const year_month_day date(day);
    char at[32];
    std::snprintf(at, sizeof at, "%04d-%02u-%02uT%02u:%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<unsigned>(9 + random() % 8), static_cast<unsigned>((random() % 2) * 30));
    CreateAppointmentRequest request;
    request.set_date_time(at);
    request.set_barber_name(barber_name);
    AppointmentResponse response;
    auto context = Context(client.token);
    const auto status = stub.CreateAppointment(context.get(), request, &response);
    if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) continue;
    EXPECT_TRUE(status.ok()) << "CreateAppointment: " << status.error_message();
    if (!status.ok()) return std::nullopt;
    return response.appointment();
  }
  ADD_FAILURE() << "no free slot found for " << barber_name;
  return std::nullopt;
}

auto About(const std::string& type, const std::string& appointment_id) {
  return [type, appointment_id](const json& message) {
    return message.value("type", "") == type && message.value("appointment_id", "") == appointment_id;
  };
}

/// gRPC calls a core copy answered, all methods and codes (its /metrics).
double CallsAnswered(std::uint16_t http_port) {
  const auto body = HttpGet(http_port, "/metrics").second;
  double sum = 0;
  for (auto at = body.find("\nbarbershop_grpc_calls_total{"); at != std::string::npos;
       at = body.find("\nbarbershop_grpc_calls_total{", at + 1)) {
    const auto value = body.find("} ", at);
    if (value != std::string::npos) sum += std::strtod(body.c_str() + value + 2, nullptr);
  }
  return sum;
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete() || stack_.database_url.empty()) {
      GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    }
  }

  TestStack stack_ = TestStack::FromEnvironment();
};

// Two core copies and two real-time copies behind one gateway: every call and both
// sockets go through it; the booking's events reach both parties' sockets, which it put
// on different copies; the core copies share the calls.
TEST_F(GatewayTest, ABookingThroughTheGatewayReachesBothPartiesSocketsThroughIt) {
  CoreProcess replica(stack_);
  ASSERT_TRUE(replica.Start()) << "the core replica did not become ready";
  RealtimeProcess a(stack_);
  RealtimeProcess b(stack_);
  ASSERT_TRUE(a.Start()) << "copy A did not become ready";
  ASSERT_TRUE(b.Start()) << "copy B did not become ready";
  OwnGateway gateway;
  ASSERT_TRUE(gateway.Start({stack_.core_address, replica.grpc_address()},
                            {"127.0.0.1:" + std::to_string(a.port()), "127.0.0.1:" + std::to_string(b.port())}))
      << gateway.Log();
  const double replica_calls_before = CallsAnswered(replica.http_port());

  auto stub = Stub(gateway.grpc_address());
  const auto barber = LogIn(*stub, kBarberEmail, kDemoPassword);
  ASSERT_TRUE(barber) << gateway.Log();
  const auto client = NewCustomer(*stub);
  ASSERT_TRUE(client);

  WsClient barber_socket;
  ASSERT_EQ(barber_socket.Connect(gateway.http_port(), "/websocket/barber/" + barber->user_id + "/appointments",
                                  barber->token),
            101u)
      << gateway.Log();
  ASSERT_TRUE(barber_socket.NextMatching([](const json& m) { return m.value("type", "") == "welcome"; }));
  WsClient client_socket;
  // A browser's way: the token in the query string (which the gateway's log leaves out).
  ASSERT_EQ(client_socket.Connect(gateway.http_port(),
                                  "/websocket/client/" + client->user_id + "/appointments?token=" + client->token),
            101u);
  ASSERT_TRUE(client_socket.NextMatching([](const json& m) { return m.value("type", "") == "welcome"; }));
  // The gateway gives a new socket to the copy holding fewest: one on each.
  EXPECT_TRUE(Eventually([&] {
    return MetricValue({a.port()}, "realtime_connections") == 1 && MetricValue({b.port()}, "realtime_connections") == 1;
  })) << "A holds "
      << MetricValue({a.port()}, "realtime_connections") << ", B " << MetricValue({b.port()}, "realtime_connections");

  const auto booked = BookRandomSlot(*stub, *client, "Ion");
  ASSERT_TRUE(booked);
  const auto& id = booked->appointment_id();
  const auto created = barber_socket.NextMatching(About("appointment_created", id), kDeliveryTimeout);
  ASSERT_TRUE(created) << "the barber's socket did not receive appointment_created";
  EXPECT_EQ((*created)["client_id"], client->user_id);

  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(id);
  AppointmentResponse confirmed;
  auto context = Context(barber->token);
  ASSERT_TRUE(stub->ConfirmAppointment(context.get(), confirm, &confirmed).ok());
  const auto confirmation = client_socket.NextMatching(About("appointment_confirmation", id), kDeliveryTimeout);
  ASSERT_TRUE(confirmation) << "the client's socket did not receive appointment_confirmation";
  EXPECT_EQ((*confirmation)["status"], "confirmed");

  // Round robin per call: the replica answered some of the test's calls, the stack's core
  // the others (it answered the rest: the calls are fewer than the replica's share alone).
  EXPECT_GT(CallsAnswered(replica.http_port()), replica_calls_before) << "no call reached the replica";

  // The token a browser put in the query string is in none of the gateway's logs (nginx
  // logs a WebSocket once it closes).
  client_socket.Close();
  const std::string client_path = "/websocket/client/" + client->user_id + "/appointments";
  EXPECT_TRUE(Eventually([&] { return gateway.Log().find(client_path) != std::string::npos; }))
      << "the socket is not in the access log: " << gateway.Log();
  EXPECT_EQ(gateway.Log().find(client->token), std::string::npos) << "a log holds a token";
}

// The core counts sign-ups per client address.  Behind a gateway it trusts, the address
// is the one the gateway appended to x-forwarded-for: two clients (each claiming another
// address, as a load balancer in front would say) are counted apart.  Behind a gateway it
// does not trust, every call comes from the gateway's address, whatever the header says.
TEST_F(GatewayTest, TheCoreCountsSignUpsPerForwardedClientOnlyBehindATrustedGateway) {
  OwnDatabase trusting_db(stack_.database_url);
  OwnDatabase untrusting_db(stack_.database_url);
  ASSERT_TRUE(trusting_db.created() && untrusting_db.created());
  const std::vector<std::string> limits{"BARBERSHOP_SIGNUPS_PER_ADDRESS=2", "BARBERSHOP_SIGNUP_WINDOW_SECONDS=3600",
                                        "BARBERSHOP_AMQP_URL=none"};
  auto settings = [&](const OwnDatabase& db, const std::string& trusted) {
    auto all = limits;
    all.push_back("BARBERSHOP_DATABASE_URL=" + db.url());
    all.push_back("BARBERSHOP_TRUSTED_PROXIES=" + trusted);
    return all;
  };
  CoreProcess trusting(stack_, settings(trusting_db, "127.0.0.1"));
  CoreProcess untrusting(stack_, settings(untrusting_db, "10.0.0.0/8"));
  ASSERT_TRUE(trusting.Start()) << "the trusting core did not become ready";
  ASSERT_TRUE(untrusting.Start()) << "the untrusting core did not become ready";
  OwnGateway trusted_gateway;
  OwnGateway untrusted_gateway;
  ASSERT_TRUE(trusted_gateway.Start({trusting.grpc_address()}, {})) << trusted_gateway.Log();
  ASSERT_TRUE(untrusted_gateway.Start({untrusting.grpc_address()}, {})) << untrusted_gateway.Log();

  const auto email = [] { return "gw" + NewId().substr(0, 12) + "@gateway.test"; };
  auto trusted = Stub(trusted_gateway.grpc_address());
  // Client X: its two sign-ups, then refused.
  EXPECT_TRUE(SignUp(*trusted, email(), "198.51.100.7").ok());
  EXPECT_TRUE(SignUp(*trusted, email(), "198.51.100.7").ok());
  EXPECT_EQ(SignUp(*trusted, email(), "198.51.100.7").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Client Y is counted apart, and so is a client that claims nothing (the gateway's peer).
  EXPECT_TRUE(SignUp(*trusted, email(), "198.51.100.8").ok());
  EXPECT_TRUE(SignUp(*trusted, email(), "198.51.100.8").ok());
  EXPECT_TRUE(SignUp(*trusted, email()).ok());
  // What X claims left of another address is not believed: the right-most untrusted hop is.
  EXPECT_EQ(SignUp(*trusted, email(), "198.51.100.9, 198.51.100.7").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Untrusted: three clients' headers, one address (the gateway's).
  auto untrusted = Stub(untrusted_gateway.grpc_address());
  EXPECT_TRUE(SignUp(*untrusted, email(), "198.51.100.7").ok());
  EXPECT_TRUE(SignUp(*untrusted, email(), "198.51.100.8").ok());
  EXPECT_EQ(SignUp(*untrusted, email(), "198.51.100.9").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// The real-time service caps sockets per client address: behind a gateway it trusts, per
// forwarded client; behind one it does not, per gateway.
TEST_F(GatewayTest, RealtimeCapsSocketsPerForwardedClientOnlyBehindATrustedGateway) {
  RealtimeProcess trusting(stack_, {"--max-sockets-per-address", "1", "--trusted-proxies", "127.0.0.1"});
  RealtimeProcess untrusting(stack_, {"--max-sockets-per-address", "1"});
  ASSERT_TRUE(trusting.Start()) << "the trusting copy did not become ready";
  ASSERT_TRUE(untrusting.Start()) << "the untrusting copy did not become ready";
  OwnGateway trusted_gateway;
  OwnGateway untrusted_gateway;
  ASSERT_TRUE(trusted_gateway.Start({stack_.core_address}, {"127.0.0.1:" + std::to_string(trusting.port())}))
      << trusted_gateway.Log();
  ASSERT_TRUE(untrusted_gateway.Start({stack_.core_address}, {"127.0.0.1:" + std::to_string(untrusting.port())}))
      << untrusted_gateway.Log();
  auto core = Stub(stack_.core_address);
  const auto user = NewCustomer(*core);
  ASSERT_TRUE(user);
  const std::string path = "/websocket/client/" + user->user_id + "/appointments";
  auto open_socket = [&](const OwnGateway& gateway, const std::string& forwarded_for) {
    auto socket = std::make_unique<WsClient>();
    socket->AddHeader("X-Forwarded-For", forwarded_for);
    const auto status = socket->Connect(gateway.http_port(), path, user->token);
    return std::make_pair(status, std::move(socket));
  };

  const auto x = open_socket(trusted_gateway, "198.51.100.7");
  EXPECT_EQ(x.first, 101u) << trusted_gateway.Log();
  EXPECT_EQ(open_socket(trusted_gateway, "198.51.100.7").first, 429u) << "a second socket of one client";
  const auto y = open_socket(trusted_gateway, "198.51.100.8");
  EXPECT_EQ(y.first, 101u) << "another client, counted apart";

  const auto first = open_socket(untrusted_gateway, "198.51.100.7");
  EXPECT_EQ(first.first, 101u) << untrusted_gateway.Log();
  EXPECT_EQ(open_socket(untrusted_gateway, "198.51.100.8").first, 429u) << "an untrusted peer's header was believed";
}

}  // namespace
}  // namespace barbershop::realtime::testing
