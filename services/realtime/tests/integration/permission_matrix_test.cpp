// Who may open which WebSocket path: each kind of path opened by six callers (nobody, the
// appointment's client, another customer, the appointment's barber, another barber, an
// admin), each cell the HTTP status of the upgrade.  A user opens only their own streams,
// and an appointment's chat only its two parties or an admin; anyone, signed in or not,
// watches a barber's free slots.  Every kind of
// path has a row: a StreamKind added without one does not compile (RowCovering, with
// -Werror=switch from CMakeLists.txt), and the coverage test checks that the row exists
// and names a path of that kind.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "harness.hpp"
#include "hub/routes.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::realtime::testing {
namespace {

using hub::StreamKind;

/// The callers, in the order of a row's cells.
enum Who { kNobody, kClient, kOtherCustomer, kBarber, kOtherBarber, kAdmin };
constexpr std::array<Who, 6> kCallers{kNobody, kClient, kOtherCustomer, kBarber, kOtherBarber, kAdmin};
constexpr const char* kCallerNames[] = {"anonymous",  "the client",     "another customer",
                                        "the barber", "another barber", "an admin"};

/// An appointment booked through the core and the tokens of the six callers.  The two
/// customers signed up and logged in through the core, each with an appointment of the
/// same barber; the barber's token is signed with the core's key, as its login would sign
/// it; another barber and the admin are the demo data's, logged in through the core (the
/// core refuses a token whose account does not exist).
struct Callers {
  BookedAppointment appointment;
  BookedAppointment others;  ///< another customer's appointment with the same barber
  std::array<std::string, 6> tokens;
};

/// The shop's calendar day a week from now ("2026-12-08"): one the barber can be booked on.
std::string WeekAhead() {
  const auto shop = *common::ShopTime::ForZone("Europe/Chisinau");
  return common::FormatCalendarDay(shop.ToLocal(common::SystemClock{}.Now() + std::chrono::hours(24 * 7)));
}

struct Row {
  const char* name;
  /// The kind of path the row opens; none for a path that names no stream.
  std::optional<StreamKind> kind;
  /// The HTTP status of the upgrade for each caller, in the order of kCallers.
  std::array<unsigned, 6> expected;
  std::function<std::string(const Callers&)> path;
};

// clang-format off
const std::vector<Row> kRows{
    //                                                    nobody client other   barber other   admin
    //                                                                  customer       barber
    {"BarberAppointments", StreamKind::kBarberAppointments, {401,   403,   403,     101,   403,    403},
     [](const Callers& c) { return "/websocket/barber/" + c.appointment.barber_id + "/appointments"; }},
    {"ClientAppointments", StreamKind::kClientAppointments, {401,   101,   403,     403,   403,    403},
     [](const Callers& c) { return "/websocket/client/" + c.appointment.client_id + "/appointments"; }},
    {"Chat", StreamKind::kChat,                             {401,   101,   403,     101,   403,    101},
     [](const Callers& c) { return "/websocket/appointment/" + c.appointment.id + "/chat"; }},
    {"ChatOfNoSuchAppointment", StreamKind::kChat,          {401,   404,   404,     404,   404,    404},
     [](const Callers&) { return "/websocket/appointment/" + NewId() + "/chat"; }},
    {"BarberAvailability", StreamKind::kBarberAvailability, {101, 101,   101,     101,   101,    101},
     [](const Callers& c) { return "/websocket/barber/" + c.appointment.barber_id + "/availability?date=" + WeekAhead(); }},
    {"NoSuchPath", std::nullopt,                            {404,   404,   404,     404,   404,    404},
     [](const Callers& c) { return "/websocket/appointment/" + c.appointment.id + "/appointments"; }},
};
// clang-format on

/// The row that opens each kind of path.  No default: a new kind stops this file
/// compiling until it has a row.
const char* RowCovering(StreamKind kind) {
  switch (kind) {
    case StreamKind::kBarberAppointments:
      return "BarberAppointments";
    case StreamKind::kClientAppointments:
      return "ClientAppointments";
    case StreamKind::kChat:
      return "Chat";
    case StreamKind::kBarberAvailability:
      return "BarberAvailability";
  }
  return nullptr;
}

class WebSocketPermissionMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete()) GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    ASSERT_TRUE(copy_.Start()) << "the real-time copy did not become ready";
    // Bookings go to the demo barber Elena (BookAppointment); Ana is another barber.
    barber_token_ = DemoLogin("elena@barbershop.test");
    other_barber_token_ = DemoLogin("ana@barbershop.test");
    admin_token_ = DemoLogin("admin@barbershop.test");
    ASSERT_FALSE(barber_token_.empty() || other_barber_token_.empty() || admin_token_.empty())
        << "the demo accounts could not log in";
  }

  /// A fresh appointment and the six callers around it.
  std::optional<Callers> NewCallers() {
    auto appointment = BookAppointment(stack_);
    auto others = BookAppointment(stack_);
    if (!appointment || !others) return std::nullopt;
    Callers callers{*appointment, *others, {}};
    callers.tokens[kClient] = appointment->client_token;
    callers.tokens[kOtherCustomer] = others->client_token;
    callers.tokens[kBarber] = barber_token_;
    callers.tokens[kOtherBarber] = other_barber_token_;
    callers.tokens[kAdmin] = admin_token_;
    return callers;
  }

  /// The token the core's login gives a demo account, or empty.
  std::string DemoLogin(const std::string& email) const {
    auto stub = UserService::NewStub(grpc::CreateChannel(stack_.core_address, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    LoginRequest request;
    request.set_email(email);
    request.set_password("barbershop-demo");
    LoginResponse response;
    return stub->Login(&context, request, &response).ok() ? response.token() : std::string();
  }

  TestStack stack_ = TestStack::FromEnvironment();
  std::string barber_token_;
  RealtimeProcess copy_{stack_};
  std::string other_barber_token_;
  std::string admin_token_;
};

TEST_F(WebSocketPermissionMatrixTest, EachCallerGetsTheUpgradeStatusOfItsCell) {
  for (const auto& row : kRows) {
    // Each row its own appointment, so that no answer about another row's is remembered.
    const auto callers = NewCallers();
    ASSERT_TRUE(callers) << "could not book an appointment through the core";
    const auto path = row.path(*callers);
    for (const Who who : kCallers) {
      WsClient socket;
      const unsigned status = socket.Connect(copy_.port(), path, callers->tokens[who]);
      EXPECT_EQ(status, row.expected[who]) << row.name << " (" << path << ") by " << kCallerNames[who] << ": expected "
                                           << row.expected[who] << ", got " << status;
      if (status == 101) {
        // The first message: a welcome, or the free slots a watcher starts from.
        const std::string first = row.kind == StreamKind::kBarberAvailability ? "availability" : "welcome";
        EXPECT_TRUE(socket.NextMatching([&](const json& m) { return m.value("type", "") == first; }))
            << row.name << " by " << kCallerNames[who] << ": upgraded without a " << first;
      }
    }
  }
}

TEST(WebSocketPermissionMatrixCoverageTest, EveryKindOfPathHasARowThatOpensIt) {
  const Callers example{{NewId(), NewId(), NewId(), ""}, {}, {}};
  // StreamKind's values count up from zero; 64 is far past the last.
  for (int value = 0; value < 64; ++value) {
    const auto kind = static_cast<StreamKind>(value);
    const char* name = RowCovering(kind);
    if (name == nullptr) continue;
    const auto row =
        std::find_if(kRows.begin(), kRows.end(), [&](const Row& r) { return std::string(r.name) == name; });
    ASSERT_NE(row, kRows.end()) << "no row named " << name;
    EXPECT_EQ(row->kind, kind) << name;
    const auto route = hub::ParseRoute(row->path(example));
    ASSERT_TRUE(route) << name << ": " << row->path(example) << " is no WebSocket path";
    EXPECT_EQ(route->kind, kind) << name << ": " << row->path(example) << " opens another kind of path";
  }
  for (const auto& row : kRows) {
    const auto route = hub::ParseRoute(row.path(example));
    EXPECT_EQ(route.has_value(), row.kind.has_value()) << row.name;
    if (route && row.kind) {
      EXPECT_EQ(route->kind, *row.kind) << row.name;
    }
  }
}

}  // namespace
}  // namespace barbershop::realtime::testing
