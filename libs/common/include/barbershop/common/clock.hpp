#pragma once

#include <chrono>

namespace barbershop::common {

using TimePoint = std::chrono::sys_time<std::chrono::seconds>;

/// Source of the current time; tests pass a fake.  Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  /// The same instant to the millisecond, for timestamps people read (a chat message's
  /// sent_at); a clock that keeps whole seconds gives Now().
  virtual std::chrono::sys_time<std::chrono::milliseconds> NowMilliseconds() const { return Now(); }
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }
  std::chrono::sys_time<std::chrono::milliseconds> NowMilliseconds() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

/// A clock that stands still until told to move.  Not thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

}  // namespace barbershop::common
