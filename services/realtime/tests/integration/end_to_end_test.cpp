// gRPC in, WebSocket out: bookings made through the running core service (scripts/test.sh
// starts it, publishing to the test RabbitMQ) reach users' sockets on copies of
// barbershop-realtime, also when a copy dies holding events, with reminders from several
// core replicas, and behind poison messages.  Only public interfaces: the core's gRPC API
// and the WebSocket paths (and the broker, to publish poison as a broken producer would).
//
// The copies of one test are the only consumers of the shared events queue while it runs:
// CTest runs these tests one at a time (RESOURCE_LOCK in CMakeLists.txt).
#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <random>
#include <set>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "harness.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::realtime::testing {
namespace {

// Other tests book Ana and Ion (and random barbers): slots are random and retried when
// taken, and every wait filters by appointment id.
constexpr const char* kBarberName = "Elena";
constexpr const char* kBarberEmail = "elena@barbershop.test";
constexpr const char* kDemoPassword = "barbershop-demo";
constexpr auto kDeliveryTimeout = 15s;
constexpr const char* kShopZone = "Europe/Chisinau";  // the running core's and the copies' default

std::string ClientPath(const std::string& id) { return "/websocket/client/" + id + "/appointments"; }
std::string BarberPath(const std::string& id) { return "/websocket/barber/" + id + "/appointments"; }

auto About(const std::string& type, const std::string& appointment_id) {
  return [type, appointment_id](const json& message) {
    return message.value("type", "") == type && message.value("appointment_id", "") == appointment_id;
  };
}

/// What each user should see once: (message type, appointment id).
using Expected = MessageKeys;
using Seen = MessageCounts;

struct Session {
  std::string user_id;
  std::string token;
  std::string email;
};

/// A booking as the core answered it, with the shop-time slot that was asked for.
struct Booking {
  Appointment appointment;
  std::string date;   // "2026-12-07"
  std::string clock;  // "15:00"
};

/// The core's public API as a client application uses it.
class CoreClient {
 public:
  explicit CoreClient(const std::string& address)
      : stub_(UserService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))) {}

  std::optional<Session> Login(const std::string& email, const std::string& password) {
    auto context = Context();
    LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    LoginResponse response;
    const auto status = stub_->Login(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << "Login " << email << ": " << status.error_message();
    if (!status.ok()) return std::nullopt;
    return Session{response.user_id(), response.token(), email};
  }

  std::optional<Session> SignUpAndLogin() {
    const std::string name = "e2e" + NewId().substr(0, 12);
    const std::string email = name + "@end-to-end.test";
    auto context = Context();
    SignUpRequest request;
    request.set_username(name);
    request.set_email(email);
    request.set_password("end-to-end-password");
    SignUpResponse response;
    const auto status = stub_->SignUp(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << "SignUp: " << status.error_message();
    if (!status.ok()) return std::nullopt;
    return Login(email, "end-to-end-password");
  }

  /// Books `barber` on a random free slot at least three days ahead, Monday to Saturday,
  /// 09:00 to 16:30 shop time; another slot when one is taken.
  std::optional<Booking> BookRandomSlot(const Session& client, const std::string& barber) {
    using namespace std::chrono;
    std::mt19937 random{std::random_device{}()};
    for (int attempt = 0; attempt < 40; ++attempt) {
      const auto day = floor<days>(common::SystemClock{}.Now()) + days(3 + random() % 300);
      if (weekday(day) == Sunday) continue;
      const year_month_day date(day);
      char date_text[16];
      char clock_text[8];
      std::snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                    static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
      std::snprintf(clock_text, sizeof clock_text, "%02u:%02u", static_cast<unsigned>(9 + random() % 8),
                    static_cast<unsigned>((random() % 2) * 30));
      bool taken = false;
      auto booking = TryBook(client, barber, date_text, clock_text, taken);
      if (!taken) return booking;
    }
    ADD_FAILURE() << "no free slot found for " << barber;
    return std::nullopt;
  }

  /// Books `barber` on the first free half-hour at or after `after`, Monday to Saturday,
  /// 09:00 to 17:30 shop time (the demo barbers' hours).
  std::optional<Booking> BookFirstFreeSlotAfter(const Session& client, const std::string& barber,
                                                common::TimePoint after) {
    using namespace std::chrono;
    const auto shop = common::ShopTime::ForZone(kShopZone).value();
    int attempts = 0;
    for (auto at = ceil<minutes>(after); attempts < 60 && at < after + days(30); at += minutes(1)) {
      const auto local = shop.ToLocal(at);
      if (local.minute_of_day % 30 != 0 || local.iso_weekday == 7 || local.minute_of_day < 9 * 60 ||
          local.minute_of_day > 17 * 60 + 30) {
        continue;
      }
      ++attempts;
      char date_text[16];
      char clock_text[8];
      std::snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", local.year, local.month, local.day);
      std::snprintf(clock_text, sizeof clock_text, "%02d:%02d", local.minute_of_day / 60, local.minute_of_day % 60);
      bool taken = false;
      auto booking = TryBook(client, barber, date_text, clock_text, taken);
      if (!taken) return booking;
    }
    ADD_FAILURE() << "no free slot found for " << barber;
    return std::nullopt;
  }

  bool Confirm(const Session& barber, const std::string& appointment_id) {
    return Act<ConfirmAppointmentRequest>(barber, appointment_id, &UserService::Stub::ConfirmAppointment,
                                          "ConfirmAppointment");
  }

  bool Cancel(const Session& client, const std::string& appointment_id) {
    return Act<CancelAppointmentRequest>(client, appointment_id, &UserService::Stub::CancelAppointment,
                                         "CancelAppointment");
  }

  /// Books `barber` at `date` and `clock` (shop time); nullopt, with a test failure, when
  /// it cannot.
  std::optional<Booking> BookAt(const Session& client, const std::string& barber, const std::string& date,
                                const std::string& clock) {
    bool taken = false;
    auto booking = TryBook(client, barber, date, clock, taken);
    EXPECT_FALSE(taken) << date << " " << clock << " is taken";
    return booking;
  }
  /// The barber's own time off over [from, to); its id, or empty with a test failure.
  std::string AddTimeOff(const Session& barber, const std::string& from, const std::string& to) {
    auto context = Context(barber.token);
    AddTimeOffRequest request;
    request.set_from(from);
    request.set_to(to);
    TimeOffResponse response;
    const auto status = stub_->AddTimeOff(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << "AddTimeOff: " << status.error_message();
    return response.time_off().time_off_id();
  }
  bool RemoveTimeOff(const Session& barber, const std::string& time_off_id) {
    auto context = Context(barber.token);
    RemoveTimeOffRequest request;
    request.set_time_off_id(time_off_id);
    TimeOffResponse response;
    const auto status = stub_->RemoveTimeOff(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << "RemoveTimeOff: " << status.error_message();
    return status.ok();
  }
  bool Logout(const Session& session) {
    auto context = Context(session.token);
    AccountResponse response;
    const auto status = stub_->Logout(context.get(), LogoutRequest{}, &response);
    EXPECT_TRUE(status.ok()) << "Logout: " << status.error_message();
    return status.ok();
  }

 private:
  /// Books one slot (shop wall-clock time); nullopt with `taken` set when the slot is
  /// taken, nullopt and a test failure on any other error.
  std::optional<Booking> TryBook(const Session& client, const std::string& barber, const std::string& date,
                                 const std::string& clock, bool& taken) {
    auto context = Context(client.token);
    CreateAppointmentRequest request;
    request.set_user_id(client.user_id);
    request.set_date_time(date + "T" + clock);
    request.set_barber_name(barber);
    AppointmentResponse response;
    const auto status = stub_->CreateAppointment(context.get(), request, &response);
    taken = status.error_code() == grpc::StatusCode::ALREADY_EXISTS;
    if (taken) return std::nullopt;
    EXPECT_TRUE(status.ok()) << "CreateAppointment: " << status.error_message();
    if (!status.ok()) return std::nullopt;
    return Booking{response.appointment(), date, clock};
  }

  /// One appointment RPC that takes only the appointment's id, as `who`.
  template <typename Request, typename Method>
  bool Act(const Session& who, const std::string& appointment_id, Method method, const char* name) {
    auto context = Context(who.token);
    Request request;
    request.set_appointment_id(appointment_id);
    AppointmentResponse response;
    const auto status = (stub_.get()->*method)(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
    return status.ok();
  }

  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(10, GPR_TIMESPAN)));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  std::unique_ptr<UserService::Stub> stub_;
};

/// The demo barber and a new client, logged in.
class EndToEndBase : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete()) GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    const auto barber = core_.Login(kBarberEmail, kDemoPassword);
    ASSERT_TRUE(barber);
    barber_ = *barber;
    const auto client = core_.SignUpAndLogin();
    ASSERT_TRUE(client);
    client_ = *client;
  }

  /// Opens a user's appointments stream and waits for its welcome, whose id goes to
  /// `welcome_id`.
  static std::unique_ptr<WsClient> Connect(RealtimeProcess& copy, const std::string& path, const std::string& token,
                                           std::string* welcome_id = nullptr) {
    return Connect(copy.port(), path, token, welcome_id);
  }
  static std::unique_ptr<WsClient> Connect(std::uint16_t port, const std::string& path, const std::string& token,
                                           std::string* welcome_id = nullptr) {
    auto socket = std::make_unique<WsClient>();
    EXPECT_EQ(socket->Connect(port, path, token), 101u) << path;
    const auto welcome = socket->NextMatching([](const json& m) { return m.value("type", "") == "welcome"; });
    EXPECT_TRUE(welcome) << path;
    if (welcome && welcome_id != nullptr) *welcome_id = (*welcome)["id"];
    return socket;
  }

  TestStack stack_ = TestStack::FromEnvironment();
  CoreClient core_{stack_.core_address};
  Session barber_;
  Session client_;
};

