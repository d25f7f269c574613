#pragma once

// The one gRPC channel a command uses to reach the core service.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "failure.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::cli {

constexpr std::chrono::seconds kCallTimeout{10};

/// One channel to the core service.  Every call has a 10-second deadline and carries the
/// bearer token when there is one.  Not thread-safe; one per command.
class CoreClient {
 public:
  CoreClient(std::string server, std::string token);

  /// Calls `method`; no value when the server answered OK, else why not.
  template <typename Request, typename Response>
  std::optional<Failure> Call(grpc::Status (UserService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                        Response*),
                              const Request& request, Response* response, const std::string& idempotency_key = {}) {
    grpc::ClientContext context;
    Prepare(context, idempotency_key);
    const grpc::Status status = (stub_.get()->*method)(&context, request, response);
    if (status.ok()) return std::nullopt;
    return Failed(status);
  }

 private:
  void Prepare(grpc::ClientContext& context, const std::string& idempotency_key) const;
  Failure Failed(const grpc::Status& status) const;

  std::string server_;
  std::string token_;
  std::unique_ptr<UserService::Stub> stub_;
};

}  // namespace barbershop::cli
