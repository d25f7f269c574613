// The waitlist on PostgreSQL: a cancellation offers the time to the first in line (its
// offer in the outbox for the real-time service), the held time is refused to everyone
// else, the holder's claim books it, a lapse passes it to the second in line, and 32
// claims and bookings of one freed time at once make exactly one appointment.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

/// A core of its own whose holds last `hold_seconds`, swept every 50 ms, its lines
/// rechecked every `recheck_ms`.
class WaitlistTest : public ::testing::Test {
 protected:
  explicit WaitlistTest(int hold_seconds = 600, int recheck_ms = 60'000)
      : core_([hold_seconds, recheck_ms](app::CoreConfig& c) {
          c.waitlist_hold_seconds = hold_seconds;
          c.waitlist_sweep_ms = 50;
          c.waitlist_recheck_ms = recheck_ms;
        }),
        stub_(core_.NewStub()),
        barber_(NewBarber(*stub_, false, false, core_.database_url())),
        first_(NewCustomer(*stub_)),
        second_(NewCustomer(*stub_)),
        third_(NewCustomer(*stub_)),
        when_(Slot(1, 10, 0)) {
    booked_ = Book(third_, when_);
  }

  std::string Book(const TestUser& who, const std::string& at, grpc::Status* status = nullptr) {
    CreateAppointmentRequest request;
    request.set_barber_name(barber_.username);
    request.set_date_time(at);
    AppointmentResponse response;
    const auto answer = stub_->CreateAppointment(Authed(who.token).get(), request, &response);
    if (status != nullptr) *status = answer;
    return response.appointment_id();
  }
  void Join(const TestUser& who) {
    JoinWaitlistRequest request;
    request.set_barber_name(barber_.username);
    request.set_date(when_.substr(0, 10));
    request.set_from("10:00");
    request.set_to("10:30");
    WaitlistEntryResponse response;
    const auto status = stub_->JoinWaitlist(Authed(who.token).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_FALSE(response.entry().has_hold());
  }
  void Cancel(const TestUser& who, const std::string& id) {
    CancelAppointmentRequest request;
    request.set_appointment_id(id);
    AppointmentResponse response;
    const auto status = stub_->CancelAppointment(Authed(who.token).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  /// The time held for `who` now, if any.
  std::optional<WaitlistHold> HoldOf(const TestUser& who) {
    ListWaitlistResponse response;
    if (!stub_->ListWaitlist(Authed(who.token).get(), {}, &response).ok()) return std::nullopt;
    for (const auto& entry : response.entries()) {
      if (entry.has_hold()) return entry.hold();
    }
    return std::nullopt;
  }
  /// `who` claims the hold `hold_id`, which books them at when_.
  void ClaimsWhen(const TestUser& who, const std::string& hold_id) {
    ClaimHoldRequest claim;
    claim.set_hold_id(hold_id);
    AppointmentResponse claimed;
    const auto status = stub_->ClaimHold(Authed(who.token).get(), claim, &claimed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(claimed.appointment().date_time().substr(0, 16), when_);
  }
  std::string Scalar(const std::string& sql) { return QueryScalar(sql, core_.database_url()); }

  ScratchCore core_;
  std::unique_ptr<UserService::Stub> stub_;
  TestUser barber_, first_, second_, third_;
  std::string when_;
  std::string booked_;
};

class WaitlistLapseTest : public WaitlistTest {
 protected:
  WaitlistLapseTest() : WaitlistTest(1) {}
};

class WaitlistRecheckTest : public WaitlistTest {
 protected:
  WaitlistRecheckTest() : WaitlistTest(600, 100) {}
};

TEST_F(WaitlistTest, ACancellationOffersTheTimeToTheFirstInLineWhoseClaimBooksIt) {
  Join(first_);
  Join(second_);
  Cancel(third_, booked_);
  const auto hold = HoldOf(first_);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->date_time().substr(0, 16), when_);
  EXPECT_FALSE(HoldOf(second_));
  // The offer is in the outbox, in the cancellation's wake, for the real-time service to
  // tell the first in line.
  EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE routing_key = 'barber.waitlist_offer' AND payload #>> "
                   "'{hold,client_id}' = '" +
                   first_.id + "'"),
            "1");

  // Held: no one else books it, not even the customer who canceled it.
  grpc::Status refused;
  Book(second_, when_, &refused);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("held for a customer on the waitlist"), std::string::npos);
  Book(third_, when_, &refused);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  GetAvailableSlotsRequest slots;
  slots.set_barber_name(barber_.username);
  slots.set_date(when_.substr(0, 10));
  GetAvailableSlotsResponse free;
  grpc::ClientContext anonymous;
  ASSERT_TRUE(stub_->GetAvailableSlots(&anonymous, slots, &free).ok());
  for (const auto& slot : free.slots()) EXPECT_NE(slot.substr(0, 16), when_);

  ASSERT_NO_FATAL_FAILURE(ClaimsWhen(first_, hold->hold_id()));
  EXPECT_EQ(Scalar("SELECT state FROM slot_holds WHERE id = '" + hold->hold_id() + "'"), "claimed");
}

TEST_F(WaitlistTest, NoOtherBookingComesInsideAHeldTimesBufferSoItsHolderCanClaimIt) {
  // The barber keeps 15 minutes free after each appointment (hours as before).
  SaveBarberRequest save;
  save.set_name(barber_.username);
  for (int day = 1; day <= 6; ++day) {
    auto* hours = save.add_hours();
    hours->set_weekday(day);
    hours->set_opens("09:00");
    hours->set_closes("18:00");
  }
  save.mutable_rules()->set_buffer_minutes(15);
  SaveBarberResponse saved;
  const auto rules = stub_->SaveBarber(Authed(barber_.token).get(), save, &saved);
  ASSERT_TRUE(rules.ok()) << rules.error_message();
  Join(first_);
  Cancel(third_, booked_);
  const auto hold = HoldOf(first_);
  ASSERT_TRUE(hold);
  EXPECT_EQ(Scalar("SELECT buffer_minutes FROM slot_holds WHERE id = '" + hold->hold_id() + "'"), "15");

  // 10:30 starts inside the held time's buffer, and 09:30's buffer reaches into it: both
  // are refused, as they would be beside the booking the claim will make.
  const auto at = [&](const char* time) { return when_.substr(0, 11) + time; };
  for (const auto* time : {"10:30", "09:30"}) {
    grpc::Status refused;
    Book(second_, at(time), &refused);
    EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION) << time;
    EXPECT_NE(refused.error_message().find("held for a customer on the waitlist"), std::string::npos)
        << time << ": " << refused.error_message();
  }
  grpc::Status clear;
  Book(second_, at("11:00"), &clear);
  EXPECT_TRUE(clear.ok()) << clear.error_message();

