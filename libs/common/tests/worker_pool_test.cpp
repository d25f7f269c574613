#include "barbershop/common/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <vector>

namespace barbershop::common {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnItsWorkers) {
  WorkerPool pool(3, 1000);
  std::mutex mutex;
  std::set<std::size_t> workers;
  std::atomic<int> ran{0};
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(pool.Submit([&](std::size_t worker) {
      {
        const std::lock_guard lock(mutex);
        workers.insert(worker);
      }
      ++ran;
    }));
  }
  pool.Stop();
  EXPECT_EQ(ran.load(), 300);
  for (const auto worker : workers) EXPECT_LT(worker, 3u);
}

TEST(WorkerPoolTest, RefusesWhenTheQueueIsFullAndAfterStop) {
  WorkerPool pool(1, 2);
  std::promise<void> release;
  std::promise<void> started;
  auto gate = release.get_future().share();
  ASSERT_TRUE(pool.Submit([&started, gate](std::size_t) {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the only worker is busy
  EXPECT_TRUE(pool.Submit([](std::size_t) {}));
  EXPECT_TRUE(pool.Submit([](std::size_t) {}));
  EXPECT_FALSE(pool.Submit([](std::size_t) {})) << "two wait already";
  EXPECT_EQ(pool.busy(), 1u);
  release.set_value();
  pool.Stop();
  EXPECT_FALSE(pool.Submit([](std::size_t) {}));
}

TEST(WorkerPoolTest, StopRunsWhatWasQueuedAndSurvivesAThrowingTask) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(1, 100);
    ASSERT_TRUE(pool.Submit([](std::size_t) { throw std::runtime_error("a task failed"); }));
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.Submit([&ran](std::size_t) { ++ran; }));
  }  // the destructor stops the pool
  EXPECT_EQ(ran.load(), 50);
}

}  // namespace
}  // namespace barbershop::common
