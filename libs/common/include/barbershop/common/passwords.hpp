#pragma once

#include <string>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// Argon2id password hashing (libsodium).  Thread-safe.
class PasswordHasher {
 public:
  /// Cost presets: kInteractive is libsodium's interactive limits (64 MiB, 2 passes);
  /// kModerate is its moderate limits (256 MiB, 3 passes).
  enum class Cost { kInteractive, kModerate };

  explicit PasswordHasher(Cost cost = Cost::kInteractive);

  /// An encoded "$argon2id$..." string with its own salt and parameters.
  Result<std::string> Hash(const std::string& password) const;
  /// Constant-time check; false for any malformed hash.
  bool Verify(const std::string& password, const std::string& encoded) const;

 private:
  unsigned long long ops_limit_;
  std::size_t mem_limit_;
};

}  // namespace barbershop::common