/// Two copies of the real-time service, A started first.
class EndToEndTest : public EndToEndBase {
 protected:
  void SetUp() override {
    EndToEndBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(a_.Start()) << "copy A did not become ready";
    ASSERT_TRUE(b_.Start()) << "copy B did not become ready";
  }

  RealtimeProcess a_{stack_};
  RealtimeProcess b_{stack_};
};

TEST_F(EndToEndTest, BookConfirmCancelReachTheOtherPartysSocketOnAnotherCopy) {
  auto barber_socket = Connect(a_, BarberPath(barber_.user_id), barber_.token);
  auto client_socket = Connect(b_, ClientPath(client_.user_id), client_.token);

  const auto booking = core_.BookRandomSlot(client_, kBarberName);
  ASSERT_TRUE(booking);
  const std::string id = booking->appointment.appointment_id();
  ASSERT_EQ(booking->appointment.barber_id(), barber_.user_id);

  const auto created = barber_socket->NextMatching(About("appointment_created", id), kDeliveryTimeout);
  ASSERT_TRUE(created) << "the barber's socket did not receive appointment_created";
  EXPECT_EQ((*created)["client_id"], client_.user_id);
  EXPECT_EQ((*created)["barber_id"], barber_.user_id);
  EXPECT_EQ((*created)["appointment_date_time"], booking->appointment.date_time());

  ASSERT_TRUE(core_.Confirm(barber_, id));
  const auto confirmation = client_socket->NextMatching(About("appointment_confirmation", id), kDeliveryTimeout);
  ASSERT_TRUE(confirmation) << "the client's socket did not receive appointment_confirmation";
  EXPECT_EQ((*confirmation)["appointment_id"], id);
  EXPECT_EQ((*confirmation)["barber_id"], barber_.user_id);
  EXPECT_EQ((*confirmation)["client_id"], client_.user_id);
  EXPECT_EQ((*confirmation)["status"], "confirmed");
  EXPECT_EQ((*confirmation)["appointment_date_time"], booking->appointment.date_time());
  EXPECT_EQ((*confirmation)["message"],
            "Your appointment is confirmed for " + booking->date + " at " + booking->clock + ".");

  ASSERT_TRUE(core_.Cancel(client_, id));
  const auto cancellation = barber_socket->NextMatching(About("appointment_cancellation", id), kDeliveryTimeout);
  ASSERT_TRUE(cancellation) << "the barber's socket did not receive appointment_cancellation";
  EXPECT_EQ((*cancellation)["status"], "canceled");
  EXPECT_EQ((*cancellation)["client_id"], client_.user_id);

  // No redelivery shows up later: nothing more arrives for this appointment on either socket.
  ASSERT_TRUE(client_socket->NextMatching(About("appointment_cancellation", id), kDeliveryTimeout));
  std::map<std::string, int> seen;
  for (auto* socket : {barber_socket.get(), client_socket.get()}) {
    while (auto message = socket->Next(1s)) {
      if (message->value("appointment_id", "") == id) ++seen[message->value("type", "")];
    }
  }
  EXPECT_TRUE(seen.empty()) << "a duplicate arrived: " << json(seen).dump();
}

