#include "barbershop/common/contained.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <thread>

namespace barbershop::common {
namespace {

// A body that throws at once every time must not spin a core.
constexpr std::chrono::milliseconds kRestartPause{100};

void Report(std::string_view where, const char* what, Counter* failures) noexcept {
  try {
    spdlog::error("unhandled error in {}: {}", where, what);
  } catch (...) {
    // Logging failed too: the count below still shows it.
  }
  if (failures != nullptr) failures->Inc();
}

}  // namespace

Counter& UnhandledErrors(MetricsRegistry& metrics, const std::string& where) {
  return metrics.GetCounter("unhandled_errors_total",
                            "Exceptions stopped at a thread's or a job's edge, by where they were caught",
                            {{"where", where}});
}

bool RunContained(std::string_view where, Counter* failures, const std::function<void()>& work) noexcept {
  try {
    work();
    return true;
  } catch (const std::exception& e) {
    Report(where, e.what(), failures);
  } catch (...) {
    Report(where, "an exception of unknown type", failures);
  }
  return false;
}

void RunRestarting(std::string_view where, Counter* failures, const std::function<void()>& body) noexcept {
  while (!RunContained(where, failures, body)) std::this_thread::sleep_for(kRestartPause);
}

}  // namespace barbershop::common
