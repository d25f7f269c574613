#include "barbershop/common/grpc_codes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace barbershop::common {
namespace {

TEST(GrpcCodesTest, NamesEveryCodeByItsNumberAndUnknownOutsideThem) {
  EXPECT_EQ(std::string(GrpcCodeName(0)), "OK");
  EXPECT_EQ(std::string(GrpcCodeName(3)), "INVALID_ARGUMENT");
  EXPECT_EQ(std::string(GrpcCodeName(8)), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(std::string(GrpcCodeName(9)), "FAILED_PRECONDITION");
  EXPECT_EQ(std::string(GrpcCodeName(14)), "UNAVAILABLE");
  EXPECT_EQ(std::string(GrpcCodeName(16)), "UNAUTHENTICATED");
  EXPECT_EQ(std::string(GrpcCodeName(17)), "UNKNOWN");
  EXPECT_EQ(std::string(GrpcCodeName(-1)), "UNKNOWN");
}

}  // namespace
}  // namespace barbershop::common