TEST_F(EndToEndTest, AnyoneWatchingABarbersDaySeesItsSlotsTakenAndFreedLiveOnEveryCopy) {
  const auto booking = core_.BookRandomSlot(client_, kBarberName);
  ASSERT_TRUE(booking);
  const std::string slot = booking->appointment.date_time();
  const std::string path = "/websocket/barber/" + barber_.user_id + "/availability?date=" + booking->date;
  // No token: a shop's booking page shows what is free before anyone signs in.
  std::vector<std::unique_ptr<WsClient>> watchers;
  for (auto* copy : {&a_, &b_}) {
    watchers.push_back(std::make_unique<WsClient>());
    ASSERT_EQ(watchers.back()->Connect(copy->port(), path), 101u);
  }
  const auto has = [&](const json& message, const char* field) {
    if (message.value("type", "") != "availability" || !message.contains(field)) return false;
    const auto& list = message[field];
    return std::find(list.begin(), list.end(), slot) != list.end();
  };
  for (auto& watcher : watchers) {
    const auto first =
        watcher->NextMatching([](const json& m) { return m.value("type", "") == "availability"; }, kDeliveryTimeout);
    ASSERT_TRUE(first) << "no slots on connect";
    EXPECT_EQ((*first)["barber_id"], barber_.user_id);
    EXPECT_EQ((*first)["date"], booking->date);
    EXPECT_FALSE(has(*first, "slots")) << "the booked slot is offered: " << first->dump();
    EXPECT_FALSE((*first)["slots"].empty()) << "the rest of the day is free";
  }
  // Every frame names the day and the slots, never who booked.
  const auto expect = [&](const char* field, const char* step) {
    for (std::size_t copy = 0; copy < watchers.size(); ++copy) {
      std::vector<std::string> passed;  // what arrived before, for the failure's message
      const auto change = watchers[copy]->NextMatching(
          [&](const json& m) {
            if (has(m, field)) return true;
            passed.push_back(m.dump());
            return false;
          },
          kDeliveryTimeout);
      ASSERT_TRUE(change) << step << ": no frame with " << slot << " in " << field << " on copy "
                          << "AB"[copy] << "; it got " << json(passed).dump();
      EXPECT_EQ(change->size(), 7u) << change->dump();
      for (const auto& secret : {client_.user_id, client_.email, booking->appointment.appointment_id()}) {
        EXPECT_EQ(change->dump().find(secret), std::string::npos) << step << " reveals " << secret;
      }
    }
  };
  ASSERT_TRUE(core_.Cancel(client_, booking->appointment.appointment_id()));
  expect("added", "cancelled");
  const auto ends = *common::ShopTime::ForZone(kShopZone)->Parse(slot) + std::chrono::minutes(30);
  const auto time_off = core_.AddTimeOff(barber_, slot, common::ShopTime::ForZone(kShopZone)->Format(ends));
  ASSERT_FALSE(time_off.empty());
  expect("removed", "time off added");
  ASSERT_TRUE(core_.RemoveTimeOff(barber_, time_off));
  expect("added", "time off removed");
  ASSERT_TRUE(core_.BookAt(client_, kBarberName, booking->date, booking->clock));
  expect("removed", "booked again");
}

