#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "hub/availability.hpp"

namespace barbershop::realtime::store {

/// Free slots from the core service (GetAvailableSlots over gRPC, without a token: anyone
/// may read them), asked without blocking a thread.  The destructor waits for the
/// answers still out.  Thread-safe.
class CoreSlotSource final : public hub::SlotSource {
 public:
  explicit CoreSlotSource(const std::string& core_address);
  ~CoreSlotSource() override;
  CoreSlotSource(const CoreSlotSource&) = delete;
  CoreSlotSource& operator=(const CoreSlotSource&) = delete;

  void FreeSlots(const hub::AvailabilityKey& key, Answer answer) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int in_flight_ = 0;
};

}  // namespace barbershop::realtime::store
