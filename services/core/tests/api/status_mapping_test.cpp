#include "api/status_mapping.hpp"

#include <gtest/gtest.h>

namespace barbershop::core::api {
namespace {

TEST(StatusMappingTest, EveryCodeHasItsGrpcStatus) {
  using common::ErrorCode;
  const std::pair<ErrorCode, grpc::StatusCode> table[] = {
      {ErrorCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
      {ErrorCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
      {ErrorCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {ErrorCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {ErrorCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
      {ErrorCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {ErrorCode::kInternal, grpc::StatusCode::INTERNAL},
  };
  for (const auto& [code, expected] : table) {
    const auto status = ToGrpcStatus(common::MakeError(code, "why"));
    EXPECT_EQ(status.error_code(), expected) << common::ErrorCodeName(code);
    EXPECT_EQ(status.error_message(), "why");
  }
}

}  // namespace
}  // namespace barbershop::core::api
