#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

/// A barber's booking rules through the API: saved with SaveBarber, shown by
/// ListBarbers, followed by GetAvailableSlots, and refused by name when broken.
class BookingRulesTest : public ::testing::Test {
 protected:
  BookingRulesTest() : stub_(TestCore::Get().NewStub()), barber_(NewBarber(*stub_)), client_(NewCustomer(*stub_)) {}

  /// Saves the barber's own chair (Monday to Saturday 09:00-18:00, or round the clock)
  /// with `rules` when given.
  grpc::Status SaveRules(const std::optional<BookingRules>& rules, bool around_the_clock = false,
                         SaveBarberResponse* out = nullptr) {
    SaveBarberRequest request;
    request.set_name(barber_.username);
    for (int day = 1; day <= (around_the_clock ? 7 : 6); ++day) {
      auto* h = request.add_hours();
      h->set_weekday(day);
      h->set_opens(around_the_clock ? "00:00" : "09:00");
      h->set_closes(around_the_clock ? "24:00" : "18:00");
    }
    if (rules) *request.mutable_rules() = *rules;
    SaveBarberResponse ignored;
    return stub_->SaveBarber(Authed(barber_.token).get(), request, out ? out : &ignored);
  }
  grpc::Status Book(const TestUser& client, const std::string& at, std::string* id = nullptr) {
    CreateAppointmentRequest request;
    request.set_barber_name(barber_.username);
    request.set_date_time(at);
    AppointmentResponse response;
    auto status = stub_->CreateAppointment(Authed(client.token).get(), request, &response);
    if (id) *id = response.appointment_id();
    return status;
  }
  std::vector<std::string> Slots(const std::string& day) {
    GetAvailableSlotsRequest request;
    request.set_barber_name(barber_.username);
    request.set_date(day);
    GetAvailableSlotsResponse response;
    EXPECT_TRUE(stub_->GetAvailableSlots(Authed("").get(), request, &response).ok());
    std::vector<std::string> out;
    for (const auto& slot : response.slots()) out.push_back(slot.substr(11, 5));
    return out;
  }
  /// The barber as ListBarbers shows them.
  Barber Listed() {
    ListBarbersResponse barbers;
    EXPECT_TRUE(stub_->ListBarbers(Authed("").get(), {}, &barbers).ok());
    for (const auto& b : barbers.barbers()) {
      if (b.barber_id() == barber_.id) return b;
    }
    ADD_FAILURE() << "not listed";
    return {};
  }
  /// The shop's wall clock `ahead` from now, on the half hour after it, with its offset.
  static std::string HalfHourAfter(std::chrono::seconds ahead) {
    const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
    const auto at = common::SystemClock().Now() + ahead;
    const auto local = shop.ToLocal(at);
    return shop.Format(shop.AtLocalMinute(local, (local.minute_of_day / 30 + 1) * 30));
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser barber_;
  TestUser client_;
};

::testing::AssertionResult Refused(const grpc::Status& status, StatusCode code, const std::string& says) {
  if (status.ok()) return ::testing::AssertionFailure() << "it succeeded";
  if (status.error_code() != code || status.error_message().find(says) == std::string::npos) {
    return ::testing::AssertionFailure() << status.error_code() << ": " << status.error_message();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(BookingRulesTest, RulesAreSavedShownAndKeptWhenASaveLeavesThemOut) {
  // Unset, a barber follows the shop's rules.
  EXPECT_EQ(Listed().rules().grid_minutes(), 30);
  EXPECT_EQ(Listed().rules().horizon_days(), 366);
  BookingRules rules;
  rules.set_buffer_minutes(10);
  rules.set_grid_minutes(15);
  rules.set_min_notice_minutes(60);
  rules.set_horizon_days(60);
  rules.set_cancel_notice_minutes(24 * 60);
  SaveBarberResponse saved;
  ASSERT_TRUE(SaveRules(rules, false, &saved).ok());
  EXPECT_EQ(saved.barber().rules().buffer_minutes(), 10);
  EXPECT_EQ(saved.barber().rules().cancel_notice_minutes(), 24 * 60);
  ASSERT_TRUE(SaveRules(std::nullopt).ok());
  EXPECT_EQ(Listed().rules().grid_minutes(), 15);
  EXPECT_EQ(Listed().rules().horizon_days(), 60);
  // A rule left out of a given set goes back to the shop's.
  BookingRules only_grid;
  only_grid.set_grid_minutes(20);
  ASSERT_TRUE(SaveRules(only_grid).ok());
  EXPECT_EQ(Listed().rules().grid_minutes(), 20);
  EXPECT_EQ(Listed().rules().buffer_minutes(), 0);
  EXPECT_EQ(Listed().rules().horizon_days(), 366);

  BookingRules bad;
  bad.set_grid_minutes(7);
  EXPECT_TRUE(Refused(SaveRules(bad), StatusCode::INVALID_ARGUMENT, "grid_minutes must be 5 to 240, a multiple of 5"));
  bad.Clear();
  bad.set_horizon_days(0);
  EXPECT_TRUE(Refused(SaveRules(bad), StatusCode::INVALID_ARGUMENT, "horizon_days"));
  EXPECT_EQ(Listed().rules().grid_minutes(), 20);
}

TEST_F(BookingRulesTest, EachRuleRefusesWhatTheSlotsLeaveOutAndOverlapStaysAlreadyExists) {
  BookingRules rules;
  rules.set_buffer_minutes(15);
  rules.set_grid_minutes(15);
  ASSERT_TRUE(SaveRules(rules).ok());
  const std::string day = Slot(3, 0, 0).substr(0, 10);
  const auto at = [&](const char* time) { return day + "T" + time; };
  EXPECT_TRUE(Refused(Book(client_, at("10:10")), StatusCode::FAILED_PRECONDITION,
                      "off the grid: " + barber_.username + "'s appointments start every 15 minutes from 09:00"));
  ASSERT_TRUE(Book(client_, at("10:00")).ok());
  const auto other = NewCustomer(*stub_);
  EXPECT_TRUE(Refused(Book(other, at("10:30")), StatusCode::FAILED_PRECONDITION,
                      "inside the buffer: " + barber_.username + " keeps time free after each appointment"));
  EXPECT_TRUE(Refused(Book(other, at("09:30")), StatusCode::FAILED_PRECONDITION, "inside the buffer"));
  EXPECT_TRUE(Refused(Book(other, at("10:15")), StatusCode::ALREADY_EXISTS, "that slot is already booked"));
  const auto slots = Slots(day);
  EXPECT_EQ(std::vector<std::string>(slots.begin(), slots.begin() + 4),
            (std::vector<std::string>{"09:00", "09:15", "10:45", "11:00"}));
  EXPECT_TRUE(Book(other, at("10:45")).ok());

  // Notice and horizon.
  rules.set_min_notice_minutes(30 * 24 * 60);
  ASSERT_TRUE(SaveRules(rules).ok());
  EXPECT_TRUE(Refused(Book(other, at("14:00")), StatusCode::FAILED_PRECONDITION,
                      "too soon: " + barber_.username + " takes bookings at least 30 days ahead"));
  EXPECT_TRUE(Slots(day).empty());
  rules.set_min_notice_minutes(0);
  rules.set_horizon_days(3);
  ASSERT_TRUE(SaveRules(rules).ok());
  const std::string later = Slot(3, 14, 0, 2);
  EXPECT_TRUE(Refused(Book(other, later), StatusCode::FAILED_PRECONDITION,
                      "too far ahead: bookings open at most 3 days ahead"));
  EXPECT_TRUE(Slots(later.substr(0, 10)).empty());
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'"), "2");
}

TEST_F(BookingRulesTest, ACustomerCannotCancelOrMoveWithinTheNoticeButTheBarberCan) {
  BookingRules rules;
  rules.set_cancel_notice_minutes(7 * 24 * 60);
  ASSERT_TRUE(SaveRules(rules, /*around_the_clock=*/true).ok());
  std::string id;
  ASSERT_TRUE(Book(client_, HalfHourAfter(std::chrono::hours(72)), &id).ok());
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  AppointmentResponse response;
  EXPECT_TRUE(Refused(
      stub_->CancelAppointment(Authed(client_.token).get(), cancel, &response), StatusCode::FAILED_PRECONDITION,
      "too late to cancel: an appointment can be canceled up to 7 days before it starts; ask " + barber_.username));
  ModifyAppointmentRequest move;
  move.set_appointment_id(id);
  move.set_date_time(HalfHourAfter(std::chrono::hours(96)));
  EXPECT_TRUE(Refused(stub_->ModifyAppointment(Authed(client_.token).get(), move, &response),
                      StatusCode::FAILED_PRECONDITION, "too late to cancel: an appointment can be moved"));
  EXPECT_TRUE(stub_->ModifyAppointment(Authed(barber_.token).get(), move, &response).ok());
  EXPECT_TRUE(stub_->CancelAppointment(Authed(barber_.token).get(), cancel, &response).ok());
  EXPECT_EQ(response.appointment().status(), "canceled");
}

TEST_F(BookingRulesTest, HoursRoundTheClockAreBookedAcrossMidnight) {
  BookingRules rules;
  rules.set_grid_minutes(15);
  ASSERT_TRUE(SaveRules(rules, /*around_the_clock=*/true).ok());
  // 23:45 for 30 minutes runs into the next day's hours.
  const std::string late = Slot(5, 23, 45);
  std::string id;
  ASSERT_TRUE(Book(client_, late, &id).ok());
  EXPECT_EQ(Slots(late.substr(0, 10)).back(), "23:15");
  // An hour from now, whatever the hour.
  const auto other = NewCustomer(*stub_);
  EXPECT_TRUE(Book(other, HalfHourAfter(std::chrono::hours(1))).ok());
}

TEST_F(BookingRulesTest, TheDatabaseKeepsTheLongestBufferToItsMinuteWhoeverWritesTheRow) {
  // Rows written straight into the database, as an operator's SQL would: only migration
  // 012's trigger stands between them.  A buffer is at most 4 hours, and the longest
  // keeps the barber free to its minute, after an earlier appointment and before a later
  // one alike.
  pqxx::connection connection(TestCore::Get().database_url());
  const auto insert = [&](const std::string& starts, const std::string& ends, int buffer) -> std::string {
    try {
      pqxx::work tx(connection);
      tx.exec_params(
          "INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, barber_name, "
          "client_name, buffer_minutes) VALUES (gen_random_uuid(), $1, $2, $3, $4, 'confirmed', $5, $6, $7)",
          barber_.id, client_.id, starts, ends, barber_.username, client_.username, buffer);
      tx.commit();
      return "made";
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
  };
  ASSERT_EQ(insert("2031-03-04 10:00+00", "2031-03-04 10:30+00", 240), "made");
  EXPECT_EQ(insert("2031-03-04 14:29+00", "2031-03-04 14:59+00", 0), "BB004") << "a minute inside its buffer";
  EXPECT_EQ(insert("2031-03-04 14:30+00", "2031-03-04 15:00+00", 0), "made") << "as its buffer ends";
  EXPECT_EQ(insert("2031-03-04 05:32+00", "2031-03-04 06:01+00", 240), "BB004") << "its own buffer a minute too long";
  EXPECT_EQ(insert("2031-03-04 05:30+00", "2031-03-04 06:00+00", 240), "made") << "its own buffer ends as 10:00 starts";
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'"), "3");
}

// Bookings that each keep clear of the others' times but not of their buffers race: the
// database lets exactly one of them in.
TEST_F(BookingRulesTest, RacingBookingsInsideEachOthersBuffersMakeExactlyOneAppointment) {
  BookingRules rules;
  rules.set_buffer_minutes(90);
  rules.set_grid_minutes(15);
  ASSERT_TRUE(SaveRules(rules).ok());
  const std::string day = Slot(2, 0, 0).substr(0, 10);
  constexpr int kCalls = 16;
  std::vector<TestUser> clients;
  std::vector<std::unique_ptr<UserService::Stub>> stubs;
  for (int i = 0; i < kCalls; ++i) {
    clients.push_back(NewCustomer(*stub_));
    stubs.push_back(TestCore::Get().NewStub());
    grpc::ClientContext warm;
    ListBarbersResponse ignored;
    (void)stubs.back()->ListBarbers(&warm, {}, &ignored);
  }
  // 10:00, 10:30, 11:00 and 11:30, four times each: none overlaps another time, and each
  // starts within the hour and a half after another's end.
  std::vector<grpc::Status> statuses(kCalls);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      CreateAppointmentRequest request;
      request.set_barber_name(barber_.username);
      char time[16];
      std::snprintf(time, sizeof time, "%02d:%02d", 10 + (i % 4) / 2, (i % 2) * 30);
      request.set_date_time(day + "T" + time);
      AppointmentResponse response;
      while (!go.load()) std::this_thread::yield();
      statuses[i] = stubs[i]->CreateAppointment(Authed(clients[i].token).get(), request, &response);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& s : statuses) {
    if (s.ok()) {
      ++ok;
    } else {
      EXPECT_TRUE(s.error_code() == StatusCode::ALREADY_EXISTS ||
                  (s.error_code() == StatusCode::FAILED_PRECONDITION &&
                   s.error_message().find("inside the buffer") != std::string::npos))
          << s.error_code() << " " << s.error_message();
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM appointments WHERE barber_id = '" + barber_.id + "'"), "1");
}

}  // namespace
}  // namespace barbershop::core::testing
