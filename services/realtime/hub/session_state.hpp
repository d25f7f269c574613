#pragma once

#include <atomic>
#include <cstdint>

namespace barbershop::realtime::hub {

/// Where an accepted WebSocket stands.  A socket starts kJoining: live messages are held
/// until its channel is subscribed, then while what it missed is read (kReplaying); kLive
/// sends them as they come; after the pub/sub connection came back it is kCatchingUp
/// (holding them again); closing, it drops them.  A subscription that comes back while a
/// replay or catch-up is being read makes it kCatchUpDue: what was published after that
/// read began may be missing from it, so a catch-up follows it.
enum class SessionState {
  kJoining,    ///< waiting for the channel's subscription
  kReplaying,  ///< the first replay is being read
  kLive,
  kCatchingUp,  ///< reading what was published while pub/sub was down
  kCatchUpDue,  ///< a replay or catch-up is being read, and another catch-up follows it
  kClosing,     ///< a close was asked: the close frame follows the write in flight
  kCloseSent,   ///< the close frame is out; waiting for the peer's (or the grace period)
  kClosed,      ///< the socket is shut; nothing more happens on it
};

/// What moves a socket from one state to the next.
enum class SessionEvent {
  kSubscribed,      ///< the channel's subscription is ready: the first time, or again after pub/sub came back
  kReplayed,        ///< a replay or catch-up was queued
  kCloseRequested,  ///< the server, a slow queue, a policy or a failed replay closes it
  kCloseFrameSent,
  kSocketEnded,  ///< closed, failed, or the grace period ran out
};

/// The state after `event` in `state`: the one place the transitions are written.  An
/// event that does not apply (a second close, a catch-up while closing) leaves the state
/// as it is; callers act only when the state changed: kReplaying starts the replay,
/// kCatchingUp a catch-up.
SessionState SessionStateAfter(SessionState state, SessionEvent event);

/// Whether live messages wait (the channel is not subscribed yet, or a replay or
/// catch-up is running).
inline bool HoldsLiveMessages(SessionState state) {
  return state == SessionState::kJoining || state == SessionState::kReplaying || state == SessionState::kCatchingUp ||
         state == SessionState::kCatchUpDue;
}
/// Whether the socket takes no more messages (closing or closed).
inline bool IsClosing(SessionState state) {
  return state == SessionState::kClosing || state == SessionState::kCloseSent || state == SessionState::kClosed;
}

/// Orders what an accepted socket tells Redis (its session recorded, in a chat its
/// presence) and what its end takes back: the announcement runs as a job on the server's
/// blocking threads, the end on the socket's strand, in either order.  An end before the
/// announcement began leaves nothing to announce or take back; an end while it runs
/// leaves the taking back to the announcer, once it is done; an end after it takes it
/// back itself.  Without this, a socket closed just after its accept could be announced
/// online after its end said offline, and stay so until its record expired.  One byte,
/// lock-free: every socket holds one.
class Announcement {
 public:
  /// Whether to announce: false once the socket has ended.
  bool Begin() { return Swap(kIdle, kAnnouncing); }
  /// After announcing: false when the socket ended meanwhile, and the announcer takes the
  /// announcement back.
  bool Done() { return Swap(kAnnouncing, kAnnounced); }
  /// The socket ended: whether the caller takes the announcement back (it was done).
  bool End() { return step_.exchange(kEnded) == kAnnounced; }

 private:
  enum Step : std::uint8_t { kIdle, kAnnouncing, kAnnounced, kEnded };
  bool Swap(Step from, Step to) { return step_.compare_exchange_strong(from, to); }
  std::atomic<Step> step_{kIdle};
};

}  // namespace barbershop::realtime::hub
