#pragma once

#include <grpcpp/support/status.h>

#include "barbershop/common/result.hpp"

namespace barbershop::core::api {

/// The one place that maps an expected failure to a gRPC status.
grpc::StatusCode ToGrpcCode(common::ErrorCode code);
grpc::Status ToGrpcStatus(const common::Error& error);
/// The HTTP status the JSON API answers for a gRPC code: INVALID_ARGUMENT and
/// OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
/// ALREADY_EXISTS and ABORTED 409, FAILED_PRECONDITION 412, RESOURCE_EXHAUSTED 429,
/// UNIMPLEMENTED 501, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, CANCELLED 499, others 500.
unsigned HttpStatusOf(grpc::StatusCode code);

}  // namespace barbershop::core::api
