#include "barbershop/common/stop_flag.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace barbershop::common {
namespace {

TEST(StopFlagTest, AWaitEndsWhenStoppedNotWhenItsDelayRunsOut) {
  StopFlag flag;
  EXPECT_FALSE(flag.stopped());
  EXPECT_FALSE(flag.WaitFor(std::chrono::milliseconds(1))) << "not stopped: the delay ran out";
  bool stopped_while_waiting = false;
  std::thread waiter([&] { stopped_while_waiting = flag.WaitFor(std::chrono::hours(24)); });
  flag.Stop();
  waiter.join();  // a day's pause, ended by Stop
  EXPECT_TRUE(stopped_while_waiting);
  EXPECT_TRUE(flag.stopped());
  EXPECT_TRUE(static_cast<bool>(flag));
  EXPECT_TRUE(flag.WaitFor(std::chrono::hours(24))) << "once stopped, a wait returns at once";
}

}  // namespace
}  // namespace barbershop::common
