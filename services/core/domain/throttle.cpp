#include "throttle.hpp"

#include <algorithm>
#include <string>

namespace barbershop::core::domain {

std::string LoginEmailKey(std::string_view normalized_email) { return "login-email:" + std::string(normalized_email); }
std::string LoginAddressKey(std::string_view address) { return "login-address:" + std::string(address); }
std::string SignUpAddressKey(std::string_view address) { return "signup-address:" + std::string(address); }

common::Error TooManyAttempts(std::string_view what, std::chrono::seconds wait) {
  const auto seconds = std::max<long long>(1, wait.count());
  const auto minutes = (seconds + 59) / 60;
  const std::string after = seconds < 120 ? std::to_string(seconds) + " seconds" : std::to_string(minutes) + " minutes";
  return common::MakeError(common::ErrorCode::kResourceExhausted,
                           "too many " + std::string(what) + "; try again in " + after);
}

}  // namespace barbershop::core::domain
