// Per-call costs on the request path: token checks, time parsing, event payloads.
#include <benchmark/benchmark.h>
#include <jwt.h>

#include <string>
#include <vector>

#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/testing/token_keys.hpp"

namespace {

using namespace barbershop;

constexpr const char* kUserId = "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01";

const testing::KeyPair& Keys() {
  static const auto keys = testing::NewEcKeyPair();
  return keys;
}

common::TokenVerifier Verifier(const common::Clock& clock) {
  return common::TokenVerifier::Create({{"bench", Keys().public_pem}}, clock).value();
}

/// Tokens of as many users, for checks that must not be answered from memory.
std::vector<std::string> ManyTokens(const common::Clock& clock) {
  const auto signer = common::TokenSigner::Create(Keys().private_pem, "bench", std::chrono::hours(1), clock).value();
  std::vector<std::string> issued;
  for (int i = 0; i < 1000; ++i) {
    issued.push_back(
        signer.Issue("3f2b9c1e-8d4a-4b6f-9e2d-" + std::to_string(100000000000 + i), "customer", "bench-session")
            .value());
  }
  return issued;
}

// A token seen before: every call after a client's first.
void BM_TokenVerifyCached(benchmark::State& state) {
  common::SystemClock clock;
  const auto tokens = Verifier(clock);
  const auto token = ManyTokens(clock).front();
  for (auto _ : state) benchmark::DoNotOptimize(tokens.Verify(token));
}
BENCHMARK(BM_TokenVerifyCached);

// A client's first call: the header, the ES256 signature and the claims are checked.
void BM_TokenVerifyEs256Uncached(benchmark::State& state) {
  common::SystemClock clock;
  const auto issued = ManyTokens(clock);
  std::size_t next = 0;
  for (auto _ : state) {
    // A fresh verifier each round forgets what it saw; its creation is not timed.
    state.PauseTiming();
    const auto tokens = Verifier(clock);
    state.ResumeTiming();
    benchmark::DoNotOptimize(tokens.Verify(issued[next++ % issued.size()]));
  }
}
BENCHMARK(BM_TokenVerifyEs256Uncached);

// For comparison, what an HS256 token with a shared secret cost to check: libjwt's
// decode alone, without the checks of the claims.
void BM_TokenVerifyHs256Uncached(benchmark::State& state) {
  const std::string secret(48, 'k');
  const auto token = testing::SignRawToken("HS256", secret, "",
                                           testing::TokenPayload(kUserId, "customer", common::SystemClock().Now()));
  for (auto _ : state) {
    jwt_t* jwt = nullptr;
    benchmark::DoNotOptimize(jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                                        static_cast<int>(secret.size())));
    jwt_free(jwt);
  }
}
BENCHMARK(BM_TokenVerifyHs256Uncached);

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
