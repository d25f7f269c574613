#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "barbershop/common/metrics.hpp"

namespace barbershop::common {

/// Where a thread's unexpected exceptions are counted: one series of
/// `unhandled_errors_total{where="..."}` per kind of thread.
Counter& UnhandledErrors(MetricsRegistry& metrics, const std::string& where);

/// Runs `work`.  Whatever it throws stops here: it is logged with `where` and counted in
/// `failures` (when given), and false is returned.  For the body of a pool job or a
/// handler, so that one bad input fails only the request concerned.
bool RunContained(std::string_view where, Counter* failures, const std::function<void()>& work) noexcept;

/// Runs `body` until it returns normally; each time it throws, the exception is logged
/// and counted as by RunContained and `body` runs again after a short pause.  For the
/// loop of a thread that must outlive any one failure (an event loop, a relay).
void RunRestarting(std::string_view where, Counter* failures, const std::function<void()>& body) noexcept;

}  // namespace barbershop::common
