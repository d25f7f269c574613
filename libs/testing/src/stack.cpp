#include "barbershop/testing/stack.hpp"

#include <cstdlib>

namespace barbershop::testing {

bool RunStackCommand(const std::string& command) {
  // Single quotes around the script: the commands the tests pass contain none.
  const std::string line = "bash -c 'source " BARBERSHOP_SOURCE_DIR "/scripts/stack.sh && " + command + "'";
  return std::system(line.c_str()) == 0;
}

std::vector<std::string> TestCoreSettings(const TokenKeys& keys) {
  auto settings = keys.CoreSettings();
  settings.insert(settings.end(), {"BARBERSHOP_LOG_LEVEL=warn", "BARBERSHOP_GRPC_ADDRESS=127.0.0.1:0",
                                   "BARBERSHOP_HTTP_ADDRESS=127.0.0.1:0", "BARBERSHOP_SIGNUPS_PER_ADDRESS=0",
                                   "BARBERSHOP_LOGIN_FAILURES_PER_ADDRESS=0", "BARBERSHOP_MAX_LIVE_BOOKINGS=0"});
  return settings;
}

}  // namespace barbershop::testing