// A copy whose core stops answering tells the day's watchers once, and reads the day again
// by itself once the core answers: the watchers see the change they missed without
// another change coming.  The copy asks a core replica of the test's own (relaying
// nothing), stopped with SIGSTOP so that its asks run out of time.
TEST_F(EndToEndBase, AWatcherWhoseCoreWasAwayGetsTheDayAgainWhenItAnswers) {
  if (stack_.database_url.empty()) GTEST_SKIP() << "needs BARBERSHOP_TEST_DATABASE_URL";
  // Under SHOP_CLOCK the copy's wall clock is moved forward by libfaketime, but gRPC's
  // timers wait in the kernel for a wall-clock deadline (Abseil's futex), out of
  // libfaketime's reach: the copy's 3 s deadline would run out hours later.
  if (std::getenv("FAKETIME") != nullptr) GTEST_SKIP() << "gRPC's deadlines do not run out under libfaketime";
  CoreProcess replica(stack_, {"BARBERSHOP_RELAY=false"});
  ASSERT_TRUE(replica.Start()) << "the core replica did not become ready";
  TestStack via_replica = stack_;
  via_replica.core_address = replica.grpc_address();
  RealtimeProcess copy(via_replica);
  ASSERT_TRUE(copy.Start()) << "the copy did not become ready";

  const auto booking = core_.BookRandomSlot(client_, kBarberName);
  ASSERT_TRUE(booking);
  const std::string slot = booking->appointment.date_time();
  WsClient watcher;
  ASSERT_EQ(
      watcher.Connect(copy.port(), "/websocket/barber/" + barber_.user_id + "/availability?date=" + booking->date),
      101u);
  const auto slots_with = [&](bool free) {
    return [&slot, free](const json& m) {
      if (m.value("type", "") != "availability") return false;
      const auto& slots = m["slots"];
      return (std::find(slots.begin(), slots.end(), slot) != slots.end()) == free;
    };
  };
  ASSERT_TRUE(watcher.NextMatching(slots_with(false), kDeliveryTimeout)) << "no slots on connect";

  replica.Kill(SIGSTOP);
  ASSERT_TRUE(core_.Cancel(client_, booking->appointment.appointment_id()));  // the slot is free again
  const auto error = watcher.NextMatching([](const json& m) { return m.value("type", "") == "error"; }, 30s);
  replica.Kill(SIGCONT);
  ASSERT_TRUE(error) << "the watcher was not told that the slots could not be read";
  EXPECT_EQ((*error)["code"], "unavailable");
  const auto healed = watcher.NextMatching(slots_with(true), 45s);
  ASSERT_TRUE(healed) << "the day was not read again once the core answered";
  const auto& added = (*healed)["added"];
  EXPECT_NE(std::find(added.begin(), added.end(), slot), added.end()) << healed->dump();
}

