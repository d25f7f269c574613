#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <future>

#include "storage/migrations.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

// A fresh database next to the test database, dropped at the end.
class ScratchDatabase {
 public:
  ScratchDatabase() : name_("migrate_" + Unique()) {
    Admin("CREATE DATABASE " + name_);
    const auto& base = TestCore::Get().database_url();
    url_ = base.substr(0, base.rfind('/') + 1) + name_;
  }
  ~ScratchDatabase() { Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  const std::string& url() const { return url_; }

 private:
  static void Admin(const std::string& sql) {
    pqxx::connection connection(TestCore::Get().database_url());
    pqxx::nontransaction tx(connection);
    tx.exec(sql);
  }
  std::string name_;
  std::string url_;
};

TEST(MigrationsTest, TwoReplicasStartingTogetherApplyEachMigrationOnce) {
  ScratchDatabase db;
  const auto& migrations = storage::BundledMigrations();
  ASSERT_FALSE(migrations.empty());
  auto first = std::async(std::launch::async, [&] { return storage::ApplyMigrations(db.url(), migrations); });
  auto second = std::async(std::launch::async, [&] { return storage::ApplyMigrations(db.url(), migrations); });
  const auto a = first.get();
  const auto b = second.get();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*a + *b, static_cast<int>(migrations.size()));

  pqxx::connection connection(db.url());
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_migrations")[0][0].as<int>(), static_cast<int>(migrations.size()));
  // Running again applies nothing.
  const auto again = storage::ApplyMigrations(db.url(), migrations);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TEST(MigrationsTest, AFailingMigrationLeavesNoTrace) {
  ScratchDatabase db;
  std::vector<storage::Migration> migrations = storage::BundledMigrations();
  migrations.push_back({999, "999_broken", "CREATE TABLE half_done (id int); SELECT no_such_function();"});
  const auto result = storage::ApplyMigrations(db.url(), migrations);
  ASSERT_FALSE(result);
  pqxx::connection connection(db.url());
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_migrations WHERE version = 999")[0][0].as<int>(), 0);
  EXPECT_EQ(tx.exec("SELECT to_regclass('half_done') IS NULL")[0][0].as<bool>(), true);
  // The earlier ones did land.
  EXPECT_GT(tx.exec("SELECT count(*) FROM schema_migrations")[0][0].as<int>(), 0);
}

}  // namespace
}  // namespace barbershop::core::testing
