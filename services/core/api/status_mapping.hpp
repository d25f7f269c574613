#pragma once

#include <grpcpp/support/status.h>

#include "barbershop/common/result.hpp"

namespace barbershop::core::api {

/// The one place that maps an expected failure to a gRPC status.
grpc::StatusCode ToGrpcCode(common::ErrorCode code);
grpc::Status ToGrpcStatus(const common::Error& error);

}  // namespace barbershop::core::api