// An address at its socket cap is refused before its upgrade asks anyone anything: a
// watcher's upgrade, which asks the core for the day, is refused at once, not after the
// core's answer.  Shown with the copy's core stopped (SIGSTOP): asked, it would answer
// only with the copy's deadline running out (503), never with 429.
TEST_F(EndToEndBase, AWatcherFromAnAddressAtItsCapIsRefusedWithoutAskingTheCore) {
  if (stack_.database_url.empty()) GTEST_SKIP() << "needs BARBERSHOP_TEST_DATABASE_URL";
  CoreProcess replica(stack_, {"BARBERSHOP_RELAY=false"});
  ASSERT_TRUE(replica.Start()) << "the core replica did not become ready";
  TestStack via_replica = stack_;
  via_replica.core_address = replica.grpc_address();
  RealtimeProcess copy(via_replica, {"--max-sockets-per-address", "1"});
  ASSERT_TRUE(copy.Start()) << "the copy did not become ready";
  // Two days to come, each watched on its own: the second is not in the copy's memory.
  const auto day = [&](int ahead) {
    const auto at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 24h * ahead;
    return "/websocket/barber/" + barber_.user_id +
           "/availability?date=" + common::ShopTime::ForZone(kShopZone)->Format(at).substr(0, 10);
  };
  WsClient first;
  ASSERT_EQ(first.Connect(copy.port(), day(1)), 101u);

  replica.Kill(SIGSTOP);
  WsClient second;
  const auto status = second.Connect(copy.port(), day(2));
  replica.Kill(SIGCONT);
  EXPECT_EQ(status, 429u) << "the upgrade was not refused for the address's cap before asking the core";
}

TEST_F(EndToEndTest, AnAvailabilityStreamIsRefusedForNoSuchBarberOrDay) {
  const std::string elena = "/websocket/barber/" + barber_.user_id + "/availability";
  for (const auto& [target, status] : std::vector<std::pair<std::string, unsigned>>{
           {"/websocket/barber/" + NewId() + "/availability?date=2030-01-07", 404},
           {elena + "?date=2030-01-07&service=No+such+service", 404},
           {elena + "?date=2030-02-30", 400},
           {elena, 400},
       }) {
    WsClient socket;
    EXPECT_EQ(socket.Connect(a_.port(), target), status) << target;
  }
}

TEST_F(EndToEndTest, ALogoutClosesThatSessionsSocketsOnEveryCopyAndNoOthers) {
  const auto phone = core_.SignUpAndLogin();
  ASSERT_TRUE(phone);
  const auto laptop = core_.Login(phone->email, "end-to-end-password");
  ASSERT_TRUE(laptop);
  auto phone_on_a = Connect(a_, ClientPath(phone->user_id), phone->token);
  auto phone_on_b = Connect(b_, ClientPath(phone->user_id), phone->token);
  auto laptop_on_a = Connect(a_, ClientPath(laptop->user_id), laptop->token);

  ASSERT_TRUE(core_.Logout(*phone));
  const auto logged_out = std::chrono::steady_clock::now();
  constexpr unsigned kSessionEnded = 4001;
  EXPECT_EQ(phone_on_a->WaitClosed(kDeliveryTimeout), kSessionEnded);
  EXPECT_EQ(phone_on_b->WaitClosed(kDeliveryTimeout), kSessionEnded);
  std::printf("logout to both sockets closed: %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - logged_out)
                      .count()));
  EXPECT_FALSE(laptop_on_a->WaitClosed(200ms)) << "the other session's socket closed";
  // The logged-out token opens no new socket; the other session's still does.
  WsClient again;
  EXPECT_EQ(again.Connect(a_.port(), ClientPath(phone->user_id), phone->token), 401u);
  Connect(b_, ClientPath(laptop->user_id), laptop->token);
}

