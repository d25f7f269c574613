#include <gtest/gtest.h>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using grpc::StatusCode;

class HistoryTest : public ::testing::Test {
 protected:
  HistoryTest()
      : stub_(TestCore::Get().NewStub()),
        barber_(NewBarber(*stub_)),
        client_(NewCustomer(*stub_)),
        admin_(NewAdmin(*stub_)) {}

  std::string Booked(const std::string& at) { return BookAs(*stub_, client_, barber_, at).appointment_id(); }
  grpc::Status History(const TestUser& as, const std::string& id, AppointmentHistoryResponse* out) {
    GetAppointmentHistoryRequest request;
    request.set_appointment_id(id);
    return stub_->GetAppointmentHistory(Authed(as.token).get(), request, out);
  }
  std::string Rows(const std::string& id) {
    return QueryScalar("SELECT count(*) FROM appointment_history WHERE appointment_id = '" + id + "'");
  }

  std::unique_ptr<UserService::Stub> stub_;
  TestUser barber_;
  TestUser client_;
  TestUser admin_;
};

TEST_F(HistoryTest, EveryChangeIsKeptWithWhoWhenAndTheStatusAndTimeBeforeAndAfter) {
  const std::string first = Slot(2, 10, 0);
  const std::string second = Slot(2, 11, 0);
  const auto id = Booked(first);
  AppointmentResponse response;
  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(id);
  ASSERT_TRUE(stub_->ConfirmAppointment(Authed(barber_.token).get(), confirm, &response).ok());
  ModifyAppointmentRequest move;
  move.set_appointment_id(id);
  move.set_date_time(second);
  ASSERT_TRUE(stub_->ModifyAppointment(Authed(client_.token).get(), move, &response).ok());
  // A refused change leaves no row: a move onto another client's booking.
  const auto other = NewCustomer(*stub_);
  CreateAppointmentRequest taken;
  taken.set_barber_name(barber_.username);
  taken.set_date_time(Slot(2, 12, 0));
  ASSERT_TRUE(stub_->CreateAppointment(Authed(other.token).get(), taken, &response).ok());
  move.set_date_time(Slot(2, 12, 0));
  EXPECT_EQ(stub_->ModifyAppointment(Authed(client_.token).get(), move, &response).error_code(),
            StatusCode::ALREADY_EXISTS);
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  ASSERT_TRUE(stub_->CancelAppointment(Authed(admin_.token).get(), cancel, &response).ok());

  AppointmentHistoryResponse history;
  ASSERT_TRUE(History(client_, id, &history).ok());
  ASSERT_EQ(history.changes_size(), 4);
  const auto& created = history.changes(0);
  EXPECT_EQ(created.change(), "created");
  EXPECT_EQ(created.actor_id(), client_.id);
  EXPECT_EQ(created.actor_name(), client_.username);
  EXPECT_EQ(created.actor_role(), "customer");
  EXPECT_EQ(created.from_status(), "");
  EXPECT_EQ(created.from_date_time(), "");
  EXPECT_EQ(created.to_status(), "pending");
  EXPECT_EQ(created.to_date_time().substr(0, 16), first);
  EXPECT_FALSE(created.at().empty());

  const auto& confirmed = history.changes(1);
  EXPECT_EQ(confirmed.change(), "confirmed");
  EXPECT_EQ(confirmed.actor_id(), barber_.id);
  EXPECT_EQ(confirmed.actor_role(), "barber");
  EXPECT_EQ(confirmed.from_status(), "pending");
  EXPECT_EQ(confirmed.to_status(), "confirmed");
  EXPECT_EQ(confirmed.from_date_time(), confirmed.to_date_time());

  const auto& moved = history.changes(2);
  EXPECT_EQ(moved.change(), "modified");
  EXPECT_EQ(moved.actor_id(), client_.id);
  EXPECT_EQ(moved.from_status(), "confirmed");
  EXPECT_EQ(moved.to_status(), "pending");  // a client's move waits for the barber again
  EXPECT_EQ(moved.from_date_time().substr(0, 16), first);
  EXPECT_EQ(moved.to_date_time().substr(0, 16), second);
  EXPECT_EQ(moved.from_end_time().substr(11, 5), "10:30");
  EXPECT_EQ(moved.to_end_time().substr(11, 5), "11:30");

  const auto& canceled = history.changes(3);
  EXPECT_EQ(canceled.change(), "canceled");
  EXPECT_EQ(canceled.actor_id(), admin_.id);
  EXPECT_EQ(canceled.actor_role(), "admin");
  EXPECT_EQ(canceled.from_status(), "pending");
  EXPECT_EQ(canceled.to_status(), "canceled");
  EXPECT_LE(created.at(), canceled.at());
}

TEST_F(HistoryTest, ThePartiesAndAdminsReadItAndNobodyElse) {
  const auto id = Booked(Slot(3, 10, 0));
  AppointmentHistoryResponse history;
  EXPECT_TRUE(History(barber_, id, &history).ok());
  EXPECT_TRUE(History(admin_, id, &history).ok());
  EXPECT_EQ(History(NewCustomer(*stub_), id, &history).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(History(NewBarber(*stub_), id, &history).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(History(TestUser{}, id, &history).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(History(client_, "not-an-id", &history).error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(History(client_, "00000000-0000-4000-8000-000000000000", &history).error_code(), StatusCode::NOT_FOUND);
}

// The history is a table of its own: the outbox's pruning of sent events leaves it whole.
TEST_F(HistoryTest, ItOutlivesTheOutbox) {
  const auto id = Booked(Slot(4, 10, 0));
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  AppointmentResponse response;
  ASSERT_TRUE(stub_->CancelAppointment(Authed(client_.token).get(), cancel, &response).ok());
  EXPECT_EQ(Rows(id), "2");
  EXPECT_EQ(QueryScalar("WITH pruned AS (DELETE FROM outbox WHERE aggregate_id = '" + id +
                        "' RETURNING 1) SELECT count(*) FROM pruned"),
            "2");
  AppointmentHistoryResponse history;
  ASSERT_TRUE(History(client_, id, &history).ok());
  ASSERT_EQ(history.changes_size(), 2);
  EXPECT_EQ(history.changes(1).change(), "canceled");
}

}  // namespace
}  // namespace barbershop::core::testing
