#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::realtime::hub {

/// The pub/sub channel every copy listens on for its whole life: each message is the id
/// of a login session that has ended.
inline constexpr const char* kEndedSessionsChannel = "sessions:ended";

/// The login sessions the core has ended, remembered in Redis for a while (longer than
/// any access token of theirs lives).  Calls may block; implementations are thread-safe.
class EndedSessionStore {
 public:
  virtual ~EndedSessionStore() = default;
  /// In one atomic step: unless the session is remembered as ended already, remembers it
  /// (with `note`, for people reading Redis) for `remember_for` and publishes its id on
  /// kEndedSessionsChannel.  True when it was not remembered before.
  virtual common::Result<bool> EndSession(const std::string& session_id, const std::string& note,
                                          std::chrono::seconds remember_for) = 0;
  virtual common::Result<bool> IsSessionEnded(const std::string& session_id) = 0;
  /// Those of `session_ids` that are remembered as ended.
  virtual common::Result<std::vector<std::string>> EndedAmong(const std::vector<std::string>& session_ids) = 0;
};

/// A socket's end of the login session index.
class SessionEndListener {
 public:
  virtual ~SessionEndListener() = default;
  /// The login session the socket's token belongs to has ended.  Called from any thread,
  /// outside the index's lock; implementations hand the work to their own strand.
  virtual void OnSessionEnded() = 0;
};

/// Which of this copy's sockets were opened with a token of which login session (its
/// "sid"), so that the end of one closes exactly its sockets.  An upgrade takes a Watch
/// before it asks Redis whether the session has ended, and the socket attaches to it once
/// accepted: an end heard anywhere in between is not lost.  Thread-safe.
class LoginSessions {
  struct Index;

 public:
  /// One socket's (or upgrade's) place in the index; leaves it when destroyed (it keeps
  /// the index alive until then).  Small: the session id is kept once per session, in
  /// the index.
  class Watch {
    // Only LoginSessions makes watches (with make_shared: one allocation).
    struct Passkey {
      explicit Passkey() = default;
    };

   public:
    Watch(Passkey, std::shared_ptr<Index> index, const std::string& session_id)
        : index_(std::move(index)), session_id_(&session_id) {}
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    /// Whether the session ended since the watch was taken.
    bool ended() const { return ended_.load(); }
    const std::string& session_id() const { return *session_id_; }

   private:
    friend class LoginSessions;
    std::shared_ptr<Index> index_;
    const std::string* session_id_;  // the index's key: stable while the watch is in it
    std::weak_ptr<SessionEndListener> listener_;
    std::atomic<bool> ended_{false};
  };

  LoginSessions();
  LoginSessions(const LoginSessions&) = delete;
  LoginSessions& operator=(const LoginSessions&) = delete;

  /// Puts a watch on `session_id` into the index.
  std::shared_ptr<Watch> Add(const std::string& session_id);
  /// Hands the watch's socket to the index; false (and nothing attached) when its session
  /// ended meanwhile.
  bool Attach(Watch& watch, const std::shared_ptr<SessionEndListener>& listener);
  /// The session ended: marks its watches and tells their sockets.  How many sockets were
  /// told.
  std::size_t End(const std::string& session_id);
  /// The sessions with at least one watch, at this moment.
  std::vector<std::string> Open() const;
  std::size_t watch_count() const;

 private:
  struct Index {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<Watch*>> watches;
    std::size_t count = 0;
  };

  std::shared_ptr<Index> index_;
};

/// Whether a socket may open with a token of `session_id`: kUnauthenticated when the
/// session is remembered as ended, kUnavailable when that cannot be asked.
common::Status CheckSessionOpen(EndedSessionStore& store, const std::string& session_id);

/// After the ended-sessions channel was subscribed again (pub/sub was down, and an end
/// published meanwhile was not heard): ends every open session of `index` that the store
/// remembers as ended.  The number of sessions ended.
common::Result<std::size_t> CatchUpEndedSessions(LoginSessions& index, EndedSessionStore& store);

}  // namespace barbershop::realtime::hub
