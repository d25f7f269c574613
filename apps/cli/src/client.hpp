#pragma once

// The one gRPC channel a command uses to reach the core service.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "failure.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::cli {

constexpr std::chrono::seconds kCallTimeout{10};

/// One channel to the core service.  Every call has a 10-second deadline and carries the
/// bearer token when there is one.  Not thread-safe; one per command.
class CoreClient {
 public:
  /// Gets a new access token (refreshing the session), or nothing when it cannot.
  using Refresh = std::function<std::optional<std::string>()>;

  CoreClient(std::string server, std::string token);

  /// When the server refuses the token (UNAUTHENTICATED: it expired, say), `refresh` is
  /// asked once for a new one, and the call is made again with it.  The server refuses a
  /// token before it does anything else, so the second call cannot repeat a change.
  void RefreshWith(Refresh refresh) { refresh_ = std::move(refresh); }

  /// Calls `method`; no value when the server answered OK, else why not.
  template <typename Request, typename Response>
  std::optional<Failure> Call(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                        Response*),
                              const Request& request, Response* response, const std::string& idempotency_key = {}) {
    const auto attempt = [&] {
      grpc::ClientContext context;
      Prepare(context, idempotency_key);
      return (stub_.get()->*method)(&context, request, response);
    };
    grpc::Status status = attempt();
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && refresh_ && !token_.empty()) {
      if (auto fresh = std::exchange(refresh_, Refresh{})()) {
        token_ = std::move(*fresh);
        status = attempt();
      }
    }
    if (status.ok()) return std::nullopt;
    return Failed(status);
  }

 private:
  void Prepare(grpc::ClientContext& context, const std::string& idempotency_key) const;
  Failure Failed(const grpc::Status& status) const;

  std::string server_;
  std::string token_;
  std::unique_ptr<UserService::Stub> stub_;
  Refresh refresh_;
};

}  // namespace barbershop::cli
