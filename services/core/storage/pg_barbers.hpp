#pragma once

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// BarberRepository on PostgreSQL (barbers, working hours, price lists).  Used by the
/// thread that owns `db`.
class PgBarberRepository final : public domain::BarberRepository {
 public:
  explicit PgBarberRepository(Database& db) : db_(db) {}

  common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                            const std::vector<domain::WorkingHours>& hours,
                            const std::optional<domain::RuleChoices>& rules,
                            const std::optional<domain::OutboxEvent>& event) override;
  common::Result<std::optional<domain::Barber>> FindBarberById(const std::string& id) override;
  common::Result<std::optional<domain::Barber>> FindBarberByName(const std::string& name) override;
  common::Result<std::vector<domain::Barber>> ListBarbers() override;
  common::Status SaveService(const std::string& barber_id, const domain::BarberService& service,
                             const std::optional<domain::OutboxEvent>& event) override;
  common::Result<std::optional<domain::BarberService>> RemoveService(const std::string& barber_id,
                                                                     const std::string& name,
                                                                     const domain::OutboxEvent& event) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
