#pragma once

#include <functional>

#include "repositories.hpp"
#include "throttle.hpp"

namespace barbershop::core::domain {

/// The repositories one call works with, all on the same connection to the store.  The
/// application wires in the implementations (PostgreSQL in the service, in-memory fakes
/// in the unit tests).  Used by one thread at a time.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual AccountRepository& accounts() = 0;
  virtual BarberRepository& barbers() = 0;
  virtual TimeOffRepository& time_off() = 0;
  virtual AppointmentRepository& appointments() = 0;
  virtual AttemptCounter& attempts() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual CalendarRepository& calendars() = 0;
  virtual WaitlistRepository& waitlist() = 0;

  /// True when, since the unit began (or restarted), the connection broke after a change
  /// was sent and before its commit was confirmed: the change may or may not have been
  /// made.
  virtual bool ChangeInDoubt() const = 0;
  /// Begins again on the same connection: forgets what ChangeInDoubt remembered.
  virtual void Restart() = 0;
  /// From now on this unit reads the store itself, never what the list cache keeps: for
  /// a call that only reads, from a caller who was told of a change and must see it
  /// (another copy's cache may not have heard of it yet).  Without a cache, nothing
  /// changes.
  virtual void ReadFromStore() {}
};

/// Runs units of work off the caller's thread, on workers that each hold a connection.
/// Thread-safe.
class WorkQueue {
 public:
  using Task = std::function<void(UnitOfWork&)>;
  virtual ~WorkQueue() = default;
  /// False (and the task is dropped) when the queue is full or stopped.
  virtual bool Submit(Task task) = 0;
};

}  // namespace barbershop::core::domain
