#include "waitlist_sweeper.hpp"

#include <spdlog/spdlog.h>

namespace barbershop::core::app {

namespace {
/// Holds lapsed per sweep; more wait for the next.
constexpr std::size_t kLapsesPerSweep = 100;
}  // namespace

void WaitlistSweeper::Start() {
  thread_ = std::thread([this] {
    while (!stop_.WaitFor(interval_)) {
      // A full queue skips this sweep; the next one finds the same holds.
      work_.Submit([this](domain::UnitOfWork& work) {
        domain::WaitlistService waitlist(work, shop_time_, clock_, booking_, policy_);
        if (auto lapsed = waitlist.Sweep(kLapsesPerSweep); !lapsed) {
          spdlog::warn("waitlist sweep: {}", lapsed.error().message);
        } else if (*lapsed > 0) {
          spdlog::info("waitlist sweep: {} holds lapsed and their times offered on", *lapsed);
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
