#include "reconnect_backoff.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace barbershop::core::storage {

ReconnectBackoff::ReconnectBackoff(std::string who, common::Counter& reconnects, std::chrono::milliseconds first,
                                   std::chrono::milliseconds most)
    : who_(std::move(who)), reconnects_(reconnects), first_(first), most_(std::max(first, most)), next_(first) {}

std::chrono::milliseconds ReconnectBackoff::Failed(const std::exception& error) {
  const auto delay = next_;
  next_ = std::min(next_ * 2, most_);
  ++failures_;
  if (failures_ == 1) {
    spdlog::warn("{}: {}; reconnecting to the database in {} ms", who_, error.what(), delay.count());
  } else {
    spdlog::warn("{}: database still unreachable after {} attempts ({}); next attempt in {} ms", who_, failures_,
                 error.what(), delay.count());
  }
  return delay;
}

void ReconnectBackoff::Connected() {
  if (failures_ > 0) {
    reconnects_.Inc();
    spdlog::info("{}: database connection restored after {} failed attempts", who_, failures_);
  }
  failures_ = 0;
  next_ = first_;
}

}  // namespace barbershop::core::storage
