#include "cached_repositories.hpp"

namespace barbershop::core::domain {

common::Result<Appointment> CachedAppointments::Insert(const NewAppointment& appointment,
                                                       const std::function<OutboxEvent(const Appointment&)>& event) {
  auto created = inner_.Insert(appointment, event);
  if (created) Changed(*created);
  return created;
}

common::Result<Appointment> CachedAppointments::Update(const Appointment& before, const Appointment& after,
                                                       const OutboxEvent& event) {
  auto updated = inner_.Update(before, after, event);
  if (updated) Changed(*updated);
  return updated;
}

common::Result<std::vector<Appointment>> CachedAppointments::ListForClient(const std::string& client_id,
                                                                           const TimeRange& range) {
  return Listed(ListKey{client_id, false, range});
}

common::Result<std::vector<Appointment>> CachedAppointments::ListForBarber(const std::string& barber_id,
                                                                           const TimeRange& range) {
  return Listed(ListKey{barber_id, true, range});
}

std::shared_ptr<const std::vector<Appointment>> CachedAppointments::Kept(ListCache& cache, const ListKey& key) {
  std::optional<ListCache::Ticket> unused;
  return cache.Find(key, unused);
}

common::Result<std::vector<Appointment>> CachedAppointments::Listed(const ListKey& key) {
  // The ticket is taken before the read: an answer read while the party changed, or while
  // the cache was cleared, is not kept.
  std::optional<ListCache::Ticket> ticket;
  if (const auto kept = cache_.Find(key, ticket)) return *kept;
  auto listed = key.chair ? inner_.ListForBarber(key.party, key.range) : inner_.ListForClient(key.party, key.range);
  if (listed && ticket) cache_.Store(key, *ticket, *listed);
  return listed;
}

void CachedAppointments::Changed(const Appointment& appointment) {
  cache_.Forget(appointment.barber_id);
  cache_.Forget(appointment.client_id);
}

common::Status CachedBarbers::SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                                         const std::vector<WorkingHours>& hours,
                                         const std::optional<RuleChoices>& rules,
                                         const std::optional<OutboxEvent>& event) {
  auto saved = inner_.SaveBarber(user_id, name, auto_confirm, hours, rules, event);
  if (saved) cache_.ForgetAll();
  return saved;
}

common::Result<std::optional<User>> CachedAccounts::UpdateProfile(const std::string& id, const ProfileChange& change) {
  auto updated = inner_.UpdateProfile(id, change);
  if (updated && updated->has_value() && change.username) cache_.ForgetAll();
  return updated;
}

common::Result<bool> CachedAccounts::SetActive(const std::string& id, bool active, const SessionEnding& ending) {
  auto found = inner_.SetActive(id, active, ending);
  if (found && *found) {
    if (active) {
      cache_.Reopen(id);
    } else {
      cache_.Close(id);
    }
  }
  return found;
}

common::Status CachedAccounts::DeleteCustomer(const std::string& id,
                                              const std::vector<AppointmentChange>& cancellations, TimePoint now,
                                              const SessionEnding& ending) {
  auto deleted = inner_.DeleteCustomer(id, cancellations, now, ending);
  if (deleted) {
    cache_.Close(id);
    cache_.ForgetAll();  // "former customer" shows on their barbers' lists
  }
  return deleted;
}

}  // namespace barbershop::core::domain
