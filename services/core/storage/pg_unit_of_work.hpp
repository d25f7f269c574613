#pragma once

#include "../domain/cached_repositories.hpp"
#include "../domain/unit_of_work.hpp"
#include "database.hpp"
#include "pg_accounts.hpp"
#include "pg_appointments.hpp"
#include "pg_attempt_counter.hpp"
#include "pg_barbers.hpp"
#include "pg_calendar.hpp"
#include "pg_sessions.hpp"
#include "pg_time_off.hpp"
#include "pg_waitlist.hpp"

namespace barbershop::core::storage {

/// What the PostgreSQL repositories are built with, beside their connection.
struct PgWiring {
  /// The list cache in front of the appointment lists (none: every list is read).
  domain::ListCache* lists = nullptr;
  /// Counts the bookings refused by the live-booking cap (none: not counted).
  common::Counter* cap_refusals = nullptr;
};

/// The repositories of one call on one PostgreSQL connection, with the list cache in
/// front of appointments, barbers, time off and held times when wired.  Used by the thread that owns `db`.
class PgUnitOfWork final : public domain::UnitOfWork {
 public:
  PgUnitOfWork(Database& db, const PgWiring& wiring);

  domain::AccountRepository& accounts() override { return *accounts_in_use_; }
  domain::BarberRepository& barbers() override { return *barbers_in_use_; }
  domain::TimeOffRepository& time_off() override { return *time_off_in_use_; }
  domain::AppointmentRepository& appointments() override { return *appointments_in_use_; }
  domain::AttemptCounter& attempts() override { return attempts_; }
  domain::SessionRepository& sessions() override { return sessions_; }
  domain::CalendarRepository& calendars() override { return calendars_; }
  domain::WaitlistRepository& waitlist() override { return *waitlist_in_use_; }
  bool ChangeInDoubt() const override { return db_.ChangeInDoubt(); }
  void Restart() override { db_.BeginWork(); }
  void ReadFromStore() override;

 private:
  Database& db_;
  PgAccountRepository accounts_;
  PgBarberRepository barbers_;
  PgTimeOffRepository time_off_;
  PgAppointmentRepository appointments_;
  PgAttemptCounter attempts_;
  PgSessionRepository sessions_;
  PgCalendarRepository calendars_;
  PgWaitlistRepository waitlist_;
  std::optional<domain::CachedAccounts> accounts_cached_;
  std::optional<domain::CachedBarbers> barbers_cached_;
  std::optional<domain::CachedAppointments> appointments_cached_;
  std::optional<domain::CachedTimeOff> time_off_cached_;
  std::optional<domain::CachedWaitlist> waitlist_cached_;
  domain::AccountRepository* accounts_in_use_ = &accounts_;  ///< through the cache when wired
  domain::BarberRepository* barbers_in_use_ = &barbers_;
  domain::AppointmentRepository* appointments_in_use_ = &appointments_;
  domain::TimeOffRepository* time_off_in_use_ = &time_off_;
  domain::WaitlistRepository* waitlist_in_use_ = &waitlist_;
};

/// The database executor's workers as a WorkQueue: each task gets a new unit of work on
/// its worker's connection.  Thread-safe.
class PgWorkQueue final : public domain::WorkQueue {
 public:
  PgWorkQueue(DbExecutor& executor, PgWiring wiring) : executor_(executor), wiring_(wiring) {}

  bool Submit(Task task) override;

 private:
  DbExecutor& executor_;
  const PgWiring wiring_;
};

}  // namespace barbershop::core::storage
