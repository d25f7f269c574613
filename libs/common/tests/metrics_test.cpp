#include "barbershop/common/metrics.hpp"

#include <gtest/gtest.h>

namespace barbershop::common {
namespace {

TEST(MetricsRegistryTest, RendersCountersWithEscapedLabels) {
  MetricsRegistry registry;
  registry.GetCounter("calls_total", "Calls.", {{"method", "A\"b"}, {"code", "OK"}}).Inc();
  registry.GetCounter("calls_total", "Calls.", {{"method", "A\"b"}, {"code", "OK"}}).Inc(2);
  const auto text = registry.Render();
  EXPECT_NE(text.find("# TYPE calls_total counter"), std::string::npos);
  EXPECT_NE(text.find("calls_total{method=\"A\\\"b\",code=\"OK\"} 3"), std::string::npos) << text;
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulative) {
  MetricsRegistry registry;
  auto& h = registry.GetHistogram("latency_seconds", "Latency.", {{"method", "M"}});
  h.Observe(0.0004);
  h.Observe(0.003);
  h.Observe(100);
  const auto text = registry.Render();
  EXPECT_NE(text.find("latency_seconds_bucket{method=\"M\",le=\"0.0005\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{method=\"M\",le=\"0.005\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{method=\"M\",le=\"+Inf\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count{method=\"M\"} 3"), std::string::npos) << text;
}

TEST(MetricsRegistryTest, CallbackGaugeIsReadAtRender) {
  MetricsRegistry registry;
  int in_use = 3;
  registry.AddCallbackGauge("pool_in_use", "In use.", [&] { return in_use; });
  in_use = 5;
  EXPECT_NE(registry.Render().find("pool_in_use 5"), std::string::npos);
}

}  // namespace
}  // namespace barbershop::common
