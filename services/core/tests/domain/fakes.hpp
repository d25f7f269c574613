#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "domain/unit_of_work.hpp"

namespace barbershop::core::domain {

/// The rows the PostgreSQL repositories keep, in memory, with what the schema enforces
/// on them: the unique keys, the exclusion constraints on live appointments, the
/// triggers that keep time off and live appointments apart and cap a client's live
/// bookings, the foreign keys on the party names.  Names compare ignoring the case of
/// ASCII letters only (PostgreSQL's lower() folds every letter).  Not thread-safe.
struct InMemoryStore {
  /// `clock` stands for the database's now(): the live-booking cap counts the bookings
  /// that start after it.
  explicit InMemoryStore(const common::Clock& database_clock) : clock(database_clock) {}

  struct StoredAppointment {
    Appointment appointment;
    std::string booked_by;
    std::string idempotency_key;
  };
  /// A row of the outbox: the event and the appointment or barber it is about.
  struct StoredEvent {
    std::string aggregate_id;
    OutboxEvent event;
  };
  struct Attempts {
    int attempts = 0;
    TimePoint window_ends;
  };
  struct StoredSession {
    std::string user_id;
    std::optional<SessionEnd> ended;
  };
  struct StoredRefreshToken {
    std::string session_id;
    TimePoint expires_at;
    bool used = false;
  };
  /// A session's end, as the outbox holds it (routing key session.ended).
  struct StoredSessionEvent {
    std::string session_id;
    SessionEndedEvent event;
  };

  const common::Clock& clock;
  std::vector<User> users;
  std::set<std::string> deleted_users;    ///< by id: scrubbed, their username and e-mail free again
  std::map<std::string, Barber> barbers;  ///< by user id
  std::vector<TimeOff> time_off;          ///< barber_name filled in when read
  long long last_time_off_id = 0;
  std::vector<StoredAppointment> appointments;  ///< in the order they were made
  std::vector<StoredEvent> outbox;
  std::map<std::string, Attempts> attempts;                  ///< by key
  std::map<std::string, StoredSession> sessions;             ///< by id
  std::map<std::string, StoredRefreshToken> refresh_tokens;  ///< by hash
  std::vector<StoredSessionEvent> session_events;
  std::map<std::string, std::string> calendar_links;  ///< token hash by user id
  std::vector<WaitlistEntry> waitlist;                ///< in the order joined; holds and declined times not kept here
  std::vector<WaitlistHold> holds;                    ///< in the order offered

  /// Ends the user's open sessions but `kept`, each with its event, as the storage's
  /// EndSessionsOf does.
  void EndSessionsOf(const std::string& user_id, const std::string& kept, const SessionEnding& ending);
  /// Ends one session with its event unless it has ended; whether it was open.
  bool EndSession(const std::string& session_id, const std::string& user_id, const SessionEnding& ending);
};

class InMemoryAccountRepository final : public AccountRepository {
 public:
  explicit InMemoryAccountRepository(InMemoryStore& store) : store_(store) {}
  common::Result<User> CreateUser(const std::string& username, const std::string& email,
                                  const std::string& password_hash, Role role) override;
  common::Result<std::optional<User>> FindUserByEmail(const std::string& email) override;
  common::Result<std::optional<User>> FindUserById(const std::string& id) override;
  common::Result<std::optional<User>> UpdateProfile(const std::string& id, const ProfileChange& change) override;
  common::Result<bool> SetActive(const std::string& id, bool active, const SessionEnding& ending) override;
  common::Result<bool> ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                           const std::string& new_hash, const std::string& kept_session,
                                           const SessionEnding& ending) override;
  common::Status DeleteCustomer(const std::string& id, const std::vector<AppointmentChange>& cancellations,
                                TimePoint now, const SessionEnding& ending) override;

 private:
  /// A live account other than `id` has this username or e-mail (the partial unique
  /// indexes users_username_key and users_email_key, in that order).
  common::Status Untaken(const std::string& id, const std::string* username, const std::string* email) const;

  InMemoryStore& store_;
};

