#include "hub/session_state.hpp"

namespace barbershop::realtime::hub {

SessionState SessionStateAfter(SessionState state, SessionEvent event) {
  using S = SessionState;
  switch (event) {
    case SessionEvent::kReplayed:
      return HoldsLiveMessages(state) ? S::kLive : state;
    case SessionEvent::kCatchUpStarted:
      return state == S::kLive ? S::kCatchingUp : state;
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
