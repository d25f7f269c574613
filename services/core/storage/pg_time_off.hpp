#pragma once

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// TimeOffRepository on PostgreSQL: migration 006's triggers refuse time off over live
/// appointments, and bookings inside time off.  Used by the thread that owns `db`.
class PgTimeOffRepository final : public domain::TimeOffRepository {
 public:
  explicit PgTimeOffRepository(Database& db) : db_(db) {}

  common::Result<domain::TimeOff> AddTimeOff(const domain::Barber& barber, const domain::TimeRange& during,
                                             const std::string& reason, const domain::OutboxEvent& event) override;
  common::Result<std::optional<domain::TimeOff>> FindTimeOffById(const std::string& id) override;
  common::Status DeleteTimeOff(const domain::TimeOff& off, const domain::OutboxEvent& event) override;
  common::Result<std::vector<domain::TimeOff>> ListTimeOff(const std::string& barber_id,
                                                           const domain::TimeRange& range) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
