#pragma once

#include <string>

#include "barbershop/common/result.hpp"

namespace barbershop::cli {

/// What the process returns; scripts rely on these.
enum ExitCode : int {
  kExitOk = 0,
  kExitRefused = 1,      // the server said no, or there is no session
  kExitUsage = 2,        // CLI11's parse errors
  kExitUnreachable = 3,  // UNAVAILABLE or DEADLINE_EXCEEDED
};

/// Why a command stops: the line to show the user and the exit code.
struct Failure {
  int exit_code;
  std::string message;
};

/// A value or a Failure.
template <typename T>
using Expected = barbershop::common::Result<T, Failure>;

}  // namespace barbershop::cli