  ASSERT_NO_FATAL_FAILURE(ClaimsWhen(first_, hold->hold_id()));
}

TEST_F(WaitlistTest, ACustomerWhoCannotBookIsPassedOverInLine) {
  // First in line, deactivated by an admin; second, gone (their account deleted); the
  // third waiting gets the time.
  const auto fourth = NewCustomer(*stub_);
  Join(first_);
  Join(second_);
  Join(fourth);
  SetAccountActiveRequest deactivate;
  deactivate.set_user_id(first_.id);
  deactivate.set_active(false);
  AccountResponse answered;
  const auto admin = NewAdmin(*stub_, core_.database_url());
  const auto deactivated = stub_->SetAccountActive(Authed(admin.token).get(), deactivate, &answered);
  ASSERT_TRUE(deactivated.ok()) << deactivated.error_message();
  DeleteAccountRequest leave;
  leave.set_current_password(second_.password);
  const auto deleted = stub_->DeleteAccount(Authed(second_.token).get(), leave, &answered);
  ASSERT_TRUE(deleted.ok()) << deleted.error_message();
  EXPECT_EQ(Scalar("SELECT string_agg(state, ',') FROM waitlist_entries WHERE client_id = '" + second_.id + "'"),
            "left");

  Cancel(third_, booked_);
  const auto hold = HoldOf(fourth);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->date_time().substr(0, 16), when_);
  EXPECT_EQ(Scalar("SELECT count(*) FROM slot_holds WHERE client_id IN ('" + first_.id + "', '" + second_.id + "')"),
            "0");
  // The deactivated customer still waits: back, they are in line again, in their place.
  EXPECT_EQ(Scalar("SELECT state FROM waitlist_entries WHERE client_id = '" + first_.id + "'"), "waiting");
}

