#include "barbershop/common/failpoints.hpp"

#include <gtest/gtest.h>

namespace barbershop::common {
namespace {

class FailpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(NDEBUG)
    GTEST_SKIP() << "a release build has no failpoints";
#endif
  }
  ~FailpointsTest() override { (void)ArmFailpoints(""); }
};

#if defined(NDEBUG)
TEST(ReleaseFailpointsTest, ArmingIsRefused) {
  const auto armed = ArmFailpoints("relay.before_publish");
  ASSERT_FALSE(armed);
  EXPECT_EQ(armed.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(BARBERSHOP_FAILPOINT("relay.before_publish", ""));
}
#endif

TEST_F(FailpointsTest, NothingFiresUnlessArmed) {
  ASSERT_TRUE(ArmFailpoints(""));
  EXPECT_FALSE(FailpointFires("relay.before_publish", "", {}));
}

TEST_F(FailpointsTest, APointFiresOnItsNthHitOnly) {
  ASSERT_TRUE(ArmFailpoints("events.before_ack=3"));
  EXPECT_FALSE(FailpointFires("events.before_ack", "e1", {}));
  EXPECT_FALSE(FailpointFires("events.before_store", "e2", {}));  // another point
  EXPECT_FALSE(FailpointFires("events.before_ack", "e2", {}));
  EXPECT_TRUE(FailpointFires("events.before_ack", "e3", {}));
  EXPECT_FALSE(FailpointFires("events.before_ack", "e4", {}));
}

TEST_F(FailpointsTest, ANameAloneFiresAtTheFirstHit) {
  ASSERT_TRUE(ArmFailpoints("relay.before_publish"));
  EXPECT_TRUE(FailpointFires("relay.before_publish", "", {}));
}

TEST_F(FailpointsTest, AKeyCountsOnlyTheHitsThatCarryIt) {
  ASSERT_TRUE(ArmFailpoints("events.before_store=2:user-a"));
  EXPECT_FALSE(FailpointFires("events.before_store", "e1", {"barber", "user-a"}));
  EXPECT_FALSE(FailpointFires("events.before_store", "e2", {"barber", "user-b"}));
  EXPECT_TRUE(FailpointFires("events.before_store", "e3", {"user-a", "client"}));
}

TEST_F(FailpointsTest, TheSameIdAgainCountsOnce) {
  ASSERT_TRUE(ArmFailpoints("events.before_store=2"));
  EXPECT_FALSE(FailpointFires("events.before_store", "e1", {}));
  EXPECT_FALSE(FailpointFires("events.before_store", "e1", {}));  // redelivered
  EXPECT_TRUE(FailpointFires("events.before_store", "e2", {}));
}

TEST_F(FailpointsTest, EntriesThatDoNotParseAreRefusedAndArmNothing) {
  for (const char* spec : {"=3", "relay.before_publish=0", "relay.before_publish=x",
                           "relay.before_publish=2:", "Relay!", "a=1,,b=2", "relay.before_publish=99999999999"}) {
    const auto armed = ArmFailpoints(spec);
    ASSERT_FALSE(armed) << spec;
    EXPECT_EQ(armed.error().code, ErrorCode::kInvalidArgument) << spec;
  }
  EXPECT_FALSE(FailpointFires("relay.before_publish", "", {}));
}

TEST_F(FailpointsTest, ArmingAgainReplacesWhatWasArmed) {
  ASSERT_TRUE(ArmFailpoints("events.before_ack"));
  ASSERT_TRUE(ArmFailpoints("events.before_store"));
  EXPECT_FALSE(FailpointFires("events.before_ack", "", {}));
  EXPECT_TRUE(FailpointFires("events.before_store", "", {}));
}

TEST_F(FailpointsTest, TheMacroReachesTheFacilityInTestBuilds) {
  ASSERT_TRUE(ArmFailpoints("relay.before_publish"));
  EXPECT_TRUE(BARBERSHOP_FAILPOINT("relay.before_publish", ""));
}

}  // namespace
}  // namespace barbershop::common
