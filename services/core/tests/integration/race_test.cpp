#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

constexpr int kCalls = 64;

struct Outcome {
  int ok = 0;
  int already_exists = 0;
  int other = 0;
  std::set<std::string> booked;  ///< the appointment ids of the calls that succeeded
};

// Fires `kCalls` CreateAppointment calls at once, each over its own channel, released
// together.  `request_for(i)` gives the i-th call's token and request; every call carries
// `idempotency_key` when it is not empty.
Outcome Race(const std::function<std::pair<std::string, CreateAppointmentRequest>(int)>& request_for,
             const std::string& idempotency_key = "") {
  std::vector<std::unique_ptr<UserService::Stub>> stubs;
  std::vector<std::pair<std::string, CreateAppointmentRequest>> requests;
  for (int i = 0; i < kCalls; ++i) {
    stubs.push_back(TestCore::Get().NewStub());
    // Connect before the race starts, so the calls really overlap.
    grpc::ClientContext warm;
    ListBarbersResponse ignored;
    (void)stubs.back()->ListBarbers(&warm, {}, &ignored);
    requests.push_back(request_for(i));
  }
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<AppointmentResponse> responses(kCalls);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto context = Authed(requests[i].first);
      if (!idempotency_key.empty()) context->AddMetadata("idempotency-key", idempotency_key);
      statuses[i] = stubs[i]->CreateAppointment(context.get(), requests[i].second, &responses[i]);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  Outcome outcome;
  for (int i = 0; i < kCalls; ++i) {
    const auto& s = statuses[i];
    if (s.ok()) {
      ++outcome.ok;
      outcome.booked.insert(responses[i].appointment_id());
    } else if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      ++outcome.already_exists;
    } else {
      ++outcome.other;
      ADD_FAILURE() << s.error_code() << " " << s.error_message();
    }
  }
  return outcome;
}

CreateAppointmentRequest Request(const std::string& barber, const std::string& when) {
  CreateAppointmentRequest request;
  request.set_barber_name(barber);
  request.set_date_time(when);
  return request;
}

// Live appointments of one barber or client that overlap `when`'s half hour.
std::string LiveRows(const std::string& column, const std::string& id, const std::string& when) {
  return QueryScalar("SELECT count(*) FROM appointments WHERE " + column + " = '" + id +
                     "' AND status IN ('pending', 'confirmed') AND tstzrange(starts_at, ends_at) && "
                     "tstzrange('" +
                     when +
                     "'::timestamp AT TIME ZONE 'Europe/Chisinau', "
                     "'" +
                     when + "'::timestamp AT TIME ZONE 'Europe/Chisinau' + interval '30 minutes')");
}

TEST(BookingRaceTest, OneClientSameSlotSixtyFourTimes) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  const auto when = Slot(3, 10, 0);
  const auto outcome = Race([&](int) { return std::make_pair(client.token, Request(barber.username, when)); });
  EXPECT_EQ(outcome.ok, 1);
  EXPECT_EQ(outcome.already_exists, kCalls - 1);
  EXPECT_EQ(LiveRows("barber_id", barber.id, when), "1");
}

TEST(BookingRaceTest, OneClientSameSlotSixtyFourTimesWithOneIdempotencyKey) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  const auto when = Slot(3, 13, 0);
  const auto outcome =
      Race([&](int) { return std::make_pair(client.token, Request(barber.username, when)); }, "race-" + Unique());
  // Every retry is answered with the one booking, and only one event announces it.
  EXPECT_EQ(outcome.ok, kCalls);
  ASSERT_EQ(outcome.booked.size(), 1U);
  EXPECT_EQ(LiveRows("barber_id", barber.id, when), "1");
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + *outcome.booked.begin() + "'"), "1");
}

TEST(BookingRaceTest, SixtyFourClientsSameBarberAndSlot) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  std::vector<TestUser> clients;
  for (int i = 0; i < kCalls; ++i) clients.push_back(NewCustomer(*stub));
  const auto when = Slot(3, 11, 0);
  const auto outcome = Race([&](int i) { return std::make_pair(clients[i].token, Request(barber.username, when)); });
  EXPECT_EQ(outcome.ok, 1);
  EXPECT_EQ(outcome.already_exists, kCalls - 1);
  EXPECT_EQ(LiveRows("barber_id", barber.id, when), "1");
}

TEST(BookingRaceTest, OneClientTwoBarbersAtTheSameTime) {
  auto stub = TestCore::Get().NewStub();
  const auto first = NewBarber(*stub);
  const auto second = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  const auto when = Slot(3, 12, 0);
  const auto outcome = Race([&](int i) {
    return std::make_pair(client.token, Request(i % 2 == 0 ? first.username : second.username, when));
  });
  EXPECT_EQ(outcome.ok, 1);
  EXPECT_EQ(outcome.already_exists, kCalls - 1);
  EXPECT_EQ(LiveRows("client_id", client.id, when), "1");
}

}  // namespace
}  // namespace barbershop::core::testing
