#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "app/config.hpp"

namespace barbershop::core::app {
namespace {

TEST(ConfigTest, TheDatabasePoolIsTwiceTheCoresBetweenFourAndSixteen) {
  EXPECT_EQ(DefaultDbPoolSize(0), 4);  // cores unknown
  EXPECT_EQ(DefaultDbPoolSize(1), 4);
  EXPECT_EQ(DefaultDbPoolSize(2), 4);
  EXPECT_EQ(DefaultDbPoolSize(3), 6);
  EXPECT_EQ(DefaultDbPoolSize(8), 16);
  EXPECT_EQ(DefaultDbPoolSize(64), 16);
}

// A copy started with no pool size set gets its machine's default; one that sets it,
// what it set.
TEST(ConfigTest, ThePoolSizeFollowsTheMachineUnlessSet) {
  ::setenv("BARBERSHOP_DATABASE_URL", "postgresql://shop@127.0.0.1:5432/shop", 1);
  ::setenv("BARBERSHOP_AMQP_URL", kNoBroker, 1);
  ::unsetenv("BARBERSHOP_DB_POOL_SIZE");
  char program[] = "barbershop-core";
  char* plain[] = {program, nullptr};
  EXPECT_EQ(ParseCoreConfig(1, plain).db_pool_size, DefaultDbPoolSize(std::thread::hardware_concurrency()));
  char flag[] = "--db-pool-size=24";
  char* set[] = {program, flag, nullptr};
  EXPECT_EQ(ParseCoreConfig(2, set).db_pool_size, 24);
  ::unsetenv("BARBERSHOP_DATABASE_URL");
  ::unsetenv("BARBERSHOP_AMQP_URL");
}

}  // namespace
}  // namespace barbershop::core::app
