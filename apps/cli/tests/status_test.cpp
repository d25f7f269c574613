// FromStatus: the line and exit code of every gRPC status code.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "output.hpp"

namespace barbershop::cli {
namespace {

constexpr std::chrono::seconds kDeadline{10};

struct CodeCase {
  grpc::StatusCode code;
  const char* name;
  int exit_code;
};

class StatusCodeTest : public ::testing::TestWithParam<CodeCase> {};

TEST_P(StatusCodeTest, NamesTheCodeAndPicksTheExitCode) {
  const CodeCase& c = GetParam();
  const Failure failure = FromStatus(grpc::Status(c.code, "why"), "core:50051", false, kDeadline);
  EXPECT_EQ(failure.exit_code, c.exit_code);
  const std::string suffix = std::string(" (") + c.name + ")";
  ASSERT_GE(failure.message.size(), suffix.size());
  EXPECT_EQ(failure.message.substr(failure.message.size() - suffix.size()), suffix) << failure.message;
}

INSTANTIATE_TEST_SUITE_P(
    EveryCode, StatusCodeTest,
    ::testing::Values(CodeCase{grpc::StatusCode::CANCELLED, "CANCELLED", kExitRefused},
                      CodeCase{grpc::StatusCode::UNKNOWN, "UNKNOWN", kExitRefused},
                      CodeCase{grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", kExitRefused},
                      CodeCase{grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", kExitUnreachable},
                      CodeCase{grpc::StatusCode::NOT_FOUND, "NOT_FOUND", kExitRefused},
                      CodeCase{grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS", kExitRefused},
                      CodeCase{grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", kExitRefused},
                      CodeCase{grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", kExitRefused},
                      CodeCase{grpc::StatusCode::FAILED_PRECONDITION, "FAILED_PRECONDITION", kExitRefused},
                      CodeCase{grpc::StatusCode::ABORTED, "ABORTED", kExitRefused},
                      CodeCase{grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE", kExitRefused},
                      CodeCase{grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", kExitRefused},
                      CodeCase{grpc::StatusCode::INTERNAL, "INTERNAL", kExitRefused},
                      CodeCase{grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE", kExitUnreachable},
                      CodeCase{grpc::StatusCode::DATA_LOSS, "DATA_LOSS", kExitRefused},
                      CodeCase{grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED", kExitRefused}),
    [](const ::testing::TestParamInfo<CodeCase>& test) { return std::string(test.param.name); });

TEST(StatusTest, ARefusalShowsTheServersReason) {
  const Failure failure =
      FromStatus(grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "the slot is taken"), "core:50051", true, kDeadline);
  EXPECT_EQ(failure.message, "the slot is taken (ALREADY_EXISTS)");
}

TEST(StatusTest, ARefusalWithoutReasonSaysTheRequestFailed) {
  const Failure failure = FromStatus(grpc::Status(grpc::StatusCode::INTERNAL, ""), "core:50051", false, kDeadline);
  EXPECT_EQ(failure.message, "the request failed (INTERNAL)");
}

TEST(StatusTest, UnavailableNamesTheServer) {
  EXPECT_EQ(
      FromStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"), "core:50051", false, kDeadline)
          .message,
      "the server at core:50051 is unavailable: connection refused (UNAVAILABLE)");
  EXPECT_EQ(FromStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, ""), "core:50051", false, kDeadline).message,
            "the server at core:50051 is unavailable (UNAVAILABLE)");
}

TEST(StatusTest, DeadlineExceededNamesTheWait) {
  EXPECT_EQ(FromStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"), "core:50051", false,
                       std::chrono::seconds{7})
                .message,
            "the server at core:50051 did not answer within 7 seconds (DEADLINE_EXCEEDED)");
}

TEST(StatusTest, UnauthenticatedOnASessionSaysToLogInAgain) {
  const grpc::Status status(grpc::StatusCode::UNAUTHENTICATED, "the token has expired");
  EXPECT_EQ(FromStatus(status, "core:50051", true, kDeadline).message,
            "the token has expired (UNAUTHENTICATED); run 'barbershop login' again");
  EXPECT_EQ(FromStatus(status, "core:50051", false, kDeadline).message, "the token has expired (UNAUTHENTICATED)");
}

TEST(StatusTest, LineBreaksAndTabsInTheServersTextBecomeSpaces) {
  const Failure failure = FromStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad\nline\r\tthree"),
                                     "core:50051", false, kDeadline);
  EXPECT_EQ(failure.message, "bad line  three (INVALID_ARGUMENT)");
}

TEST(StatusTest, OtherControlCharactersAreKeptAsSent) {
  // Only the one-line contract is enforced; an escape sequence reaches stderr as it came.
  const Failure failure =
      FromStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no \x1b[31mbarber"), "core:50051", false, kDeadline);
  EXPECT_EQ(failure.message, "no \x1b[31mbarber (NOT_FOUND)");
}

TEST(StatusTest, Utf8InTheServersTextIsKept) {
  const Failure failure =
      FromStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no barber named 'Ștefan'"), "core:50051", false, kDeadline);
  EXPECT_EQ(failure.message, "no barber named 'Ștefan' (NOT_FOUND)");
}

}  // namespace
}  // namespace barbershop::cli
