#include "barbershop/common/stop_flag.hpp"

namespace barbershop::common {

void StopFlag::Stop() {
  {
    // Under the lock, so that a WaitFor between its check and its wait cannot miss it.
    const std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
}

bool StopFlag::WaitFor(std::chrono::steady_clock::duration delay) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, delay, [this] { return stopped_.load(); });
}

}  // namespace barbershop::common