// The platform through its one entry point, as clients reach it: with
// BARBERSHOP_TEST_WS_PORT set (scripts/test-containers.sh), BARBERSHOP_TEST_CORE_ADDRESS is
// the gateway's gRPC address and BARBERSHOP_TEST_WS_PORT its WebSocket port on 127.0.0.1,
// in front of two copies of each service in containers; without it (make test), a copy
// of the test's own takes the gateway's place.
class EntryPointTest : public EndToEndBase {
 protected:
  void SetUp() override {
    EndToEndBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const char* port = std::getenv("BARBERSHOP_TEST_WS_PORT");
    if (port != nullptr && *port != '\0') {
      ws_port_ = static_cast<std::uint16_t>(std::stoi(port));
      return;
    }
    copy_ = std::make_unique<RealtimeProcess>(stack_);
    ASSERT_TRUE(copy_->Start()) << "the copy did not become ready";
    ws_port_ = copy_->port();
  }

  std::unique_ptr<RealtimeProcess> copy_;
  std::uint16_t ws_port_ = 0;
};

TEST_F(EntryPointTest, ABookingAndItsConfirmationReachBothPartiesSockets) {
  auto barber_socket = Connect(ws_port_, BarberPath(barber_.user_id), barber_.token);
  auto client_socket = Connect(ws_port_, ClientPath(client_.user_id), client_.token);

  const auto booking = core_.BookRandomSlot(client_, kBarberName);
  ASSERT_TRUE(booking);
  const std::string id = booking->appointment.appointment_id();
  const auto created = barber_socket->NextMatching(About("appointment_created", id), kDeliveryTimeout);
  ASSERT_TRUE(created) << "the barber's socket did not receive appointment_created";
  EXPECT_EQ((*created)["client_id"], client_.user_id);
  EXPECT_EQ((*created)["appointment_date_time"], booking->appointment.date_time());

  ASSERT_TRUE(core_.Confirm(barber_, id));
  const auto confirmation = client_socket->NextMatching(About("appointment_confirmation", id), kDeliveryTimeout);
  ASSERT_TRUE(confirmation) << "the client's socket did not receive appointment_confirmation";
  EXPECT_EQ((*confirmation)["status"], "confirmed");
  EXPECT_EQ((*confirmation)["barber_id"], barber_.user_id);
}

// A copy that dies holding events: A, the active consumer (the first to subscribe to the
// single-active-consumer queue), kills itself at the client's third event, at the
// failpoint `failpoint` names; B takes the queue over, gets what A had not acknowledged again,
// and every user sees every event exactly once.
class EndToEndKilledCopyTest : public EndToEndBase {
 protected:
  static constexpr int kBookings = 4;
  static constexpr int kFaultAt = 3;

