#pragma once

#include <atomic>
#include <chrono>

namespace barbershop::realtime::net {

/// When a socket last received anything, and whether it has been pinged since: the
/// server's sweep reads it from its own thread to ping a quiet socket and to close one
/// that stays silent (ws_server.cpp).
struct Liveness {
  using Clock = std::chrono::steady_clock;
  enum class Verdict { kFine, kPing, kSilent };

  void Heard() {
    heard_at.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    pinged.store(false, std::memory_order_relaxed);
  }
  /// kPing once after half of `idle_timeout` without a byte; kSilent after all of it.
  Verdict Check(Clock::time_point now, Clock::duration idle_timeout) {
    const auto quiet = now - Clock::time_point(Clock::duration(heard_at.load(std::memory_order_relaxed)));
    if (quiet >= idle_timeout) return Verdict::kSilent;
    if (quiet >= idle_timeout / 2 && !pinged.exchange(true, std::memory_order_relaxed)) return Verdict::kPing;
    return Verdict::kFine;
  }

  std::atomic<Clock::rep> heard_at{Clock::now().time_since_epoch().count()};
  std::atomic<bool> pinged{false};
};

}  // namespace barbershop::realtime::net
