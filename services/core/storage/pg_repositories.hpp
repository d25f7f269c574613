#pragma once

#include "../domain/list_cache.hpp"
#include "../domain/repositories.hpp"
#include "barbershop/common/metrics.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// AccountRepository on PostgreSQL.  Used by the thread that owns `db`.
class PgAccountRepository final : public domain::AccountRepository {
 public:
  explicit PgAccountRepository(Database& db) : db_(db) {}

  common::Result<domain::User> CreateUser(const std::string& username, const std::string& email,
                                          const std::string& password_hash, domain::Role role) override;
  common::Result<std::optional<domain::User>> FindUserByEmail(const std::string& email) override;
  common::Result<std::optional<domain::User>> FindUserById(const std::string& id) override;
  common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                            const std::vector<domain::WorkingHours>& hours) override;
  common::Result<std::optional<domain::Barber>> FindBarberById(const std::string& id) override;
  common::Result<std::optional<domain::Barber>> FindBarberByName(const std::string& name) override;
  common::Result<std::vector<domain::Barber>> ListBarbers() override;
  common::Result<domain::BookingParties> FindBookingParties(const std::string& barber_name,
                                                            const std::string& client_id) override;
  common::Status SaveService(const std::string& barber_id, const domain::BarberService& service) override;
  common::Result<std::optional<domain::BarberService>> RemoveService(const std::string& barber_id,
                                                                     const std::string& name) override;
  common::Result<domain::TimeOff> AddTimeOff(const domain::Barber& barber, const domain::TimeRange& during,
                                             const std::string& reason) override;
  common::Result<std::optional<domain::TimeOff>> FindTimeOffById(const std::string& id) override;
  common::Status DeleteTimeOff(const std::string& id) override;
  common::Result<std::vector<domain::TimeOff>> ListTimeOff(const std::string& barber_id,
                                                           const domain::TimeRange& range) override;

 private:
  Database& db_;
};

/// AppointmentRepository on PostgreSQL: exclusion constraints refuse overlaps, and each
/// change and its outbox row are one statement, so one transaction.
class PgAppointmentRepository final : public domain::AppointmentRepository {
 public:
  /// `lists`, when given, forgets the parties' lists as soon as a change commits: the
  /// caller's next list through this copy of the service shows it, before the notice of
  /// migration 007 arrives.
  /// `cap_refusals`, when given, counts the bookings refused by the live-booking cap.
  explicit PgAppointmentRepository(Database& db, domain::ListCache* lists = nullptr,
                                   common::Counter* cap_refusals = nullptr)
      : db_(db), lists_(lists), cap_refusals_(cap_refusals) {}

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

 private:
  void Changed(const domain::Appointment& appointment);

  Database& db_;
  domain::ListCache* lists_;
  common::Counter* cap_refusals_;
};

/// One appointment read inside a caller's transaction (prepared statements required).
std::optional<domain::Appointment> FindAppointment(pqxx::transaction_base& tx, const std::string& id);

}  // namespace barbershop::core::storage
