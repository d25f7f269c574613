#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "storage/pg_appointments.hpp"
#include "storage/statements.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

// PostgreSQL plans a prepared statement for each call's values five times before it
// weighs a shared plan, and keeps planning afresh whenever skewed data makes the shared
// plan look dearer.  The lists are the hottest reads, and planning their joins costs more
// than running them, so each connection plans them once.
TEST(StatementsTest, ListsArePlannedOnceForAllTheirValues) {
  auto stub = TestCore::Get().NewStub();
  const auto barber = NewBarber(*stub);
  const auto client = NewCustomer(*stub);
  storage::Database db(TestCore::Get().database_url());
  storage::PgAppointmentRepository appointments(db);
  constexpr int kCalls = 8;
  const domain::TimeRange range{common::TimePoint{}, common::TimePoint{std::chrono::hours(24 * 365 * 100)}};
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(appointments.ListForClient(client.id, range));
    ASSERT_TRUE(appointments.ListForBarber(barber.id, range));
  }

  pqxx::nontransaction tx(db.Connection());
  const auto rows = tx.exec_params(
      "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name IN ($1, $2) ORDER BY name",
      storage::stmt::kAppointmentsOfBarber, storage::stmt::kAppointmentsOfClient);
  ASSERT_EQ(rows.size(), 2U);
  for (const auto& row : rows) {
    EXPECT_EQ(row[1].as<int>(), kCalls) << row[0].c_str();
    EXPECT_EQ(row[2].as<int>(), 0) << row[0].c_str();
  }
}

}  // namespace
}  // namespace barbershop::core::testing
