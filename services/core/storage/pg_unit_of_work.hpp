#pragma once

#include <optional>
#include <utility>

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

/// One repository with the list cache optionally in front of it: calls go through the
/// cache once wired, and straight to PostgreSQL again after Bypass.
template <typename Interface, typename Raw, typename Cached>
class CacheLayer {
 public:
  template <typename... Args>
  explicit CacheLayer(Database& db, Args&&... args) : raw_(db, std::forward<Args>(args)...) {}
  CacheLayer(const CacheLayer&) = delete;
  CacheLayer& operator=(const CacheLayer&) = delete;

  void Wire(domain::ListCache& lists) { in_use_ = &cached_.emplace(raw_, lists); }
  void Bypass() { in_use_ = &raw_; }
  Interface& get() { return *in_use_; }

 private:
  Raw raw_;
  std::optional<Cached> cached_;
  Interface* in_use_ = &raw_;
};

/// The repositories of one call on one PostgreSQL connection, with the list cache in
/// front of accounts, barbers, time off, appointments and held times when wired.  Used by
/// the thread that owns `db`.
class PgUnitOfWork final : public domain::UnitOfWork {
 public:
  PgUnitOfWork(Database& db, const PgWiring& wiring);

  domain::AccountRepository& accounts() override { return accounts_.get(); }
  domain::BarberRepository& barbers() override { return barbers_.get(); }
  domain::TimeOffRepository& time_off() override { return time_off_.get(); }
  domain::AppointmentRepository& appointments() override { return appointments_.get(); }
  domain::AttemptCounter& attempts() override { return attempts_; }
  domain::SessionRepository& sessions() override { return sessions_; }
  domain::CalendarRepository& calendars() override { return calendars_; }
  domain::WaitlistRepository& waitlist() override { return waitlist_.get(); }
  bool ChangeInDoubt() const override { return db_.ChangeInDoubt(); }
  void Restart() override { db_.BeginWork(); }
  void ReadFromStore() override;

 private:
  /// Calls `visit` with each repository the list cache can sit in front of.
  template <typename Visit>
  void EachCacheLayer(Visit visit) {
    visit(accounts_);
    visit(barbers_);
    visit(time_off_);
    visit(appointments_);
    visit(waitlist_);
  }

  Database& db_;
  CacheLayer<domain::AccountRepository, PgAccountRepository, domain::CachedAccounts> accounts_;
  CacheLayer<domain::BarberRepository, PgBarberRepository, domain::CachedBarbers> barbers_;
  CacheLayer<domain::TimeOffRepository, PgTimeOffRepository, domain::CachedTimeOff> time_off_;
  CacheLayer<domain::AppointmentRepository, PgAppointmentRepository, domain::CachedAppointments> appointments_;
  PgAttemptCounter attempts_;
  PgSessionRepository sessions_;
  PgCalendarRepository calendars_;
  CacheLayer<domain::WaitlistRepository, PgWaitlistRepository, domain::CachedWaitlist> waitlist_;
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