class InMemoryBarberRepository final : public BarberRepository {
 public:
  explicit InMemoryBarberRepository(InMemoryStore& store) : store_(store) {}
  common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                            const std::vector<WorkingHours>& hours, const std::optional<RuleChoices>& rules,
                            const std::optional<OutboxEvent>& event) override;
  common::Result<std::optional<Barber>> FindBarberById(const std::string& id) override;
  common::Result<std::optional<Barber>> FindBarberByName(const std::string& name) override;
  common::Result<std::vector<Barber>> ListBarbers() override;
  common::Status SaveService(const std::string& barber_id, const BarberService& service,
                             const std::optional<OutboxEvent>& event) override;
  common::Result<std::optional<BarberService>> RemoveService(const std::string& barber_id, const std::string& name,
                                                             const OutboxEvent& event) override;

 private:
  InMemoryStore& store_;
};

class InMemoryTimeOffRepository final : public TimeOffRepository {
 public:
  explicit InMemoryTimeOffRepository(InMemoryStore& store) : store_(store) {}
  common::Result<TimeOff> AddTimeOff(const Barber& barber, const TimeRange& during, const std::string& reason,
                                     const OutboxEvent& event) override;
  common::Result<std::optional<TimeOff>> FindTimeOffById(const std::string& id) override;
  common::Status DeleteTimeOff(const TimeOff& off, const OutboxEvent& event) override;
  common::Result<std::vector<TimeOff>> ListTimeOff(const std::string& barber_id, const TimeRange& range) override;

 private:
  InMemoryStore& store_;
};

class InMemoryAppointmentRepository final : public AppointmentRepository {
 public:
  explicit InMemoryAppointmentRepository(InMemoryStore& store) : store_(store) {}
  common::Result<Appointment> Insert(const NewAppointment& appointment,
                                     const std::function<OutboxEvent(const Appointment&)>& event) override;
  common::Result<std::optional<Appointment>> Find(const std::string& id) override;
  common::Result<std::optional<Appointment>> FindByIdempotencyKey(const std::string& booked_by,
                                                                  const std::string& idempotency_key) override;
  common::Result<Appointment> Update(const Appointment& before, const Appointment& after,
                                     const OutboxEvent& event) override;
  common::Result<std::vector<Appointment>> ListForClient(const std::string& client_id, const TimeRange& range) override;
  common::Result<std::vector<Appointment>> ListForBarber(const std::string& barber_id, const TimeRange& range) override;
  /// What migration 013's table holds: one change per appointment event in the outbox
  /// (reminders are not changes), read from the event as the statements read it.
  common::Result<std::vector<AppointmentChangeRecord>> History(const std::string& appointment_id) override;

  /// How many lists were read from the store (what a cache in front saves).
  std::size_t lists_read() const { return lists_read_; }

 private:
  common::Result<std::vector<Appointment>> List(bool chair, const std::string& party, const TimeRange& range);

  InMemoryStore& store_;
  std::size_t lists_read_ = 0;
};

/// Counts attempts per key in windows on the store's clock, as PgAttemptCounter does.
class InMemoryAttemptCounter final : public AttemptCounter {
 public:
  explicit InMemoryAttemptCounter(InMemoryStore& store) : store_(store) {}
  common::Result<std::chrono::seconds> RefusedFor(
      const std::vector<std::pair<std::string, AttemptLimit>>& keys) override;
  common::Result<std::chrono::seconds> Count(const std::vector<std::pair<std::string, AttemptLimit>>& keys) override;
  common::Status Forget(const std::string& key) override;

 private:
  InMemoryStore& store_;
};

/// Sessions and refresh tokens as PgSessionRepository keeps them.
class InMemorySessionRepository final : public SessionRepository {
 public:
  explicit InMemorySessionRepository(InMemoryStore& store) : store_(store) {}
  common::Status CreateSession(const std::string& session_id, const std::string& user_id,
                               const std::string& refresh_hash, TimePoint now, TimePoint refresh_expires_at) override;
  common::Result<SessionCheck> FindSessionState(const std::string& session_id, const std::string& user_id) override;
  common::Result<RefreshOutcome> RotateRefreshToken(const std::string& used_hash, const std::string& next_hash,
                                                    TimePoint now, TimePoint next_expires_at) override;
  common::Result<bool> EndSession(const std::string& session_id, const std::string& user_id,
                                  const SessionEnding& ending) override;

