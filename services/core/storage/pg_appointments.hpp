#pragma once

#include "../domain/repositories.hpp"
#include "barbershop/common/metrics.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// AppointmentRepository on PostgreSQL: exclusion constraints refuse overlaps, and each
/// change and its outbox row are one statement, so one transaction.  Used by the thread
/// that owns `db`.
class PgAppointmentRepository final : public domain::AppointmentRepository {
 public:
  /// `cap_refusals`, when given, counts the bookings refused by the live-booking cap.
  explicit PgAppointmentRepository(Database& db, common::Counter* cap_refusals = nullptr)
      : db_(db), cap_refusals_(cap_refusals) {}

  common::Result<domain::Appointment> Insert(
      const domain::NewAppointment& appointment,
      const std::function<domain::OutboxEvent(const domain::Appointment&)>& event) override;
  common::Result<std::optional<domain::Appointment>> Find(const std::string& id) override;
  common::Result<std::optional<domain::Appointment>> FindByIdempotencyKey(const std::string& booked_by,
                                                                          const std::string& idempotency_key) override;
  common::Result<domain::Appointment> Update(const domain::Appointment& before, const domain::Appointment& after,
                                             const domain::OutboxEvent& event) override;
  common::Result<std::vector<domain::Appointment>> ListForClient(const std::string& client_id,
                                                                 const domain::TimeRange& range) override;
  common::Result<std::vector<domain::Appointment>> ListForBarber(const std::string& barber_id,
                                                                 const domain::TimeRange& range) override;
  common::Result<std::vector<domain::AppointmentChangeRecord>> History(const std::string& id) override;

 private:
  Database& db_;
  common::Counter* cap_refusals_;
};

/// Stores `after` (its status and times) and its outbox event in one statement, when the
/// row still has `before`'s status and start; the rows changed (0 or 1).  Inside a
/// caller's transaction, or alone in autocommit.
long long StoreChange(pqxx::transaction_base& tx, const domain::Appointment& before, const domain::Appointment& after,
                      const domain::OutboxEvent& event);

/// One appointment read inside a caller's transaction (prepared statements required).
std::optional<domain::Appointment> FindAppointment(pqxx::transaction_base& tx, const std::string& id);

}  // namespace barbershop::core::storage
