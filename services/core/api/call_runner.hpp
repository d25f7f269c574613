#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/common/trusted_proxies.hpp"
#include "barbershop/common/worker_pool.hpp"
#include "domain/model.hpp"
#include "domain/unit_of_work.hpp"

namespace barbershop::core::api {

/// A call as it arrived: its reactor, method name and start time.
struct Started {
  grpc::ServerUnaryReactor* reactor;
  const char* method;
  std::chrono::steady_clock::time_point at;
};

/// Everything a handler body needs for one call.
struct Call {
  const Started& started;
  domain::UnitOfWork& work;
  /// Null when the call needs no token and has none.  A caller that Run checked has its
  /// account, as the session check read it; one a step hands to OnDatabase has none.
  const domain::Caller* caller;
};

/// Who may make a call.
enum class Access {
  kNoToken,       ///< anyone; a token is not read (SignUp, Login, RefreshSession)
  kTokenIfGiven,  ///< anyone (browsing barbers and free slots); a token given must be valid
  kToken,         ///< a signed-in user, with a valid token of a session still open
};

/// A step's result: the call's status, or nullopt when the step handed the call on to
/// another step, which finishes it.
using Outcome = std::optional<grpc::Status>;

/// How every call runs: checked, then its blocking work in steps (SQL on the work queue's
/// database workers, Argon2id on the hashing threads), and answered exactly once, with
/// its count and latency recorded.  No gRPC thread waits on PostgreSQL, and no database
/// connection waits on a password hash.  Nothing a step throws escapes: the call is
/// answered INTERNAL and the failure counted.  Thread-safe.
class CallRunner {
 public:
  using Body = std::function<Outcome(Call&)>;
  using HashingBody = std::function<Outcome()>;
  /// Runs on the gRPC thread before the database, with the caller (null when there is
  /// none): a status answers the call there.
  using Quick = std::function<Outcome(const domain::Caller*)>;

  CallRunner(domain::WorkQueue& work, common::WorkerPool& hashing, const common::TokenVerifier& tokens,
             common::MetricsRegistry& metrics);

  /// Checks the token as `access` says, tries `quick` when given, then runs `body` on a
  /// database worker, after checking there that the token's session
  /// is still open and its account active (one read by primary key).  Without a caller
  /// (kNoToken, or kTokenIfGiven without a token) `Call::caller` is null.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* call, const char* method, Access access,
                                std::string request_token, Body body, const Quick& quick = {});
  /// Called once the service that owns this runner is fully built, before it serves:
  /// every call then sees what was written while it was built.  gRPC hands each call to
  /// its thread through its own synchronisation, which ThreadSanitizer cannot see; this
  /// release, and the acquire in Begin, is the hand-off it can.
  void Open() { open_.store(true, std::memory_order_release); }
  /// Every call starts here and ends in Finish, exactly once.
  Started Begin(grpc::CallbackServerContext* call, const char* method);
  void Finish(const Started& started, const grpc::Status& status);
  void OnDatabase(const Started& started, std::optional<domain::Caller> caller, Body body);
  void OnHashing(const Started& started, HashingBody body);

 private:
  /// Runs one step; finishes the call when the step gives a status (INTERNAL if it threw).
  void Step(const Started& started, const std::function<Outcome()>& step);
  void Record(const char* method, const grpc::Status& status, std::chrono::steady_clock::time_point start);

  /// A method's call counter and latency histogram for one status code.
  struct MethodMetrics {
    common::Counter* calls;
    common::Histogram* latency;
  };

  domain::WorkQueue& work_;
  common::WorkerPool& hashing_;
  const common::TokenVerifier& tokens_;
  common::MetricsRegistry& metrics_;
  common::Counter& handler_failures_;  ///< steps that threw (answered INTERNAL)
  std::atomic<bool> open_{false};
  std::atomic<int> in_flight_{0};
  std::mutex metrics_mutex_;
  std::map<std::pair<const char*, int>, MethodMetrics> method_metrics_;  ///< by method name literal and code
};

/// The call's metadata value under `key` (lower case), empty when absent.
std::string_view Metadata(const grpc::CallbackServerContext* call, const char* key);

/// The address a call came from, without its port: "ipv4:10.1.2.3:5555" gives
/// "10.1.2.3", "ipv6:[::1]:5555" gives "::1"; anything else is kept whole.
std::string PeerAddress(std::string_view peer);

/// The address of the client behind a call, for the per-address limits: the peer's, or,
/// when the peer is one of `proxies` (the gateway), the one its `x-forwarded-for`
/// metadata names (TrustedProxies::ClientAddress).  A call over the in-process channel
/// comes from the service's own JSON API, which names the client it resolved the same
/// way: its `x-forwarded-for` is taken whole.
std::string ClientAddress(const grpc::CallbackServerContext* call, const common::TrustedProxies& proxies);

/// The signed-in caller's account: as the call's session check read it, else read now (a
/// caller handed to OnDatabase by a step has none at hand).  kUnauthenticated when the
/// call has no caller or the account is gone or deactivated, as the session check says.
common::Result<domain::User> CallerAccount(const Call& c);

}  // namespace barbershop::core::api
