#pragma once

#include <memory>
#include <vector>

#include "day_source.hpp"
#include "list_cache.hpp"
#include "repositories.hpp"

namespace barbershop::core::domain {

/// The appointment repository with the list cache in front of its lists.  Every list it
/// reads is kept for its party (a client, or a barber's chair) and range; every change it
/// commits forgets both parties' lists, so that the caller's next list through this copy
/// of the service shows it.  Other copies learn of the change through the cache's feed.
/// Used by one thread at a time, as the repository it wraps.
class CachedAppointments final : public AppointmentRepository {
 public:
  CachedAppointments(AppointmentRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Result<Appointment> Insert(const NewAppointment& appointment,
                                     const std::function<OutboxEvent(const Appointment&)>& event) override;
  common::Result<std::optional<Appointment>> Find(const std::string& id) override { return inner_.Find(id); }
  common::Result<std::optional<Appointment>> FindByIdempotencyKey(const std::string& booked_by,
                                                                  const std::string& idempotency_key) override {
    return inner_.FindByIdempotencyKey(booked_by, idempotency_key);
  }
  common::Result<Appointment> Update(const Appointment& before, const Appointment& after,
                                     const OutboxEvent& event) override;
  common::Result<std::vector<Appointment>> ListForClient(const std::string& client_id, const TimeRange& range) override;
  common::Result<std::vector<Appointment>> ListForBarber(const std::string& barber_id, const TimeRange& range) override;
  common::Result<std::vector<AppointmentChangeRecord>> History(const std::string& appointment_id) override {
    return inner_.History(appointment_id);
  }

  /// The list kept for `key`, when there is one: what ListForClient (ListForBarber for a
  /// chair) would answer, without a connection.  For answering on the caller's thread.
  static std::shared_ptr<const std::vector<Appointment>> Kept(ListCache& cache, const ListKey& key);

 private:
  common::Result<std::vector<Appointment>> Listed(const ListKey& key);

  AppointmentRepository& inner_;
  ListCache& cache_;
};

/// The barber repository with the list cache in front of single barbers (by id, and by
/// name through the id last seen for it), and told of changes: a barber's new name shows
/// on their appointments, and so in any list, so a save forgets every list; a change of
/// services forgets the barber's party.
class CachedBarbers final : public BarberRepository {
 public:
  CachedBarbers(BarberRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                            const std::vector<WorkingHours>& hours, const std::optional<RuleChoices>& rules,
                            const std::optional<OutboxEvent>& event) override;
  common::Result<std::optional<Barber>> FindBarberById(const std::string& id) override;
  common::Result<std::optional<Barber>> FindBarberByName(const std::string& name) override;
  common::Result<std::vector<Barber>> ListBarbers() override { return inner_.ListBarbers(); }
  common::Status SaveService(const std::string& barber_id, const BarberService& service,
                             const std::optional<OutboxEvent>& event) override;
  common::Result<std::optional<BarberService>> RemoveService(const std::string& barber_id, const std::string& name,
                                                             const OutboxEvent& event) override;