 private:
  InMemoryStore& store_;
};

/// Calendar links as PgCalendarRepository keeps them; a feed's changes from the history.
class InMemoryCalendarRepository final : public CalendarRepository {
 public:
  InMemoryCalendarRepository(InMemoryStore& store, InMemoryAppointmentRepository& appointments)
      : store_(store), appointments_(appointments) {}
  common::Status SetCalendarLink(const std::string& user_id, const std::string& token_hash, TimePoint now) override;
  common::Result<std::optional<User>> FindCalendarOwner(const std::string& token_hash) override;
  common::Result<std::vector<CalendarEntry>> CalendarEntries(const std::string& user_id, TimePoint since) override;

 private:
  InMemoryStore& store_;
  InMemoryAppointmentRepository& appointments_;
};

/// The waitlist as PgWaitlistRepository keeps it (migration 015): one live hold per
/// entry, held times apart from each other and from live appointments.
class InMemoryWaitlistRepository final : public WaitlistRepository {
 public:
  explicit InMemoryWaitlistRepository(InMemoryStore& store) : store_(store) {}
  common::Status AddEntry(const WaitlistEntry& entry, int max_waiting) override;
  common::Result<std::optional<WaitlistEntry>> FindEntry(const std::string& id) override;
  common::Result<std::vector<WaitlistEntry>> EntriesOf(const std::string& client_id) override;
  common::Result<std::optional<WaitlistHold>> FindHold(const std::string& id) override;
  common::Result<std::vector<WaitlistEntry>> Line(const std::string& barber_id, const TimeRange& range) override;
  common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) override;
  common::Result<bool> Offer(const WaitlistHold& hold, const OutboxEvent& event) override;
  common::Result<bool> EndHold(const WaitlistHold& ended, const std::string& state, const OutboxEvent& event) override;
  common::Result<std::optional<WaitlistHold>> Leave(const std::string& entry_id) override;
  common::Status Announce(const std::string& barber_id, const OutboxEvent& event) override;
  common::Result<std::vector<WaitlistHold>> Lapse(TimePoint now, std::size_t limit) override;
  common::Result<std::vector<WaitingLine>> WaitingLines(TimePoint now, std::size_t limit) override;

 private:
  InMemoryStore& store_;
};

/// Every repository on one in-memory store.  Not thread-safe.
class InMemoryUnitOfWork final : public UnitOfWork {
 public:
  explicit InMemoryUnitOfWork(const common::Clock& clock)
      : store_(clock),
        accounts_(store_),
        barbers_(store_),
        time_off_(store_),
        appointments_(store_),
        attempts_(store_),
        sessions_(store_),
        calendars_(store_, appointments_),
        waitlist_(store_) {}

  AccountRepository& accounts() override { return accounts_; }
  BarberRepository& barbers() override { return barbers_; }
  TimeOffRepository& time_off() override { return time_off_; }
  AppointmentRepository& appointments() override { return appointments_; }
  AttemptCounter& attempts() override { return attempts_; }
  SessionRepository& sessions() override { return sessions_; }
  CalendarRepository& calendars() override { return calendars_; }
  WaitlistRepository& waitlist() override { return waitlist_; }
  /// Nothing in memory is ever in doubt.
  bool ChangeInDoubt() const override { return false; }
  void Restart() override {}

  InMemoryStore& store() { return store_; }
  InMemoryAppointmentRepository& stored_appointments() { return appointments_; }

 private:
  InMemoryStore store_;
  InMemoryAccountRepository accounts_;
  InMemoryBarberRepository barbers_;
  InMemoryTimeOffRepository time_off_;
  InMemoryAppointmentRepository appointments_;
  InMemoryAttemptCounter attempts_;
  InMemorySessionRepository sessions_;
  InMemoryCalendarRepository calendars_;
  InMemoryWaitlistRepository waitlist_;
};

}  // namespace barbershop::core::domain
