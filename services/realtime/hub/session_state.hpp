#pragma once

namespace barbershop::realtime::hub {

/// Where an accepted WebSocket stands.  A socket starts kReplaying: live messages are
/// held until what it missed has been queued; kLive sends them as they come; after the
/// pub/sub connection came back it is kCatchingUp (holding them again); closing, it
/// drops them.
enum class SessionState {
  kReplaying,  ///< the first replay is being read
  kLive,
  kCatchingUp,  ///< reading what was published while pub/sub was down
  kClosing,     ///< a close was asked: the close frame follows the write in flight
  kCloseSent,   ///< the close frame is out; waiting for the peer's (or the grace period)
  kClosed,      ///< the socket is shut; nothing more happens on it
};

/// What moves a socket from one state to the next.
enum class SessionEvent {
  kReplayed,        ///< a replay or catch-up was queued
  kCatchUpStarted,  ///< pub/sub is back on a live socket
  kCloseRequested,  ///< the server, a slow queue, a policy or a failed replay closes it
  kCloseFrameSent,
  kSocketEnded,  ///< closed, failed, or the grace period ran out
};

/// The state after `event` in `state`: the one place the transitions are written.  An
/// event that does not apply (a second close, a catch-up while closing) leaves the state
/// as it is; callers act only when the state changed.
SessionState SessionStateAfter(SessionState state, SessionEvent event);

/// Whether live messages wait (a replay or catch-up is running).
inline bool HoldsLiveMessages(SessionState state) {
  return state == SessionState::kReplaying || state == SessionState::kCatchingUp;
}
/// Whether the socket takes no more messages (closing or closed).
inline bool IsClosing(SessionState state) {
  return state == SessionState::kClosing || state == SessionState::kCloseSent || state == SessionState::kClosed;
}

}  // namespace barbershop::realtime::hub