 private:
  BarberRepository& inner_;
  ListCache& cache_;
};

/// The time-off repository with the list cache in front of a barber's time off, and the
/// barber's party forgotten when theirs changes.
class CachedTimeOff final : public TimeOffRepository {
 public:
  CachedTimeOff(TimeOffRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Result<TimeOff> AddTimeOff(const Barber& barber, const TimeRange& during, const std::string& reason,
                                     const OutboxEvent& event) override;
  common::Result<std::optional<TimeOff>> FindTimeOffById(const std::string& id) override {
    return inner_.FindTimeOffById(id);
  }
  common::Status DeleteTimeOff(const TimeOff& off, const OutboxEvent& event) override;
  common::Result<std::vector<TimeOff>> ListTimeOff(const std::string& barber_id, const TimeRange& range) override;

 private:
  TimeOffRepository& inner_;
  ListCache& cache_;
};

/// The waitlist repository with the list cache in front of a barber's held times, and
/// the barber's party forgotten when a hold of theirs begins or ends here.
class CachedWaitlist final : public WaitlistRepository {
 public:
  CachedWaitlist(WaitlistRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Status AddEntry(const WaitlistEntry& entry, int max_waiting) override {
    return inner_.AddEntry(entry, max_waiting);
  }
  common::Result<std::optional<WaitlistEntry>> FindEntry(const std::string& id) override {
    return inner_.FindEntry(id);
  }
  common::Result<std::vector<WaitlistEntry>> EntriesOf(const std::string& client_id) override {
    return inner_.EntriesOf(client_id);
  }
  common::Result<std::optional<WaitlistHold>> FindHold(const std::string& id) override { return inner_.FindHold(id); }
  common::Result<std::vector<WaitlistEntry>> Line(const std::string& barber_id, const TimeRange& range) override {
    return inner_.Line(barber_id, range);
  }
  common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) override;
  common::Result<bool> Offer(const WaitlistHold& hold, const OutboxEvent& event) override;
  common::Result<bool> EndHold(const WaitlistHold& hold, const std::string& state, const OutboxEvent& event) override;
  common::Result<std::optional<WaitlistHold>> Leave(const std::string& entry_id) override;
  common::Status Announce(const std::string& barber_id, const OutboxEvent& event) override {
    return inner_.Announce(barber_id, event);
  }
  common::Result<std::vector<WaitlistHold>> Lapse(TimePoint now, std::size_t limit) override;
  common::Result<std::vector<WaitingLine>> WaitingLines(TimePoint now, std::size_t limit) override {
    return inner_.WaitingLines(now, limit);
  }

 private:
  WaitlistRepository& inner_;
  ListCache& cache_;
};

/// A barber's days from what the list cache keeps now, and nothing else: anything it does
/// not keep answers kUnavailable, and the caller reads the repositories instead (which
/// also word any bad input).  For answering on the caller's thread.
class KeptDays final : public DaySource {
 public:
  explicit KeptDays(ListCache& cache) : cache_(cache) {}

  common::Result<Barber> FindBarber(const std::string& barber_name, const std::string& barber_id) override;
  common::Result<std::vector<TimeOff>> TimeOffDuring(const std::string& barber_id, const TimeRange& range) override;
  common::Result<std::shared_ptr<const std::vector<Appointment>>> Booked(const std::string& barber_id,
                                                                         const TimeRange& range) override;
  common::Result<std::vector<TimeRange>> Held(const std::string& barber_id, const TimeRange& range) override;

  /// Whether `error` says only that the cache did not have something.
  static bool NotKept(const common::Error& error) { return error.code == common::ErrorCode::kUnavailable; }

 private:
  ListCache& cache_;
};

/// The account repository with the list cache told of what shows on lists or closes
/// them: a new username shows on the account's appointments, and so in any list (every
/// list is forgotten); a deactivated or deleted account's lists are closed, so that its
/// old tokens never get one from memory.  Other copies hear of both through the feed.
class CachedAccounts final : public AccountRepository {
 public:
  CachedAccounts(AccountRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Result<User> CreateUser(const std::string& username, const std::string& email,
                                  const std::string& password_hash, Role role) override {
    return inner_.CreateUser(username, email, password_hash, role);
  }
  common::Result<std::optional<User>> FindUserByEmail(const std::string& email) override {
    return inner_.FindUserByEmail(email);
  }
  common::Result<std::optional<User>> FindUserById(const std::string& id) override { return inner_.FindUserById(id); }
  common::Result<std::optional<User>> UpdateProfile(const std::string& id, const ProfileChange& change) override;
  common::Result<bool> SetActive(const std::string& id, bool active, const SessionEnding& ending) override;
  common::Result<bool> ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                           const std::string& new_hash, const std::string& kept_session,
                                           const SessionEnding& ending) override {
    return inner_.ReplacePasswordHash(id, old_hash, new_hash, kept_session, ending);
  }
  common::Status DeleteCustomer(const std::string& id, const std::vector<AppointmentChange>& cancellations,
                                TimePoint now, const SessionEnding& ending) override;

 private:
  AccountRepository& inner_;
  ListCache& cache_;
};

}  // namespace barbershop::core::domain
