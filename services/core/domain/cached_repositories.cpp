#include "cached_repositories.hpp"

namespace barbershop::core::domain {
namespace {

template <typename T>
using FindFn = std::shared_ptr<const std::vector<T>> (ListCache::*)(const ListKey&, std::optional<ListCache::Ticket>&);
template <typename T>
using StoreFn = void (ListCache::*)(const ListKey&, const ListCache::Ticket&, const std::vector<T>&);

// The list kept for `key`, or `read()`'s, kept when it may be.  The ticket is taken before
// the read: an answer read while the party changed, or while the cache was cleared, is
// not kept.
template <typename T, typename Read>
common::Result<std::vector<T>> Through(ListCache& cache, FindFn<T> find, StoreFn<T> store, const ListKey& key,
                                       const Read& read) {
  std::optional<ListCache::Ticket> ticket;
  if (const auto kept = (cache.*find)(key, ticket)) return *kept;
  common::Result<std::vector<T>> listed = read();
  if (listed && ticket) (cache.*store)(key, *ticket, *listed);
  return listed;
}

common::Error Unkept() { return common::MakeError(common::ErrorCode::kUnavailable, "not kept in memory"); }

}  // namespace

common::Result<Appointment> CachedAppointments::Insert(const NewAppointment& appointment,
                                                       const std::function<OutboxEvent(const Appointment&)>& event) {
  ListCache::Change change(cache_, {appointment.barber->id, appointment.client->id}, true);
  auto created = inner_.Insert(appointment, event);
  if (created) change.Made();
  return created;
}

common::Result<Appointment> CachedAppointments::Update(const Appointment& before, const Appointment& after,
                                                       const OutboxEvent& event) {
  ListCache::Change change(cache_, {before.barber_id, before.client_id}, true);
  auto updated = inner_.Update(before, after, event);
  if (updated) change.Made();
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
  return Through<Appointment>(cache_, &ListCache::Find, &ListCache::Store, key, [&] {
    return key.chair ? inner_.ListForBarber(key.party, key.range) : inner_.ListForClient(key.party, key.range);
  });
}

common::Status CachedBarbers::SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                                         const std::vector<WorkingHours>& hours,
                                         const std::optional<RuleChoices>& rules,
                                         const std::optional<OutboxEvent>& event) {
  auto saved = inner_.SaveBarber(user_id, name, auto_confirm, hours, rules, event);
  if (saved) cache_.ForgetAll();
  return saved;
}

common::Result<std::optional<Barber>> CachedBarbers::FindBarberById(const std::string& id) {
  std::optional<ListCache::Ticket> ticket;
  if (const auto kept = cache_.FindBarber(id, ticket)) return std::optional<Barber>(*kept);
  auto found = inner_.FindBarberById(id);
  if (found && *found && ticket) cache_.StoreBarber(*ticket, **found);
  return found;
}

common::Result<std::optional<Barber>> CachedBarbers::FindBarberByName(const std::string& name) {
  // The id last seen for the name leads to the barber kept (or read by id, and kept),
  // who must still bear it; otherwise the name is looked up.
  if (const auto id = cache_.BarberNamed(name)) {
    auto found = FindBarberById(*id);
    if (found && *found && BarberNameKey((*found)->name) == BarberNameKey(name)) return found;
  }
  auto found = inner_.FindBarberByName(name);
  if (found && *found) cache_.NameBarber(name, (*found)->id);
  return found;
}

common::Status CachedBarbers::SaveService(const std::string& barber_id, const BarberService& service,
                                          const std::optional<OutboxEvent>& event) {
  ListCache::Change change(cache_, {barber_id}, false);
  auto saved = inner_.SaveService(barber_id, service, event);
  if (saved) change.Made();
  return saved;
}

common::Result<std::optional<BarberService>> CachedBarbers::RemoveService(const std::string& barber_id,
                                                                          const std::string& name,
                                                                          const OutboxEvent& event) {
  ListCache::Change change(cache_, {barber_id}, false);
  auto removed = inner_.RemoveService(barber_id, name, event);
  if (removed) change.Made();
  return removed;
}

