#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "barbershop/common/result.hpp"
#include "barbershop/common/shop_time.hpp"
#include "hub/routes.hpp"

namespace barbershop::realtime::store {

/// Tells who the parties of an appointment are, asking with the caller's own token.
class AppointmentParties {
 public:
  virtual ~AppointmentParties() = default;
  /// kPermissionDenied when the token's user is not a party (nor an admin), kNotFound
  /// for an unknown appointment, kUnavailable when the answer cannot be had.  Blocking.
  virtual common::Result<hub::Parties> Lookup(const std::string& token, const std::string& appointment_id) = 0;
};

/// Asks the core service (GetAppointment over gRPC) and remembers answers for a while;
/// the parties of an appointment never change, so an answer serves other users too.
/// Events seen on the bus fill the cache as well.  Thread-safe.
class GrpcAppointmentParties final : public AppointmentParties {
 public:
  /// `shop_time` reads the appointment's end as the core writes it.
  GrpcAppointmentParties(const std::string& core_address, std::chrono::seconds cache_for,
                         const common::ShopTime& shop_time);
  ~GrpcAppointmentParties() override;

  common::Result<hub::Parties> Lookup(const std::string& token, const std::string& appointment_id) override;
  void Remember(const std::string& appointment_id, const hub::Parties& parties);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::chrono::seconds cache_for_;
  const common::ShopTime& shop_time_;
  std::mutex mutex_;
  std::map<std::string, std::pair<hub::Parties, std::chrono::steady_clock::time_point>> cache_;
};

}  // namespace barbershop::realtime::store
