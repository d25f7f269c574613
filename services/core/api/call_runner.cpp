#include "call_runner.hpp"

#include "barbershop/common/contained.hpp"
#include "barbershop/common/grpc_codes.hpp"
#include "domain/accounts.hpp"
#include "domain/sessions.hpp"
#include "status_mapping.hpp"

namespace barbershop::core::api {
namespace {

grpc::Status Busy() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is busy; try again shortly"); }

// An authenticated call's first database step reads its caller's session first, one read
// by primary key on the same connection: the tokens of a session that has ended (logout,
// a password change, a reused refresh token) or of an account deactivated or deleted
// since they were issued are refused.  The body has the account the check read
// (Caller::account), for the step that needs it.
CallRunner::Body OpenSessionsOnly(CallRunner::Body body) {
  return [body = std::move(body)](Call& c) -> Outcome {
    auto account = domain::CheckSessionOpen(c.work.sessions(), *c.caller);
    if (!account) return ToGrpcStatus(account.error());
    domain::Caller checked = *c.caller;
    checked.account = &*account;
    Call call{c.started, c.work, &checked};
    return body(call);
  };
}

}  // namespace

CallRunner::CallRunner(domain::WorkQueue& work, common::WorkerPool& hashing, const common::TokenVerifier& tokens,
                       common::MetricsRegistry& metrics)
    : work_(work),
      hashing_(hashing),
      tokens_(tokens),
      metrics_(metrics),
      handler_failures_(common::UnhandledErrors(metrics, "grpc handler")) {
  metrics_.AddCallbackGauge("barbershop_grpc_calls_in_flight", "gRPC calls started and not yet answered.",
                            [this] { return static_cast<double>(in_flight_.load()); });
}

grpc::ServerUnaryReactor* CallRunner::Run(grpc::CallbackServerContext* call, const char* method, Access access,
                                          std::string request_token, Body body, const Quick& quick) {
  const Started started = Begin(call, method);
  std::optional<domain::Caller> caller;
  if (access != Access::kNoToken) {
    std::string token = common::BearerToken(Metadata(call, "authorization"));
    if (token.empty()) token = std::move(request_token);
    if (!token.empty() || access == Access::kToken) {
      auto authenticated = domain::Authenticate(tokens_, token);
      if (!authenticated) {
        Finish(started, ToGrpcStatus(authenticated.error()));
        return started.reactor;
      }
      caller = std::move(*authenticated);
    }
  }
  if (quick) {
    bool answered = true;  // also when it threw: Step answered INTERNAL
    Step(started, [&] {
      auto outcome = quick(caller ? &*caller : nullptr);
      answered = outcome.has_value();
      return outcome;
    });
    if (answered) return started.reactor;
  }
  const bool signed_in = caller.has_value();
  OnDatabase(started, std::move(caller), signed_in ? OpenSessionsOnly(std::move(body)) : std::move(body));
  return started.reactor;
}

void CallRunner::OnDatabase(const Started& started, std::optional<domain::Caller> caller, Body body) {
  const bool queued =
      work_.Submit([this, started, caller = std::move(caller), body = std::move(body)](domain::UnitOfWork& work) {
        Call state{started, work, caller ? &*caller : nullptr};
        Step(started, [&] { return body(state); });
      });
  if (!queued) Finish(started, Busy());
}

void CallRunner::OnHashing(const Started& started, HashingBody body) {
  const bool queued = hashing_.Submit([this, started, body = std::move(body)](std::size_t) { Step(started, body); });
  if (!queued) Finish(started, Busy());
}

void CallRunner::Step(const Started& started, const std::function<Outcome()>& step) {
  Outcome outcome;
  if (!common::RunContained(started.method, &handler_failures_, [&] { outcome = step(); })) {
    outcome = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
  if (outcome) Finish(started, *outcome);
}

Started CallRunner::Begin(grpc::CallbackServerContext* call, const char* method) {
  (void)open_.load(std::memory_order_acquire);
  ++in_flight_;
  return Started{call->DefaultReactor(), method, std::chrono::steady_clock::now()};
}

void CallRunner::Finish(const Started& started, const grpc::Status& status) {
  Record(started.method, status, started.at);
  --in_flight_;
  started.reactor->Finish(status);
}

void CallRunner::Record(const char* method, const grpc::Status& status, std::chrono::steady_clock::time_point start) {
  const int code = static_cast<int>(status.error_code());
  MethodMetrics metrics{};
  {
    const std::lock_guard lock(metrics_mutex_);
    auto [it, added] = method_metrics_.try_emplace({method, code});
    if (added) {
      const common::Labels labels{{"method", method}, {"code", common::GrpcCodeName(code)}};
      it->second.calls =
          &metrics_.GetCounter("barbershop_grpc_calls_total", "gRPC calls handled, by method and status code.", labels);
      it->second.latency = &metrics_.GetHistogram("barbershop_grpc_call_duration_seconds",
                                                  "gRPC call latency, by method and status code.", labels);
    }
    metrics = it->second;
  }
  metrics.calls->Inc();
  metrics.latency->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::string_view Metadata(const grpc::CallbackServerContext* call, const char* key) {
  const auto& metadata = call->client_metadata();
  const auto it = metadata.find(key);
  if (it == metadata.end()) return {};
  return {it->second.data(), it->second.size()};
}

std::string ClientAddress(const grpc::CallbackServerContext* call, const common::TrustedProxies& proxies) {
  // The server listens on TCP only, where every peer is "ipv4:..." or "ipv6:...": a call
  // on the in-process channel has no address (gRPC 1.51 says "unknown").
  const std::string peer = call->peer();
  if (peer == "unknown" || peer.rfind("inproc", 0) == 0) {
    const auto named = Metadata(call, "x-forwarded-for");
    return named.empty() ? peer : std::string(named);
  }
  return proxies.ClientAddress(PeerAddress(call->peer()), Metadata(call, "x-forwarded-for"));
}

std::string PeerAddress(std::string_view peer) {
  for (const std::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (peer.substr(0, scheme.size()) != scheme) continue;
    auto rest = peer.substr(scheme.size());
    if (!rest.empty() && rest.front() == '[') {
      const auto close = rest.find(']');
      return std::string(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(rest.substr(0, rest.rfind(':')));
  }
  return std::string(peer);
}

common::Result<domain::User> CallerAccount(const Call& c) {
  if (c.caller == nullptr) return common::MakeError(common::ErrorCode::kUnauthenticated, "log in first");
  if (c.caller->account != nullptr) return *c.caller->account;
  auto found = c.work.accounts().FindUserById(c.caller->user_id);
  if (!found) return found.error();
  if (!found->has_value() || !(*found)->active) {
    return common::MakeError(common::ErrorCode::kUnauthenticated, "this account is deactivated or deleted");
  }
  return std::move(**found);
}

}  // namespace barbershop::core::api
