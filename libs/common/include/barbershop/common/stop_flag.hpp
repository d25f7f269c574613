#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace barbershop::common {

/// The stop request of a background loop.  The loop checks stopped() between steps and
/// pauses with WaitFor, which returns the moment Stop() is called, so a service stops
/// at once however long a pause (a backoff, a sweep interval) was meant to be.
class StopFlag {
 public:
  /// Sets the flag and wakes every WaitFor.
  void Stop();
  bool stopped() const { return stopped_.load(); }
  /// Pauses for `delay`, or less when Stop() is called; true when stopped.
  bool WaitFor(std::chrono::steady_clock::duration delay) const;

  /// Like `bool`, so that `while (!stop_)` reads as before.
  explicit operator bool() const { return stopped(); }

 private:
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
};

}  // namespace barbershop::common