TEST_F(WaitlistTest, AnAppointmentCanceledWithItsCustomersAccountIsOfferedToTheFirstInLine) {
  Join(first_);
  DeleteAccountRequest leave;
  leave.set_current_password(third_.password);
  AccountResponse answered;
  const auto deleted = stub_->DeleteAccount(Authed(third_.token).get(), leave, &answered);
  ASSERT_TRUE(deleted.ok()) << deleted.error_message();
  const auto hold = HoldOf(first_);
  ASSERT_TRUE(hold);
  EXPECT_EQ(hold->date_time().substr(0, 16), when_);
}

// A cancellation whose offers were never made: the copy stopped between its commit and
// them (the appointment's row changed by hand here stands for that commit).  The recheck
// offers the time to the first in line all the same.
TEST_F(WaitlistRecheckTest, ATimeFreedWithoutItsOffersIsOfferedByTheRecheck) {
  Join(first_);
  Join(second_);
  EXPECT_EQ(Scalar("UPDATE appointments SET status = 'canceled' WHERE id = '" + booked_ + "' RETURNING status"),
            "canceled");
  ASSERT_TRUE(Eventually([&] { return HoldOf(first_).has_value(); }, std::chrono::seconds(30)));
  EXPECT_EQ(HoldOf(first_)->date_time().substr(0, 16), when_);
  EXPECT_FALSE(HoldOf(second_)) << "one time, offered once";
}

TEST_F(WaitlistLapseTest, ALapsedHoldGoesToTheSecondInLine) {
  Join(first_);
  Join(second_);
  Cancel(third_, booked_);
  const auto first = HoldOf(first_);
  ASSERT_TRUE(first);
  // The first lets it lapse (a second); the sweep offers it to the second in line.
  ASSERT_TRUE(Eventually([&] { return HoldOf(second_).has_value(); }, std::chrono::seconds(30)));
  EXPECT_EQ(HoldOf(second_)->date_time(), first->date_time());
  ClaimHoldRequest late;
  late.set_hold_id(first->hold_id());
  AppointmentResponse response;
  EXPECT_EQ(stub_->ClaimHold(Authed(first_.token).get(), late, &response).error_code(),
            StatusCode::FAILED_PRECONDITION);
}

TEST_F(WaitlistTest, ThirtyTwoClaimsAndBookingsOfOneHeldTimeMakeOneAppointment) {
  Join(first_);
  Cancel(third_, booked_);
  const auto hold = HoldOf(first_);
  ASSERT_TRUE(hold);
  std::vector<TestUser> others;
  for (int i = 0; i < 16; ++i) others.push_back(NewCustomer(*stub_));
  constexpr int kCalls = 32;
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<std::unique_ptr<UserService::Stub>> stubs;
  for (int i = 0; i < kCalls; ++i) stubs.push_back(core_.NewStub());
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      AppointmentResponse response;
      if (i % 2 == 0) {  // the holder's claims
        ClaimHoldRequest claim;
        claim.set_hold_id(hold->hold_id());
        statuses[i] = stubs[i]->ClaimHold(Authed(first_.token).get(), claim, &response);
      } else {  // everyone else's bookings of the same time
        CreateAppointmentRequest request;
        request.set_barber_name(barber_.username);
        request.set_date_time(when_);
        statuses[i] = stubs[i]->CreateAppointment(Authed(others[i / 2].token).get(), request, &response);
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (int i = 1; i < kCalls; i += 2) EXPECT_FALSE(statuses[i].ok()) << "a booking of the held time went through";
  EXPECT_EQ(Scalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id +
                   "' AND status IN ('pending', 'confirmed')"),
            "1");
  EXPECT_EQ(Scalar("SELECT client_id FROM appointments WHERE barber_id = '" + barber_.id +
                   "' AND status IN ('pending', 'confirmed')"),
            first_.id);
}

}  // namespace
}  // namespace barbershop::core::testing
