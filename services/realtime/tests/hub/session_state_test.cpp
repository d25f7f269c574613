#include "hub/session_state.hpp"

#include <gtest/gtest.h>

namespace barbershop::realtime::hub {
namespace {

using E = SessionEvent;
using S = SessionState;

TEST(SessionStateTest, ASocketGoesLiveAfterItsReplayAndHoldsMessagesWhileCatchingUp) {
  EXPECT_TRUE(HoldsLiveMessages(S::kReplaying));
  EXPECT_EQ(SessionStateAfter(S::kReplaying, E::kReplayed), S::kLive);
  EXPECT_FALSE(HoldsLiveMessages(S::kLive));
  EXPECT_EQ(SessionStateAfter(S::kLive, E::kCatchUpStarted), S::kCatchingUp);
  EXPECT_TRUE(HoldsLiveMessages(S::kCatchingUp));
  EXPECT_EQ(SessionStateAfter(S::kCatchingUp, E::kReplayed), S::kLive);
  // A catch-up needs a live socket: not one still replaying, already catching up or closing.
  EXPECT_EQ(SessionStateAfter(S::kReplaying, E::kCatchUpStarted), S::kReplaying);
  EXPECT_EQ(SessionStateAfter(S::kCatchingUp, E::kCatchUpStarted), S::kCatchingUp);
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kCatchUpStarted), S::kClosing);
}

TEST(SessionStateTest, ClosingGoesOneWayAndOnlyOnce) {
  for (const auto from : {S::kReplaying, S::kLive, S::kCatchingUp}) {
    EXPECT_FALSE(IsClosing(from));
    EXPECT_EQ(SessionStateAfter(from, E::kCloseRequested), S::kClosing);
    EXPECT_EQ(SessionStateAfter(from, E::kCloseFrameSent), from);  // no frame before a close is asked
  }
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kCloseRequested), S::kClosing);
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kCloseFrameSent), S::kCloseSent);
  EXPECT_EQ(SessionStateAfter(S::kCloseSent, E::kCloseFrameSent), S::kCloseSent);
  EXPECT_EQ(SessionStateAfter(S::kCloseSent, E::kReplayed), S::kCloseSent);  // a late replay does not reopen it
  for (const auto from : {S::kReplaying, S::kLive, S::kCatchingUp, S::kClosing, S::kCloseSent, S::kClosed}) {
    EXPECT_EQ(SessionStateAfter(from, E::kSocketEnded), S::kClosed);
  }
  for (const auto event : {E::kReplayed, E::kCatchUpStarted, E::kCloseRequested, E::kCloseFrameSent}) {
    EXPECT_EQ(SessionStateAfter(S::kClosed, event), S::kClosed);
  }
  EXPECT_TRUE(IsClosing(S::kClosing));
  EXPECT_TRUE(IsClosing(S::kCloseSent));
  EXPECT_TRUE(IsClosing(S::kClosed));
}

}  // namespace
}  // namespace barbershop::realtime::hub
