#include "storage/reconnect_backoff.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace barbershop::core::storage {
namespace {

using std::chrono::milliseconds;

const std::runtime_error kRefused("connection refused");

TEST(ReconnectBackoffTest, WaitsTwiceAsLongAfterEachFailureUpToTheMost) {
  common::Counter reconnects;
  ReconnectBackoff backoff("test", reconnects, milliseconds(100), milliseconds(1000));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(100));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(200));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(400));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(800));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(1000));
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(1000));
  EXPECT_EQ(backoff.failures(), 6);
}

TEST(ReconnectBackoffTest, AConnectionAfterFailuresIsOneReconnectAndStartsOver) {
  common::Counter reconnects;
  ReconnectBackoff backoff("test", reconnects, milliseconds(100), milliseconds(1000));
  backoff.Failed(kRefused);
  backoff.Failed(kRefused);
  backoff.Connected();
  EXPECT_EQ(reconnects.Value(), 1);
  EXPECT_EQ(backoff.failures(), 0);
  EXPECT_EQ(backoff.Failed(kRefused), milliseconds(100));
}

TEST(ReconnectBackoffTest, TheFirstConnectionIsNoReconnect) {
  common::Counter reconnects;
  ReconnectBackoff backoff("test", reconnects);
  backoff.Connected();
  backoff.Connected();
  EXPECT_EQ(reconnects.Value(), 0);
}

}  // namespace
}  // namespace barbershop::core::storage
