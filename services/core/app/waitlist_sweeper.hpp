#pragma once

#include <chrono>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/stop_flag.hpp"
#include "domain/bookings.hpp"
#include "domain/unit_of_work.hpp"
#include "domain/waitlist.hpp"

namespace barbershop::core::app {

/// Every `interval`, marks the waitlist holds that expired as lapsed and offers their
/// times to the next in line (WaitlistService::Sweep), on a database worker; every
/// `recheck`, also offers any free time in a waiting window (WaitlistService::Recheck).
/// Every copy of the core sweeps; two never mark the same hold (the statement skips
/// locked rows), nor hold one time twice (the database's constraints).
class WaitlistSweeper {
 public:
  WaitlistSweeper(domain::WorkQueue& work, const common::ShopTime& shop_time, const common::Clock& clock,
                  const domain::BookingPolicy& booking, const domain::WaitlistPolicy& policy,
                  std::chrono::milliseconds interval, std::chrono::milliseconds recheck)
      : work_(work),
        shop_time_(shop_time),
        clock_(clock),
        booking_(booking),
        policy_(policy),
        interval_(interval),
        recheck_(recheck) {}
  ~WaitlistSweeper() { Stop(); }
  WaitlistSweeper(const WaitlistSweeper&) = delete;
  WaitlistSweeper& operator=(const WaitlistSweeper&) = delete;

  void Start();
  /// Returns once the loop has ended; a sweep already handed to a worker finishes there.
  void Stop();

 private:
  domain::WorkQueue& work_;
  const common::ShopTime& shop_time_;
  const common::Clock& clock_;
  const domain::BookingPolicy& booking_;
  const domain::WaitlistPolicy& policy_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds recheck_;
  common::StopFlag stop_;
  std::thread thread_;
};

}  // namespace barbershop::core::app
