// Per-call costs on the request path: token checks, time parsing, event payloads.
#include <benchmark/benchmark.h>

#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"

namespace {

using namespace barbershop;

void BM_TokenVerify(benchmark::State& state) {
  common::SystemClock clock;
  const auto tokens = common::TokenService::Create(std::string(40, 'k'), std::chrono::hours(1), clock).value();
  const auto token = tokens.Issue("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", "customer").value();
  for (auto _ : state) benchmark::DoNotOptimize(tokens.Verify(token));
}
BENCHMARK(BM_TokenVerify);

void BM_ParseLocalTime(benchmark::State& state) {
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  for (auto _ : state) benchmark::DoNotOptimize(shop.Parse("2026-12-07T10:30"));
}
BENCHMARK(BM_ParseLocalTime);

void BM_FormatTime(benchmark::State& state) {
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto t = shop.Parse("2026-12-07T10:30").value();
  for (auto _ : state) benchmark::DoNotOptimize(shop.Format(t));
}
BENCHMARK(BM_FormatTime);

}  // namespace
