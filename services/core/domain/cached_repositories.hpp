#pragma once

#include <memory>
#include <vector>

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
  void Changed(const Appointment& appointment);

  AppointmentRepository& inner_;
  ListCache& cache_;
};

/// The barber repository with the list cache told of renames: a barber's new name shows
/// on their appointments, and so in any list, so every list is forgotten.
class CachedBarbers final : public BarberRepository {
 public:
  CachedBarbers(BarberRepository& inner, ListCache& cache) : inner_(inner), cache_(cache) {}

  common::Status SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                            const std::vector<WorkingHours>& hours, const std::optional<RuleChoices>& rules,
                            const std::optional<OutboxEvent>& event) override;
  common::Result<std::optional<Barber>> FindBarberById(const std::string& id) override {
    return inner_.FindBarberById(id);
  }
  common::Result<std::optional<Barber>> FindBarberByName(const std::string& name) override {
    return inner_.FindBarberByName(name);
  }
  common::Result<std::vector<Barber>> ListBarbers() override { return inner_.ListBarbers(); }
  common::Result<BookingParties> FindBookingParties(const std::string& barber_name,
                                                    const std::string& client_id) override {
    return inner_.FindBookingParties(barber_name, client_id);
  }
  common::Status SaveService(const std::string& barber_id, const BarberService& service,
                             const std::optional<OutboxEvent>& event) override {
    return inner_.SaveService(barber_id, service, event);
  }
  common::Result<std::optional<BarberService>> RemoveService(const std::string& barber_id, const std::string& name,
                                                             const OutboxEvent& event) override {
    return inner_.RemoveService(barber_id, name, event);
  }

 private:
  BarberRepository& inner_;
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
