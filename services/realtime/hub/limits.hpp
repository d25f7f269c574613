#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace barbershop::realtime::hub {

/// A token bucket: `rate` messages a second on average, `burst` at once.  Used on one
/// socket's strand only (not thread-safe); small, since every socket holds one.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double rate, double burst, Clock::time_point now)
      : rate_(static_cast<float>(rate)), burst_(static_cast<float>(burst)), tokens_(burst_), last_(now) {}
  /// Takes one token; false when none is left (a rate of 0 never runs out).
  bool Take(Clock::time_point now);

 private:
  float rate_;
  float burst_;
  float tokens_;
  Clock::time_point last_;
};

/// Open sockets per user and per client address, against limits (0: none).
/// Thread-safe.
class SocketCounter {
 public:
  SocketCounter(std::size_t per_user, std::size_t per_address) : per_user_(per_user), per_address_(per_address) {}
  enum class Verdict { kAdmitted, kUserFull, kAddressFull };
  /// Counts a socket of `user` from `address` unless either is at its limit.  An empty
  /// `user` (a socket anyone may open) counts against its address only.
  Verdict TryAdd(const std::string& user, const std::string& address);
  /// Whether `address` is at its limit now: TryAdd would refuse its next socket.
  bool AddressFull(const std::string& address) const;
  /// Forgets a socket that TryAdd admitted.
  void Remove(const std::string& user, const std::string& address);
  std::size_t OfUser(const std::string& user) const;

 private:
  static void Decrement(std::map<std::string, std::size_t>& counts, const std::string& key);
  std::size_t per_user_;
  std::size_t per_address_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> users_;
  std::map<std::string, std::size_t> addresses_;
};

}  // namespace barbershop::realtime::hub
