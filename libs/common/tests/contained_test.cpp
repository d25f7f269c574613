#include "barbershop/common/contained.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace barbershop::common {
namespace {

TEST(ContainedTest, AThrowIsStoppedLoggedAndCounted) {
  MetricsRegistry metrics;
  auto& failures = UnhandledErrors(metrics, "test job");
  int ran = 0;
  EXPECT_TRUE(RunContained("test job", &failures, [&] { ++ran; }));
  EXPECT_FALSE(RunContained("test job", &failures, [] { throw std::runtime_error("boom"); }));
  EXPECT_FALSE(RunContained("test job", &failures, [] { throw 42; }));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(failures.Value(), 2.0);
  EXPECT_NE(metrics.Render().find(R"(unhandled_errors_total{where="test job"} 2)"), std::string::npos);
}

TEST(ContainedTest, ALoopThatThrowsRunsAgainUntilItReturns) {
  Counter failures;
  int runs = 0;
  RunRestarting("test loop", &failures, [&] {
    if (++runs < 3) throw std::runtime_error("once more");
  });
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(failures.Value(), 2.0);
}

}  // namespace
}  // namespace barbershop::common
