#include "hub/session_state.hpp"

namespace barbershop::realtime::hub {

SessionState SessionStateAfter(SessionState state, SessionEvent event) {
  using S = SessionState;
  switch (event) {
    case SessionEvent::kSubscribed:
      switch (state) {
        case S::kJoining:
          return S::kReplaying;
        case S::kLive:
          return S::kCatchingUp;
        case S::kReplaying:
        case S::kCatchingUp:
          return S::kCatchUpDue;
        default:
          return state;
      }
    case SessionEvent::kReplayed:
      if (state == S::kCatchUpDue) return S::kCatchingUp;
      return HoldsLiveMessages(state) ? S::kLive : state;
    case SessionEvent::kCloseRequested:
      return IsClosing(state) ? state : S::kClosing;
    case SessionEvent::kCloseFrameSent:
      return state == S::kClosing ? S::kCloseSent : state;
    case SessionEvent::kSocketEnded:
      return S::kClosed;
  }
  return state;
}

}  // namespace barbershop::realtime::hub
