#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::core::domain {

/// At most `max` attempts per key within a window that opens with the first (0: no
/// limit).
struct AttemptLimit {
  int max = 0;
  std::chrono::seconds window{0};
  bool enabled() const { return max > 0; }
};

/// The limits against abuse that logins and sign-ups are held to.
struct AbuseLimits {
  AttemptLimit login_failures_per_email;
  AttemptLimit login_failures_per_address;
  AttemptLimit signups_per_address;
};

/// Attempts per key (an e-mail, a peer address), counted where every copy of the
/// service sees them.  An implementation is used by one thread at a time.
class AttemptCounter {
 public:
  virtual ~AttemptCounter() = default;
  /// How much longer the most refused of `keys` stays refused: zero when each has had
  /// fewer attempts than its limit in its current window.
  virtual common::Result<std::chrono::seconds> RefusedFor(
      const std::vector<std::pair<std::string, AttemptLimit>>& keys) = 0;
  /// Counts one attempt against each key; then the same as RefusedFor, this attempt
  /// included: zero while each is within its limit.
  virtual common::Result<std::chrono::seconds> Count(const std::vector<std::pair<std::string, AttemptLimit>>& keys) = 0;
  /// Forgets the key's attempts (a login that succeeded).
  virtual common::Status Forget(const std::string& key) = 0;
};

std::string LoginEmailKey(std::string_view normalized_email);
std::string LoginAddressKey(std::string_view address);
std::string SignUpAddressKey(std::string_view address);

/// kResourceExhausted: `what` ("failed logins") has reached its limit; the message says
/// how long to wait.
common::Error TooManyAttempts(std::string_view what, std::chrono::seconds wait);

}  // namespace barbershop::core::domain
