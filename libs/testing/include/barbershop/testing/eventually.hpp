#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace barbershop::testing {

/// Checks `condition` until it holds or `within` has passed, and returns whether it
/// held.  The one way the tests wait for something another thread or process does: they
/// state what they wait for and a deadline far beyond what it takes on a busy machine,
/// never a fixed pause.
template <typename Condition>
bool Eventually(Condition&& condition, std::chrono::milliseconds within = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  auto pause = std::chrono::milliseconds(1);
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace barbershop::testing
