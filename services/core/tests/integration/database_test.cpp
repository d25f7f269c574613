// A connection that PostgreSQL ends: found before use while it is idle, and, when it
// breaks under a statement, the work runs again only where it cannot change anything
// twice.  Each test ends only its own session of the shared test database.
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <poll.h>

#include "storage/database.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using storage::Access;

int BackendPid(storage::Database& db) {
  pqxx::nontransaction tx(db.Connection());
  return tx.exec("SELECT pg_backend_pid()")[0][0].as<int>();
}

// Ends the session from outside, as a restart or an administrator does, and waits until
// the server has closed its end of the connection.
void EndSession(int pid, int socket) {
  QueryScalar("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
  pollfd closed{socket, POLLRDHUP, 0};
  ASSERT_EQ(poll(&closed, 1, 10'000), 1) << "the server did not close the session";
}

// A statement that makes the server end the session running it.
void EndOwnSession(pqxx::transaction_base& tx) { tx.exec("SELECT pg_terminate_backend(pg_backend_pid())"); }

TEST(DatabaseTest, ASessionEndedWhileIdleIsReplacedBeforeTheNextStatement) {
  common::Counter reconnects;
  storage::Database db(TestCore::Get().database_url(), &reconnects);
  const int before = BackendPid(db);
  EndSession(before, db.Connection().sock());

  int after = 0;
  EXPECT_NO_THROW(after = BackendPid(db));
  EXPECT_NE(after, before);
  EXPECT_EQ(reconnects.Value(), 1);
}

TEST(DatabaseTest, AReadCutOffRunsAgainOnANewConnection) {
  common::Counter reconnects;
  storage::Database db(TestCore::Get().database_url(), &reconnects);
  db.BeginWork();
  int runs = 0;
  const auto read = storage::Guarded<int>(db, Access::kRead, "test read", [&]() -> common::Result<int> {
    pqxx::nontransaction tx(db.Connection());
    if (++runs == 1) EndOwnSession(tx);
    return tx.exec("SELECT 7")[0][0].as<int>();
  });
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, 7);
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(db.ChangeInDoubt());
  EXPECT_EQ(reconnects.Value(), 1);
}

TEST(DatabaseTest, ATransactionCutOffBeforeItsCommitRunsAgain) {
  storage::Database db(TestCore::Get().database_url());
  db.BeginWork();
  int runs = 0;
  const auto changed =
      storage::Guarded<int>(db, Access::kTransaction, "test transaction", [&]() -> common::Result<int> {
        pqxx::work tx(db.Connection());
        if (++runs == 1) EndOwnSession(tx);
        const int value = tx.exec("SELECT 8")[0][0].as<int>();
        tx.commit();
        return value;
      });
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(db.ChangeInDoubt());
}

TEST(DatabaseTest, AChangeCutOffIsInDoubtAndNotRunAgain) {
  storage::Database db(TestCore::Get().database_url());
  db.BeginWork();
  int runs = 0;
  const auto changed = storage::Guarded<int>(db, Access::kWrite, "test write", [&]() -> common::Result<int> {
    ++runs;
    pqxx::nontransaction tx(db.Connection());
    EndOwnSession(tx);
    return 0;
  });
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error().code, common::ErrorCode::kUnavailable);
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(db.ChangeInDoubt());

  // The next unit of work starts with nothing in doubt, on a new connection.
  db.BeginWork();
  EXPECT_FALSE(db.ChangeInDoubt());
  EXPECT_NO_THROW(BackendPid(db));
}

}  // namespace
}  // namespace barbershop::core::testing