common::Result<TimeOff> CachedTimeOff::AddTimeOff(const Barber& barber, const TimeRange& during,
                                                  const std::string& reason, const OutboxEvent& event) {
  ListCache::Change change(cache_, {barber.id}, false);
  auto added = inner_.AddTimeOff(barber, during, reason, event);
  if (added) change.Made();
  return added;
}

common::Status CachedTimeOff::DeleteTimeOff(const TimeOff& off, const OutboxEvent& event) {
  ListCache::Change change(cache_, {off.barber_id}, false);
  auto deleted = inner_.DeleteTimeOff(off, event);
  if (deleted) change.Made();
  return deleted;
}

common::Result<std::vector<TimeOff>> CachedTimeOff::ListTimeOff(const std::string& barber_id, const TimeRange& range) {
  return Through<TimeOff>(cache_, &ListCache::FindTimeOff, &ListCache::StoreTimeOff, ListKey{barber_id, true, range},
                          [&] { return inner_.ListTimeOff(barber_id, range); });
}

common::Result<std::vector<TimeRange>> CachedWaitlist::Held(const std::string& barber_id, const TimeRange& range) {
  return Through<TimeRange>(cache_, &ListCache::FindHeld, &ListCache::StoreHeld, ListKey{barber_id, true, range},
                            [&] { return inner_.Held(barber_id, range); });
}

common::Result<bool> CachedWaitlist::Offer(const WaitlistHold& hold, const OutboxEvent& event) {
  ListCache::Change change(cache_, {hold.barber_id}, false);
  auto offered = inner_.Offer(hold, event);
  if (offered && *offered) change.Made();
  return offered;
}

common::Result<bool> CachedWaitlist::EndHold(const WaitlistHold& hold, const std::string& state,
                                             const OutboxEvent& event) {
  ListCache::Change change(cache_, {hold.barber_id}, false);
  auto ended = inner_.EndHold(hold, state, event);
  if (ended && *ended) change.Made();
  return ended;
}

common::Result<std::optional<WaitlistHold>> CachedWaitlist::Leave(const std::string& entry_id) {
  auto withdrawn = inner_.Leave(entry_id);
  if (withdrawn && *withdrawn) cache_.Forget((*withdrawn)->barber_id);
  return withdrawn;
}

common::Result<std::vector<WaitlistHold>> CachedWaitlist::Lapse(TimePoint now, std::size_t limit) {
  auto lapsed = inner_.Lapse(now, limit);
  if (lapsed) {
    for (const auto& hold : *lapsed) cache_.Forget(hold.barber_id);
  }
  return lapsed;
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

common::Result<Barber> KeptDays::FindBarber(const std::string& barber_name, const std::string& barber_id) {
  const auto id = barber_name.empty() ? std::optional<std::string>(barber_id) : cache_.BarberNamed(barber_name);
  if (!id) return Unkept();
  std::optional<ListCache::Ticket> unused;
  const auto kept = cache_.FindBarber(*id, unused);
  if (!kept || (!barber_name.empty() && BarberNameKey(kept->name) != BarberNameKey(barber_name))) return Unkept();
  return *kept;
}

common::Result<std::vector<TimeOff>> KeptDays::TimeOffDuring(const std::string& barber_id, const TimeRange& range) {
  std::optional<ListCache::Ticket> unused;
  const auto kept = cache_.FindTimeOff(ListKey{barber_id, true, range}, unused);
  if (!kept) return Unkept();
  return *kept;
}

common::Result<std::shared_ptr<const std::vector<Appointment>>> KeptDays::Booked(const std::string& barber_id,
                                                                                 const TimeRange& range) {
  std::optional<ListCache::Ticket> unused;
  auto kept = cache_.Find(ListKey{barber_id, true, range}, unused);
  if (!kept) return Unkept();
  return kept;
}

common::Result<std::vector<TimeRange>> KeptDays::Held(const std::string& barber_id, const TimeRange& range) {
  std::optional<ListCache::Ticket> unused;
  const auto kept = cache_.FindHeld(ListKey{barber_id, true, range}, unused);
  if (!kept) return Unkept();
  return *kept;
}

}  // namespace barbershop::core::domain