  /// Runs the story; `after_store` says whether A stored and fanned out the event it died on.
  void RunStory(const std::string& failpoint, bool after_store) {
    RealtimeProcess a(stack_, {"--failpoints", failpoint + "=" + std::to_string(kFaultAt) + ":" + client_.user_id});
    ASSERT_TRUE(a.Start()) << "copy A did not become ready";
    RealtimeProcess b(stack_);
    ASSERT_TRUE(b.Start()) << "copy B did not become ready";
    std::string barber_position;
    auto barber_on_a = Connect(a, BarberPath(barber_.user_id), barber_.token, &barber_position);
    auto client_on_b = Connect(b, ClientPath(client_.user_id), client_.token);

    // Booked at once, so that A holds several unacknowledged events when it dies.
    std::vector<std::future<std::optional<Booking>>> pending;
    for (int i = 0; i < kBookings; ++i) {
      pending.push_back(std::async(std::launch::async, [&] { return core_.BookRandomSlot(client_, kBarberName); }));
    }
    std::vector<std::string> ids;
    for (auto& booking : pending) {
      const auto booked = booking.get();
      ASSERT_TRUE(booked);
      ids.push_back(booked->appointment.appointment_id());
    }
    const auto status = a.Wait(kDeliveryTimeout);
    ASSERT_TRUE(status) << "copy A did not die at the client's event " << kFaultAt
                        << " (was it the queue's active consumer?)";
    EXPECT_EQ(*status, 128 + SIGKILL);

    // B is the active consumer now: these go through it alone.
    ASSERT_TRUE(core_.Confirm(barber_, ids[0]));
    ASSERT_TRUE(core_.Confirm(barber_, ids[1]));
    Expected expected;
    for (const auto& id : ids) expected.insert({"appointment_created", id});
    expected.insert({"appointment_confirmation", ids[0]});
    expected.insert({"appointment_confirmation", ids[1]});

    Seen client_seen;
    CollectDeliveries(*client_on_b, expected, client_seen, kDeliveryTimeout, 1500ms);
    EXPECT_EQ(NotExactlyOnce(expected, client_seen), "") << "the client's socket on B";

    // The barber's socket went down with A: what it got there, then a resumption on B.
    ASSERT_TRUE(barber_on_a->WaitClosed(5s));
    Seen barber_seen;
    CollectDeliveries(*barber_on_a, expected, barber_seen, 1s, 0ms, &barber_position);
    auto barber_on_b = Connect(b, BarberPath(barber_.user_id) + "?since=" + barber_position, barber_.token);
    CollectDeliveries(*barber_on_b, expected, barber_seen, kDeliveryTimeout, 1500ms);
    EXPECT_EQ(NotExactlyOnce(expected, barber_seen), "") << "the barber, on A and then resuming on B";

    if (after_store) {
      // A had stored the event it died on: B got it again and recognised it.
      const std::string duplicates = "realtime_events_total{result=\"duplicate\"}";
      EXPECT_TRUE(Eventually([&] { return MetricValue({b.port()}, duplicates) >= 1; }))
          << "B did not get A's unacknowledged event again";
    }
  }
};

TEST_F(EndToEndKilledCopyTest, ACopyDyingAfterStoringBeforeAckingShowsNoUserADuplicate) {
  RunStory("events.before_ack", /*after_store=*/true);
}

TEST_F(EndToEndKilledCopyTest, ACopyDyingBeforeStoringLosesNoEvent) {
  RunStory("events.before_store", /*after_store=*/false);
}

