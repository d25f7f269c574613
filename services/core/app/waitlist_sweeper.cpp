#include "waitlist_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace barbershop::core::app {

namespace {
/// Holds lapsed per sweep; more wait for the next.
constexpr std::size_t kLapsesPerSweep = 100;
/// Barbers' lines per recheck.
constexpr std::size_t kLinesPerRecheck = 1000;
}  // namespace

void WaitlistSweeper::Start() {
  thread_ = std::thread([this] {
    using Clock = std::chrono::steady_clock;
    auto next_recheck = Clock::now() + recheck_;
    while (!stop_.WaitFor(interval_)) {
      const bool recheck = Clock::now() >= next_recheck;
      if (recheck) next_recheck = Clock::now() + recheck_;
      // A full queue skips this sweep; the next one finds the same holds (and the next
      // recheck, the same lines).
      work_.Submit([this, recheck](domain::UnitOfWork& work) {
        domain::WaitlistService waitlist(work, shop_time_, clock_, booking_, policy_);
        if (auto lapsed = waitlist.Sweep(kLapsesPerSweep); !lapsed) {
          spdlog::warn("waitlist sweep: {}", lapsed.error().message);
        } else if (*lapsed > 0) {
          spdlog::info("waitlist sweep: {} holds lapsed and their times offered on", *lapsed);
        }
        if (!recheck) return;
        if (auto offered = waitlist.Recheck(kLinesPerRecheck); !offered) {
          spdlog::warn("waitlist recheck: {}", offered.error().message);
        } else if (*offered > 0) {
          spdlog::info("waitlist recheck: {} free times offered that no change had offered", *offered);
        }
      });
    }
  });
}

void WaitlistSweeper::Stop() {
  stop_.Stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace barbershop::core::app
