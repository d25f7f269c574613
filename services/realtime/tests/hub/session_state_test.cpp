#include "hub/session_state.hpp"

#include <gtest/gtest.h>

namespace barbershop::realtime::hub {
namespace {

using E = SessionEvent;
using S = SessionState;

TEST(SessionStateTest, ASocketGoesLiveAfterItsReplayAndHoldsMessagesWhileCatchingUp) {
  EXPECT_TRUE(HoldsLiveMessages(S::kJoining));
  EXPECT_EQ(SessionStateAfter(S::kJoining, E::kSubscribed), S::kReplaying);
  EXPECT_TRUE(HoldsLiveMessages(S::kReplaying));
  EXPECT_EQ(SessionStateAfter(S::kReplaying, E::kReplayed), S::kLive);
  EXPECT_FALSE(HoldsLiveMessages(S::kLive));
  EXPECT_EQ(SessionStateAfter(S::kLive, E::kSubscribed), S::kCatchingUp);
  EXPECT_TRUE(HoldsLiveMessages(S::kCatchingUp));
  EXPECT_EQ(SessionStateAfter(S::kCatchingUp, E::kReplayed), S::kLive);
  // An availability watcher has nothing to replay: it goes live at once.
  EXPECT_EQ(SessionStateAfter(S::kJoining, E::kReplayed), S::kLive);
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kSubscribed), S::kClosing);
}

// Pub/sub lost and back while a socket's first replay (or a catch-up) is read: the read
// is not started again (a second welcome and the history twice), and it is not taken as
// complete either (what was published after it began may be missing): a catch-up from
// where it ends follows it.
TEST(SessionStateTest, ASubscriptionBackDuringAReadIsCaughtUpOnceTheReadIsQueued) {
  for (const auto reading : {S::kReplaying, S::kCatchingUp}) {
    EXPECT_EQ(SessionStateAfter(reading, E::kSubscribed), S::kCatchUpDue);
  }
  EXPECT_TRUE(HoldsLiveMessages(S::kCatchUpDue));
  EXPECT_EQ(SessionStateAfter(S::kCatchUpDue, E::kSubscribed), S::kCatchUpDue);  // one catch-up covers both
  EXPECT_EQ(SessionStateAfter(S::kCatchUpDue, E::kReplayed), S::kCatchingUp);
  EXPECT_EQ(SessionStateAfter(S::kCatchUpDue, E::kCloseRequested), S::kClosing);
}

TEST(SessionStateTest, ClosingGoesOneWayAndOnlyOnce) {
  for (const auto from : {S::kJoining, S::kReplaying, S::kLive, S::kCatchingUp, S::kCatchUpDue}) {
    EXPECT_FALSE(IsClosing(from));
    EXPECT_EQ(SessionStateAfter(from, E::kCloseRequested), S::kClosing);
    EXPECT_EQ(SessionStateAfter(from, E::kCloseFrameSent), from);  // no frame before a close is asked
  }
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kCloseRequested), S::kClosing);
  EXPECT_EQ(SessionStateAfter(S::kClosing, E::kCloseFrameSent), S::kCloseSent);
  EXPECT_EQ(SessionStateAfter(S::kCloseSent, E::kCloseFrameSent), S::kCloseSent);
  EXPECT_EQ(SessionStateAfter(S::kCloseSent, E::kReplayed), S::kCloseSent);  // a late replay does not reopen it
  for (const auto from :
       {S::kJoining, S::kReplaying, S::kLive, S::kCatchingUp, S::kCatchUpDue, S::kClosing, S::kCloseSent, S::kClosed}) {
    EXPECT_EQ(SessionStateAfter(from, E::kSocketEnded), S::kClosed);
  }
  for (const auto event : {E::kSubscribed, E::kReplayed, E::kCloseRequested, E::kCloseFrameSent}) {
    EXPECT_EQ(SessionStateAfter(S::kClosed, event), S::kClosed);
  }
  EXPECT_TRUE(IsClosing(S::kClosing));
  EXPECT_TRUE(IsClosing(S::kCloseSent));
  EXPECT_TRUE(IsClosing(S::kClosed));
}

TEST(AnnouncementTest, AnEndBeforeTheAnnouncementLeavesNothingToAnnounceOrTakeBack) {
  Announcement announcement;
  EXPECT_FALSE(announcement.End()) << "nothing was announced";
  EXPECT_FALSE(announcement.Begin()) << "a closed socket is not announced online";
}

TEST(AnnouncementTest, AnEndWhileAnnouncingLeavesTheTakingBackToTheAnnouncer) {
  Announcement announcement;
  ASSERT_TRUE(announcement.Begin());
  EXPECT_FALSE(announcement.End()) << "the announcement is not done yet";
  EXPECT_FALSE(announcement.Done()) << "the announcer takes it back";
}

TEST(AnnouncementTest, AnEndAfterTheAnnouncementTakesItBackOnce) {
  Announcement announcement;
  ASSERT_TRUE(announcement.Begin());
  ASSERT_TRUE(announcement.Done());
  EXPECT_TRUE(announcement.End());
  EXPECT_FALSE(announcement.End()) << "taken back once";
  EXPECT_FALSE(announcement.Begin());
}

}  // namespace
}  // namespace barbershop::realtime::hub