// Reminders from core replicas that the test starts, on the running core's database: a
// confirmed booking just inside their reminder offset brings its client and barber one
// `notification` each, while two replicas with that offset (and the running core) look.
//
// The running core must not send a reminder of its own here, and tests running beside this
// one must not get reminders from these replicas: the booking is the demo barber's first
// free slot more than 24 hours ahead (the running core reminds 24 hours and 1 hour before),
// and the offset reaches just past it (under 40 hours).  Only confirmed appointments get
// reminders.  The other tests that watch their events (these, run one at a time) book
// more than two days ahead; the core's tests book a day or more ahead, and the only one
// that watches events keeps its appointment confirmed for milliseconds.
TEST_F(EndToEndTest, AReminderArrivesOnceWhileTwoMoreCoreReplicasLook) {
  if (stack_.database_url.empty()) GTEST_SKIP() << "needs BARBERSHOP_TEST_DATABASE_URL";
  const auto shop = common::ShopTime::ForZone(kShopZone).value();
  auto barber_socket = Connect(a_, BarberPath(barber_.user_id), barber_.token);
  auto client_socket = Connect(b_, ClientPath(client_.user_id), client_.token);

  const auto now = common::SystemClock().Now();
  const auto booking = core_.BookFirstFreeSlotAfter(client_, kBarberName, now + 24h + 10min);
  ASSERT_TRUE(booking);
  const std::string id = booking->appointment.appointment_id();
  const auto starts = shop.Parse(booking->appointment.date_time());
  ASSERT_TRUE(starts);
  const auto offset = std::chrono::ceil<std::chrono::minutes>(*starts - now).count() + 1;
  ASSERT_LE(offset, 60 * 24 * 30) << "the core's --reminder-minutes takes at most 30 days";

  std::vector<std::string> settings{"BARBERSHOP_REMINDER_MINUTES=" + std::to_string(offset),
                                    "BARBERSHOP_REMINDER_INTERVAL_MS=100", "BARBERSHOP_OUTBOX_SWEEP_MS=200"};
  CoreProcess first(stack_, settings);
  CoreProcess second(stack_, settings);
  ASSERT_TRUE(first.Start()) << "the first core replica did not become ready";
  ASSERT_TRUE(second.Start()) << "the second core replica did not become ready";
  ASSERT_TRUE(core_.Confirm(barber_, id));

  const auto is_reminder = [&](const json& m) {
    return m.value("type", "") == "notification" && m.value("appointment_id", "") == id &&
           m.value("kind", "") == "reminder";
  };
  const auto reminder = client_socket->NextMatching(is_reminder, kDeliveryTimeout);
  ASSERT_TRUE(reminder) << "no reminder reached the client";
  EXPECT_EQ((*reminder)["status"], "unread");
  EXPECT_EQ((*reminder)["appointment_status"], "confirmed");
  EXPECT_EQ((*reminder)["minutes_before"], offset);
  EXPECT_EQ((*reminder)["client_id"], client_.user_id);
  // "tomorrow" when the reminder was made the day before the appointment, shop time.
  using namespace std::chrono;
  const auto occurred = shop.Parse(reminder->value("occurred_at", ""));
  ASSERT_TRUE(occurred);
  const auto made = shop.ToLocal(*occurred);
  const year_month_day next_day{sys_days{year{made.year} / made.month / made.day} + days(1)};
  char next_day_text[16];
  std::snprintf(next_day_text, sizeof next_day_text, "%04d-%02u-%02u", static_cast<int>(next_day.year()),
                static_cast<unsigned>(next_day.month()), static_cast<unsigned>(next_day.day()));
  const std::string which_day = booking->date == next_day_text ? "tomorrow" : "on " + booking->date;
  EXPECT_EQ((*reminder)["message"], "Reminder: Your appointment is " + which_day + " at " + booking->clock);
  const auto to_barber = barber_socket->NextMatching(is_reminder, kDeliveryTimeout);
  ASSERT_TRUE(to_barber) << "no reminder reached the barber";
  EXPECT_EQ((*to_barber)["minutes_before"], offset);

  // Both replicas keep looking every 100 ms; no second reminder comes.
  EXPECT_FALSE(client_socket->NextMatching(is_reminder, 3s)) << "the client got a second reminder";
  EXPECT_FALSE(barber_socket->NextMatching(is_reminder, 500ms)) << "the barber got a second reminder";
  EXPECT_FALSE(first.Wait(0ms)) << "the first replica exited";
  EXPECT_FALSE(second.Wait(0ms)) << "the second replica exited";
  for (auto* replica : {&first, &second}) {
    replica->Kill(SIGTERM);
    EXPECT_EQ(replica->Wait(30s), 0);
  }
  ASSERT_TRUE(core_.Cancel(client_, id));  // frees the barber's slot for the next run
}

// A poison message (not JSON; an unknown type) published to the events exchange goes to
// the dead-letter queue with its reason and is counted, and the booking after it still
// reaches the barber.
TEST_F(EndToEndTest, PoisonGoesToTheDeadLetterQueueAndTheNextBookingStillArrives) {
  auto barber_socket = Connect(a_, BarberPath(barber_.user_id), barber_.token);

  EventPublisher publisher(stack_.amqp_url);
  const std::string not_json = "{not json " + NewId();
  const auto unknown_type = MakeEvent("appointment.teleported", barber_.user_id, client_.user_id);
  ASSERT_TRUE(publisher.Publish("appointment.created", not_json));
  ASSERT_TRUE(publisher.Publish("appointment.teleported", unknown_type.dump()));

  const auto booking = core_.BookRandomSlot(client_, kBarberName);
  ASSERT_TRUE(booking);
  const std::string id = booking->appointment.appointment_id();
  ASSERT_TRUE(barber_socket->NextMatching(About("appointment_created", id), kDeliveryTimeout))
      << "the booking behind the poison did not reach the barber";

  std::map<std::string, std::string> reasons;
  for (const auto& needle : {not_json, unknown_type["event_id"].get<std::string>()}) {
    Eventually([&] {
      reasons[needle] = publisher.FindDeadLetterReason("barbershop.realtime.dead", needle);
      return !reasons[needle].empty();
    });
  }
  EXPECT_EQ(reasons[not_json], "bad_json");
  EXPECT_EQ(reasons[unknown_type["event_id"].get<std::string>()], "unknown_type");
  // The poison came before the booking's event, so it is counted by now.
  const std::vector<std::uint16_t> copies{a_.port(), b_.port()};
  EXPECT_GE(MetricValue(copies, "realtime_dead_letters_total{reason=\"bad_json\"}"), 1);
  EXPECT_GE(MetricValue(copies, "realtime_dead_letters_total{reason=\"unknown_type\"}"), 1);
}

}  // namespace
}  // namespace barbershop::realtime::testing
