// Per-call costs on the request path: token checks, time parsing, event payloads.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"

namespace {

using namespace barbershop;

// A token seen before: every call after a client's first.
void BM_TokenVerify(benchmark::State& state) {
  common::SystemClock clock;
  const auto tokens = common::TokenService::Create(std::string(40, 'k'), std::chrono::hours(1), clock).value();
  const auto token = tokens.Issue("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", "customer").value();
  for (auto _ : state) benchmark::DoNotOptimize(tokens.Verify(token));
}
BENCHMARK(BM_TokenVerify);

// A client's first call: the signature and claims are checked.
void BM_TokenVerifyFirstSeen(benchmark::State& state) {
  common::SystemClock clock;
  const auto issuer = common::TokenService::Create(std::string(40, 'k'), std::chrono::hours(1), clock).value();
  std::vector<std::string> issued;
  for (int i = 0; i < 1000; ++i) {
    issued.push_back(issuer.Issue("3f2b9c1e-8d4a-4b6f-9e2d-" + std::to_string(100000000000 + i), "customer").value());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    // A fresh service each round forgets what it saw; its creation is not timed.
    state.PauseTiming();
    const auto tokens = common::TokenService::Create(std::string(40, 'k'), std::chrono::hours(1), clock).value();
    state.ResumeTiming();
    benchmark::DoNotOptimize(tokens.Verify(issued[next++ % issued.size()]));
  }
}
BENCHMARK(BM_TokenVerifyFirstSeen);

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
