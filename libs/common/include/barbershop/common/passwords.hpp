#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// Argon2id password hashing (libsodium).  Thread-safe.
///
/// Each hash holds its cost's memory (64 MiB interactive) and a core for tens of
/// milliseconds, so at most `max_concurrent` run at once (by default one per core): a burst
/// of sign-ups and logins waits its turn instead of taking every core and a gigabyte.
class PasswordHasher {
 public:
  /// Cost presets: kInteractive is libsodium's interactive limits (64 MiB, 2 passes);
  /// kModerate is its moderate limits (256 MiB, 3 passes).
  enum class Cost { kInteractive, kModerate };

  /// `max_concurrent` 0 means one per core.
  explicit PasswordHasher(Cost cost = Cost::kInteractive, std::size_t max_concurrent = 0);

  /// An encoded "$argon2id$..." string with its own salt and parameters.
  Result<std::string> Hash(const std::string& password) const;
  /// Constant-time check; false for any malformed hash.
  bool Verify(const std::string& password, const std::string& encoded) const;

  /// The most hashes it lets run at once.
  std::size_t max_concurrent() const { return slots_->limit; }
  /// Hashes running now, and the most that ever ran at once.
  std::size_t running() const;
  std::size_t peak_running() const;

 private:
  /// Counts hashes in progress; shared by copies of the hasher.
  struct Slots {
    std::size_t limit;
    mutable std::mutex mutex;
    std::condition_variable freed;
    std::size_t running = 0;
    std::size_t peak = 0;
  };
  /// Holds one of the slots while a hash runs.
  class Turn {
   public:
    explicit Turn(Slots& slots);
    ~Turn();
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    Slots& slots_;
  };

  unsigned long long ops_limit_;
  std::size_t mem_limit_;
  std::shared_ptr<Slots> slots_;
};

}  // namespace barbershop::common
