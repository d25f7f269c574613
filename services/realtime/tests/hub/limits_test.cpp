#include "hub/limits.hpp"

#include <gtest/gtest.h>

namespace barbershop::realtime::hub {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucketTest, ABurstThenTheRate) {
  const TokenBucket::Clock::time_point start{};
  TokenBucket bucket(2.0, 3.0, start);
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_FALSE(bucket.Take(start)) << "the burst is spent";
  EXPECT_FALSE(bucket.Take(start + 400ms)) << "0.8 of a token came back";
  EXPECT_TRUE(bucket.Take(start + 500ms + 100ms));
  EXPECT_FALSE(bucket.Take(start + 600ms));
  // A long pause refills no more than the burst.
  EXPECT_TRUE(bucket.Take(start + 1h));
  EXPECT_TRUE(bucket.Take(start + 1h));
  EXPECT_TRUE(bucket.Take(start + 1h));
  EXPECT_FALSE(bucket.Take(start + 1h));
}

TEST(TokenBucketTest, ARateOfZeroIsNoLimit) {
  TokenBucket bucket(0.0, 0.0, {});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.Take({}));
}

TEST(SocketCounterTest, LimitsPerUserAndPerAddress) {
  SocketCounter counter(2, 3);
  using V = SocketCounter::Verdict;
  EXPECT_EQ(counter.TryAdd("ana", "10.0.0.1"), V::kAdmitted);
  EXPECT_EQ(counter.TryAdd("ana", "10.0.0.2"), V::kAdmitted);
  EXPECT_EQ(counter.TryAdd("ana", "10.0.0.3"), V::kUserFull);
  EXPECT_EQ(counter.TryAdd("ion", "10.0.0.1"), V::kAdmitted);
  EXPECT_EQ(counter.TryAdd("eli", "10.0.0.1"), V::kAdmitted);
  EXPECT_EQ(counter.TryAdd("dan", "10.0.0.1"), V::kAddressFull);
  EXPECT_EQ(counter.OfUser("dan"), 0u);
  EXPECT_TRUE(counter.AddressFull("10.0.0.1"));
  EXPECT_FALSE(counter.AddressFull("10.0.0.2"));
  EXPECT_FALSE(counter.AddressFull("10.0.0.7")) << "no socket from it";
  counter.Remove("ana", "10.0.0.1");
  EXPECT_FALSE(counter.AddressFull("10.0.0.1"));
  EXPECT_EQ(counter.OfUser("ana"), 1u);
  EXPECT_EQ(counter.TryAdd("dan", "10.0.0.1"), V::kAdmitted);
  EXPECT_EQ(counter.TryAdd("ana", "10.0.0.9"), V::kAdmitted);
}

TEST(SocketCounterTest, ZeroIsNoLimit) {
  SocketCounter counter(0, 0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(counter.TryAdd("ana", "10.0.0.1"), SocketCounter::Verdict::kAdmitted);
  EXPECT_FALSE(counter.AddressFull("10.0.0.1"));
}

TEST(SocketCounterTest, SocketsWithoutAUserCountAgainstTheirAddressOnly) {
  SocketCounter counter(1, 3);
  EXPECT_EQ(counter.TryAdd("", "10.0.0.1"), SocketCounter::Verdict::kAdmitted);
  EXPECT_EQ(counter.TryAdd("", "10.0.0.1"), SocketCounter::Verdict::kAdmitted) << "no user limit for nobody";
  EXPECT_EQ(counter.TryAdd("u-1", "10.0.0.1"), SocketCounter::Verdict::kAdmitted);
  EXPECT_EQ(counter.TryAdd("", "10.0.0.1"), SocketCounter::Verdict::kAddressFull);
  EXPECT_EQ(counter.OfUser(""), 0u);
  counter.Remove("", "10.0.0.1");
  EXPECT_EQ(counter.TryAdd("", "10.0.0.1"), SocketCounter::Verdict::kAdmitted);
  EXPECT_EQ(counter.TryAdd("u-1", "10.0.0.2"), SocketCounter::Verdict::kUserFull);
}

}  // namespace
}  // namespace barbershop::realtime::hub
