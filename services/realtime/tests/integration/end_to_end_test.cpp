// gRPC in, WebSocket out: bookings made through the running core service (scripts/test.sh
// starts it, publishing to the test RabbitMQ) reach users' sockets on copies of
// barbershop-realtime.  Only public interfaces: the core's gRPC API and the WebSocket paths.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

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

std::string ClientPath(const std::string& id) { return "/websocket/client/" + id + "/appointments"; }
std::string BarberPath(const std::string& id) { return "/websocket/barber/" + id + "/appointments"; }

auto About(const std::string& type, const std::string& appointment_id) {
  return [type, appointment_id](const json& message) {
    return message.value("type", "") == type && message.value("appointment_id", "") == appointment_id;
  };
}

struct Session {
  std::string user_id;
  std::string token;
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
    return Session{response.user_id(), response.token()};
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
      const auto day = floor<days>(system_clock::now()) + days(3 + random() % 300);
      if (weekday(day) == Sunday) continue;
      const year_month_day date(day);
      char date_text[16];
      char clock_text[8];
      std::snprintf(date_text, sizeof date_text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                    static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
      std::snprintf(clock_text, sizeof clock_text, "%02u:%02u", static_cast<unsigned>(9 + random() % 8),
                    static_cast<unsigned>((random() % 2) * 30));
      auto context = Context(client.token);
      CreateAppointmentRequest request;
      request.set_user_id(client.user_id);
      request.set_date_time(std::string(date_text) + "T" + clock_text);
      request.set_barber_name(barber);
      AppointmentResponse response;
      const auto status = stub_->CreateAppointment(context.get(), request, &response);
      if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) continue;
      EXPECT_TRUE(status.ok()) << "CreateAppointment: " << status.error_message();
      if (!status.ok()) return std::nullopt;
      return Booking{response.appointment(), date_text, clock_text};
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

 private:
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
    context->set_deadline(std::chrono::system_clock::now() + 10s);
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  std::unique_ptr<UserService::Stub> stub_;
};

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete()) GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    ASSERT_TRUE(a_.Start()) << "copy A did not become ready";
    ASSERT_TRUE(b_.Start()) << "copy B did not become ready";
  }

  /// Opens a user's appointments stream and waits for its welcome.
  static std::unique_ptr<WsClient> Connect(RealtimeProcess& copy, const std::string& path, const std::string& token) {
    auto socket = std::make_unique<WsClient>();
    EXPECT_EQ(socket->Connect(copy.port(), path, token), 101u) << path;
    EXPECT_TRUE(socket->NextMatching([](const json& m) { return m.value("type", "") == "welcome"; })) << path;
    return socket;
  }

  TestStack stack_ = TestStack::FromEnvironment();
  RealtimeProcess a_{stack_};
  RealtimeProcess b_{stack_};
  CoreClient core_{stack_.core_address};
};

TEST_F(EndToEndTest, BookConfirmCancelReachTheOtherPartysSocketOnAnotherCopy) {
  const auto barber = core_.Login(kBarberEmail, kDemoPassword);
  ASSERT_TRUE(barber);
  const auto client = core_.SignUpAndLogin();
  ASSERT_TRUE(client);
  auto barber_socket = Connect(a_, BarberPath(barber->user_id), barber->token);
  auto client_socket = Connect(b_, ClientPath(client->user_id), client->token);

  const auto booking = core_.BookRandomSlot(*client, kBarberName);
  ASSERT_TRUE(booking);
  const std::string id = booking->appointment.appointment_id();
  ASSERT_EQ(booking->appointment.barber_id(), barber->user_id);

  const auto created = barber_socket->NextMatching(About("appointment_created", id), kDeliveryTimeout);
  ASSERT_TRUE(created) << "the barber's socket did not receive appointment_created";
  EXPECT_EQ((*created)["client_id"], client->user_id);
  EXPECT_EQ((*created)["barber_id"], barber->user_id);
  EXPECT_EQ((*created)["appointment_date_time"], booking->appointment.date_time());

  ASSERT_TRUE(core_.Confirm(*barber, id));
  const auto confirmation = client_socket->NextMatching(About("appointment_confirmation", id), kDeliveryTimeout);
  ASSERT_TRUE(confirmation) << "the client's socket did not receive appointment_confirmation";
  EXPECT_EQ((*confirmation)["appointment_id"], id);
  EXPECT_EQ((*confirmation)["barber_id"], barber->user_id);
  EXPECT_EQ((*confirmation)["client_id"], client->user_id);
  EXPECT_EQ((*confirmation)["status"], "confirmed");
  EXPECT_EQ((*confirmation)["appointment_date_time"], booking->appointment.date_time());
  EXPECT_EQ((*confirmation)["message"],
            "Your appointment is confirmed for " + booking->date + " at " + booking->clock + ".");

  ASSERT_TRUE(core_.Cancel(*client, id));
  const auto cancellation = barber_socket->NextMatching(About("appointment_cancellation", id), kDeliveryTimeout);
  ASSERT_TRUE(cancellation) << "the barber's socket did not receive appointment_cancellation";
  EXPECT_EQ((*cancellation)["status"], "canceled");
  EXPECT_EQ((*cancellation)["client_id"], client->user_id);

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

}  // namespace
}  // namespace barbershop::realtime::testing
