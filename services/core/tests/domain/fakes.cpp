#include "fakes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include <nlohmann/json.hpp>

#include "barbershop/common/ids.hpp"
#include "domain/profiles.hpp"

namespace barbershop::core::domain {

using common::ErrorCode;
using common::MakeError;
using common::Ok;

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// tstzrange(from, to) && tstzrange(from, to): half-open ranges that share an instant.
bool Overlap(const TimeRange& a, const TimeRange& b) { return a.from < b.to && b.from < a.to; }

TimeRange During(const Appointment& a) { return {a.starts_at, a.ends_at}; }

// What the database answers for a statement that broke a rule the domain should have
// kept (a check constraint, a foreign key): Guarded's answer to an unexpected error.
common::Error Internal() { return MakeError(ErrorCode::kInternal, "internal error"); }

bool BarberIsOff(const InMemoryStore& store, const std::string& barber_id, const TimeRange& range) {
  return std::any_of(store.time_off.begin(), store.time_off.end(),
                     [&](const TimeOff& t) { return t.barber_id == barber_id && Overlap(t.during, range); });
}

// The exclusion constraints appointments_barber_no_overlap and
// appointments_client_no_overlap, checked in that order, for `row` against every other
// live appointment.
common::Status ClearOfOverlaps(const InMemoryStore& store, const Appointment& row) {
  if (!IsLive(row.status)) return Ok{};
  const auto clash = [&](auto same_party) {
    return std::any_of(store.appointments.begin(), store.appointments.end(), [&](const auto& stored) {
      const Appointment& other = stored.appointment;
      return other.id != row.id && IsLive(other.status) && same_party(other) && Overlap(During(other), During(row));
    });
  };
  if (clash([&](const Appointment& other) { return other.barber_id == row.barber_id; })) {
    return MakeError(ErrorCode::kAlreadyExists, "that slot is already booked");
  }
  if (clash([&](const Appointment& other) { return other.client_id == row.client_id; })) {
    return MakeError(ErrorCode::kAlreadyExists, "the client already has an appointment at that time");
  }
  return Ok{};
}

// Migration 012's appointments_clear_of_buffers: no live appointment of the barber
// starts within another's buffer (plain overlaps are ClearOfOverlaps's).
common::Status ClearOfBuffers(const InMemoryStore& store, const Appointment& row) {
  if (!IsLive(row.status)) return Ok{};
  const TimeRange with_buffer{row.starts_at, row.ends_at + row.buffer};
  const bool inside = std::any_of(store.appointments.begin(), store.appointments.end(), [&](const auto& stored) {
    const Appointment& other = stored.appointment;
    return other.id != row.id && other.barber_id == row.barber_id && IsLive(other.status) &&
           !Overlap(During(other), During(row)) &&
           Overlap({other.starts_at, other.ends_at + other.buffer}, with_buffer);
  });
  if (!inside) return Ok{};
  return MakeError(ErrorCode::kFailedPrecondition,
                   "inside the buffer: " + row.barber_name + " keeps time free after each appointment");
}

// A hold's time with its buffer after it.
TimeRange Buffered(const WaitlistHold& hold) { return {hold.during.from, hold.during.to + hold.buffer}; }

// Migration 020's appointments_clear_of_holds: a live appointment may not meet a time held
// for another customer, either's buffer included; the holder's own that covers it,
// before the hold expires, claims it, and the holder's own that only meets its buffer is
// refused as inside the buffer.
common::Status ClaimOrRefuseHolds(InMemoryStore& store, const Appointment& row) {
  if (!IsLive(row.status)) return Ok{};
  const TimeRange with_buffer{row.starts_at, row.ends_at + row.buffer};
  for (auto& hold : store.holds) {
    if (hold.state != "held" || hold.barber_id != row.barber_id || !Overlap(Buffered(hold), with_buffer)) continue;
    if (hold.client_id != row.client_id) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "that time is held for a customer on the waitlist; it is free again if they pass it or let it "
                       "lapse");
    }
    if (!Overlap(hold.during, During(row))) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "inside the buffer: " + row.barber_name + " keeps time free after each appointment");
    }
    if (hold.expires_at <= store.clock.Now()) {
      return MakeError(ErrorCode::kFailedPrecondition, "your hold on that time lapsed; it went to the next in line");
    }
  }
  for (auto& hold : store.holds) {
    if (hold.state != "held" || hold.barber_id != row.barber_id || !Overlap(hold.during, During(row))) continue;
    hold.state = "claimed";
    for (auto& entry : store.waitlist) {
      if (entry.id == hold.entry_id) entry.state = "booked";
    }
  }
  return Ok{};
}

const User* UserById(const InMemoryStore& store, const std::string& id) {
  const auto it = std::find_if(store.users.begin(), store.users.end(), [&](const User& u) { return u.id == id; });
  return it == store.users.end() ? nullptr : &*it;
}

User* UserById(InMemoryStore& store, const std::string& id) {
  return const_cast<User*>(UserById(std::as_const(store), id));
}

const Barber* BarberByName(const InMemoryStore& store, const std::string& name) {
  const auto lower = Lower(name);
  for (const auto& [id, barber] : store.barbers) {
    if (Lower(barber.name) == lower) return &barber;
  }
  return nullptr;
}

// A barber as the database reads it: hours by weekday and opening, services by name
// ignoring case.
Barber AsRead(Barber barber) {
  std::sort(barber.hours.begin(), barber.hours.end(), [](const WorkingHours& a, const WorkingHours& b) {
    return a.weekday != b.weekday ? a.weekday < b.weekday : a.opens_minute < b.opens_minute;
  });
  std::sort(barber.services.begin(), barber.services.end(),
            [](const BarberService& a, const BarberService& b) { return Lower(a.name) < Lower(b.name); });
  return barber;
}

// The time off row with this id, or the end of the rows.
std::vector<TimeOff>::iterator TimeOffById(InMemoryStore& store, const std::string& id) {
  return std::find_if(store.time_off.begin(), store.time_off.end(), [&](const TimeOff& t) { return t.id == id; });
}

// A time off row as read: with the barber's name as it is now.
TimeOff AsRead(const InMemoryStore& store, TimeOff off) {
  const auto barber = store.barbers.find(off.barber_id);
  off.barber_name = barber == store.barbers.end() ? std::string() : barber->second.name;
  return off;
}

}  // namespace

common::Result<User> InMemoryAccountRepository::CreateUser(const std::string& username, const std::string& email,
                                                           const std::string& password_hash, Role role) {
  if (auto ok = Untaken({}, &username, &email); !ok) return ok.error();
  User user{common::NewUuid(), username, email, password_hash, role, {}, true};
  store_.users.push_back(user);
  return user;
}

common::Status InMemoryAccountRepository::Untaken(const std::string& id, const std::string* username,
                                                  const std::string* email) const {
  // users_username_key is checked before users_email_key, as PostgreSQL does (in the
  // order the indexes were made).
  const auto taken = [&](auto same) {
    return std::any_of(store_.users.begin(), store_.users.end(),
                       [&](const User& u) { return u.id != id && !store_.deleted_users.contains(u.id) && same(u); });
  };
  if (username != nullptr && taken([&](const User& u) { return u.username == *username; })) {
    return MakeError(ErrorCode::kAlreadyExists, "that username is taken");
  }
  if (email != nullptr && taken([&](const User& u) { return u.email == *email; })) {
    return MakeError(ErrorCode::kAlreadyExists, "an account with that e-mail already exists");
  }
  return Ok{};
}

common::Result<std::optional<User>> InMemoryAccountRepository::FindUserByEmail(const std::string& email) {
  const auto it = std::find_if(store_.users.begin(), store_.users.end(),
                               [&](const User& u) { return u.email == email && !store_.deleted_users.contains(u.id); });
  if (it == store_.users.end()) return std::optional<User>{};
  return std::optional<User>{*it};
}

common::Result<std::optional<User>> InMemoryAccountRepository::FindUserById(const std::string& id) {
  const User* user = UserById(store_, id);
  if (user == nullptr) return std::optional<User>{};
  return std::optional<User>{*user};
}

common::Result<std::optional<User>> InMemoryAccountRepository::UpdateProfile(const std::string& id,
                                                                             const ProfileChange& change) {
  User* user = UserById(store_, id);
  if (user == nullptr || store_.deleted_users.contains(id)) return std::optional<User>{};
  if (auto ok = Untaken(id, change.username ? &*change.username : nullptr, change.email ? &*change.email : nullptr);
      !ok) {
    return ok.error();
  }
  if (change.username) {
    user->username = *change.username;
    // appointments_client_fkey cascades the rename onto the appointments' copies.
    for (auto& stored : store_.appointments) {
      if (stored.appointment.client_id == id) stored.appointment.client_name = user->username;
    }
  }
  if (change.email) user->email = *change.email;
  if (change.phone) user->phone = *change.phone;
  return std::optional<User>{*user};
}

common::Result<bool> InMemoryAccountRepository::SetActive(const std::string& id, bool active,
                                                          const SessionEnding& ending) {
  User* user = UserById(store_, id);
  if (user == nullptr || store_.deleted_users.contains(id)) return false;
  user->active = active;
  if (!active) store_.EndSessionsOf(id, {}, ending);
  return true;
}

common::Result<bool> InMemoryAccountRepository::ReplacePasswordHash(const std::string& id, const std::string& old_hash,
                                                                    const std::string& new_hash,
                                                                    const std::string& kept_session,
                                                                    const SessionEnding& ending) {
  User* user = UserById(store_, id);
  if (user == nullptr || store_.deleted_users.contains(id) || user->password_hash != old_hash) return false;
  user->password_hash = new_hash;
  store_.EndSessionsOf(id, kept_session, ending);
  return true;
}

common::Status InMemoryAccountRepository::DeleteCustomer(const std::string& id,
                                                         const std::vector<AppointmentChange>& cancellations,
                                                         TimePoint now, const SessionEnding& ending) {
  // One transaction: a refusal leaves the store as it was.
  const auto appointments = store_.appointments;
  const auto outbox = store_.outbox;
  const auto rolled_back = [&](common::Error error) -> common::Status {
    store_.appointments = appointments;
    store_.outbox = outbox;
    return error;
  };
  InMemoryAppointmentRepository rows(store_);
  for (const auto& c : cancellations) {
    if (!rows.Update(c.before, c.after, c.event)) {
      return rolled_back(MakeError(ErrorCode::kFailedPrecondition, "an appointment changed meanwhile; try again"));
    }
  }
  const bool live_ahead = std::any_of(store_.appointments.begin(), store_.appointments.end(), [&](const auto& s) {
    return s.appointment.client_id == id && IsLive(s.appointment.status) && s.appointment.starts_at > now;
  });
  if (live_ahead) {
    return rolled_back(MakeError(ErrorCode::kFailedPrecondition, "your appointments changed meanwhile; try again"));
  }
  User* user = UserById(store_, id);
  if (user == nullptr || user->role != Role::kCustomer || store_.deleted_users.contains(id)) {
    return rolled_back(MakeError(ErrorCode::kFailedPrecondition, "the account is gone, or no longer a customer's"));
  }
  *user = User{id, kFormerCustomer, {}, {}, Role::kCustomer, {}, false};
  store_.deleted_users.insert(id);
  for (auto& entry : store_.waitlist) {
    if (entry.client_id == id && entry.state == "waiting") entry.state = "left";
  }
  for (auto& stored : store_.appointments) {
    if (stored.appointment.client_id == id) stored.appointment.client_name = kFormerCustomer;
  }
  store_.EndSessionsOf(id, {}, ending);
  return Ok{};
}

void InMemoryStore::EndSessionsOf(const std::string& user_id, const std::string& kept, const SessionEnding& ending) {
  for (const auto& [id, session] : std::map(sessions)) {
    if (session.user_id == user_id && id != kept) EndSession(id, user_id, ending);
  }
}

bool InMemoryStore::EndSession(const std::string& session_id, const std::string& user_id, const SessionEnding& ending) {
  const auto found = sessions.find(session_id);
  if (found == sessions.end() || found->second.user_id != user_id || found->second.ended) return false;
  found->second.ended = ending.reason;
  session_events.push_back(StoredSessionEvent{session_id, ending.announce(session_id, user_id)});
  return true;
}

common::Status InMemorySessionRepository::CreateSession(const std::string& session_id, const std::string& user_id,
                                                        const std::string& refresh_hash, TimePoint,
                                                        TimePoint refresh_expires_at) {
  // The primary keys and the foreign key to users.
  if (UserById(store_, user_id) == nullptr || store_.sessions.contains(session_id) ||
      store_.refresh_tokens.contains(refresh_hash)) {
    return Internal();
  }
  store_.sessions[session_id] = InMemoryStore::StoredSession{user_id, std::nullopt};
  store_.refresh_tokens[refresh_hash] = InMemoryStore::StoredRefreshToken{session_id, refresh_expires_at, false};
  return Ok{};
}

common::Result<SessionCheck> InMemorySessionRepository::FindSessionState(const std::string& session_id,
                                                                         const std::string& user_id) {
  const auto found = store_.sessions.find(session_id);
  if (found == store_.sessions.end() || found->second.user_id != user_id || found->second.ended) {
    return SessionCheck{SessionState::kEnded, std::nullopt};
  }
  const User* user = UserById(store_, user_id);
  if (user == nullptr || !user->active) return SessionCheck{SessionState::kAccountClosed, std::nullopt};
  return SessionCheck{SessionState::kOpen, *user};
}

common::Result<RefreshOutcome> InMemorySessionRepository::RotateRefreshToken(const std::string& used_hash,
                                                                             const std::string& next_hash,
                                                                             TimePoint now, TimePoint next_expires_at) {
  const auto token = store_.refresh_tokens.find(used_hash);
  if (token == store_.refresh_tokens.end()) return RefreshOutcome{RefreshUse::kUnknown, {}, {}};
  const auto& session = store_.sessions.at(token->second.session_id);
  const User* user = UserById(store_, session.user_id);
  RefreshOutcome outcome{RefreshUse::kRotated, token->second.session_id, *user};
  if (session.ended || !user->active) {
    outcome.use = RefreshUse::kSessionEnded;
  } else if (token->second.used) {
    outcome.use = RefreshUse::kReused;
  } else if (token->second.expires_at <= now) {
    outcome.use = RefreshUse::kExpired;
  }
  if (outcome.use != RefreshUse::kRotated) return outcome;
  token->second.used = true;
  store_.refresh_tokens[next_hash] = InMemoryStore::StoredRefreshToken{outcome.session_id, next_expires_at, false};
  std::erase_if(store_.refresh_tokens, [&](const auto& entry) {
    return entry.second.session_id == outcome.session_id && entry.second.expires_at < now;
  });
  return outcome;
}

common::Result<bool> InMemorySessionRepository::EndSession(const std::string& session_id, const std::string& user_id,
                                                           const SessionEnding& ending) {
  return store_.EndSession(session_id, user_id, ending);
}

common::Status InMemoryBarberRepository::SaveBarber(const std::string& user_id, const std::string& name,
                                                    bool auto_confirm, const std::vector<WorkingHours>& hours,
                                                    const std::optional<RuleChoices>& rules,
                                                    const std::optional<OutboxEvent>& event) {
  User* user = UserById(store_, user_id);
  if (user == nullptr || name.empty() || name.size() > 64) return Internal();  // foreign key, check
  const Barber* same_name = BarberByName(store_, name);
  if (same_name != nullptr && same_name->id != user_id) {
    return MakeError(ErrorCode::kAlreadyExists, "another barber is already called '" + name + "'");
  }
  user->role = Role::kBarber;
  Barber& barber = store_.barbers[user_id];
  barber.id = user_id;
  barber.name = name;
  barber.auto_confirm = auto_confirm;
  barber.hours = hours;
  if (rules) barber.rules = *rules;
  // appointments_barber_fkey cascades a rename to the appointment's copy of the name.
  for (auto& stored : store_.appointments) {
    if (stored.appointment.barber_id == user_id) stored.appointment.barber_name = name;
  }
  if (event) store_.outbox.push_back({user_id, *event});
  return Ok{};
}

common::Result<std::optional<Barber>> InMemoryBarberRepository::FindBarberById(const std::string& id) {
  const auto it = store_.barbers.find(id);
  if (it == store_.barbers.end()) return std::optional<Barber>{};
  return std::optional<Barber>{AsRead(it->second)};
}

common::Result<std::optional<Barber>> InMemoryBarberRepository::FindBarberByName(const std::string& name) {
  const Barber* barber = BarberByName(store_, name);
  if (barber == nullptr) return std::optional<Barber>{};
  return std::optional<Barber>{AsRead(*barber)};
}

common::Result<std::vector<Barber>> InMemoryBarberRepository::ListBarbers() {
  std::vector<Barber> barbers;
  for (const auto& [id, barber] : store_.barbers) barbers.push_back(AsRead(barber));
  std::sort(barbers.begin(), barbers.end(), [](const Barber& a, const Barber& b) { return a.name < b.name; });
  return barbers;
}

common::Status InMemoryBarberRepository::SaveService(const std::string& barber_id, const BarberService& service,
                                                     const std::optional<OutboxEvent>& event) {
  const auto barber = store_.barbers.find(barber_id);
  if (barber == store_.barbers.end()) return Internal();  // foreign key
  auto& services = barber->second.services;
  const auto same = std::find_if(services.begin(), services.end(),
                                 [&](const BarberService& s) { return Lower(s.name) == Lower(service.name); });
  if (same == services.end()) {
    services.push_back(service);
  } else {
    *same = service;
  }
  if (event) store_.outbox.push_back({barber_id, *event});
  return Ok{};
}

common::Result<std::optional<BarberService>> InMemoryBarberRepository::RemoveService(const std::string& barber_id,
                                                                                     const std::string& name,
                                                                                     const OutboxEvent& event) {
  const auto barber = store_.barbers.find(barber_id);
  if (barber == store_.barbers.end()) return std::optional<BarberService>{};
  auto& services = barber->second.services;
  const auto same = std::find_if(services.begin(), services.end(),
                                 [&](const BarberService& s) { return Lower(s.name) == Lower(name); });
  if (same == services.end()) return std::optional<BarberService>{};
  BarberService removed = *same;
  services.erase(same);
  store_.outbox.push_back({barber_id, event});
  return std::optional<BarberService>{removed};
}

common::Result<TimeOff> InMemoryTimeOffRepository::AddTimeOff(const Barber& barber, const TimeRange& during,
                                                              const std::string& reason, const OutboxEvent& event) {
  if (!store_.barbers.contains(barber.id) || during.from >= during.to || reason.size() > 200) return Internal();
  // The trigger time_off_clear_of_appointments names the live appointments in the way,
  // the earliest first.
  std::vector<const Appointment*> clash;
  for (const auto& stored : store_.appointments) {
    const Appointment& a = stored.appointment;
    if (a.barber_id == barber.id && IsLive(a.status) && Overlap(During(a), during)) clash.push_back(&a);
  }
  if (!clash.empty()) {
    std::stable_sort(clash.begin(), clash.end(),
                     [](const Appointment* a, const Appointment* b) { return a->starts_at < b->starts_at; });
    std::string ids;
    for (const auto* a : clash) ids += (ids.empty() ? "" : ", ") + a->id;
    return MakeError(ErrorCode::kFailedPrecondition,
                     "live appointments fall in that time; cancel or move them first: " + ids);
  }
  TimeOff off{std::to_string(++store_.last_time_off_id), barber.id, barber.name, during, reason};
  store_.time_off.push_back(off);
  store_.outbox.push_back({barber.id, event});
  return off;
}

common::Result<std::optional<TimeOff>> InMemoryTimeOffRepository::FindTimeOffById(const std::string& id) {
  const auto it = TimeOffById(store_, id);
  if (it == store_.time_off.end()) return std::optional<TimeOff>{};
  return std::optional<TimeOff>{AsRead(store_, *it)};
}

common::Status InMemoryTimeOffRepository::DeleteTimeOff(const TimeOff& off, const OutboxEvent& event) {
  const auto it = TimeOffById(store_, off.id);
  if (it == store_.time_off.end()) return Ok{};
  store_.outbox.push_back({it->barber_id, event});
  store_.time_off.erase(it);
  return Ok{};
}

common::Result<std::vector<TimeOff>> InMemoryTimeOffRepository::ListTimeOff(const std::string& barber_id,
                                                                            const TimeRange& range) {
  std::vector<TimeOff> listed;
  for (const auto& t : store_.time_off) {
    if (t.barber_id == barber_id && Overlap(t.during, range)) listed.push_back(AsRead(store_, t));
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [](const TimeOff& a, const TimeOff& b) { return a.during.from < b.during.from; });
  if (listed.size() > 500) listed.resize(500);
  return listed;
}

common::Result<Appointment> InMemoryAppointmentRepository::Insert(
    const NewAppointment& proposal, const std::function<OutboxEvent(const Appointment&)>& event) {
  const Appointment created = AppointmentFrom(proposal);
  const auto outbox = event(created);
  if (created.ends_at <= created.starts_at) return Internal();  // check constraint
  // In the order PostgreSQL meets them: the statement's own time off check, the triggers
  // (time off, then the live-booking cap), the exclusion constraints, the idempotency
  // key's unique index, the foreign keys on the names.
  if (BarberIsOff(store_, created.barber_id, During(created))) {
    return MakeError(ErrorCode::kFailedPrecondition, created.barber_name + " is off at that time");
  }
  if (proposal.live_booking_cap > 0 && IsLive(created.status)) {
    const auto now = store_.clock.Now();
    const auto live = std::count_if(store_.appointments.begin(), store_.appointments.end(), [&](const auto& stored) {
      const Appointment& a = stored.appointment;
      return a.client_id == created.client_id && IsLive(a.status) && a.starts_at > now;
    });
    if (live >= proposal.live_booking_cap) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "you already hold " + std::to_string(proposal.live_booking_cap) +
                           " upcoming appointments, the most one customer may hold; cancel one or wait until one "
                           "has taken place");
    }
  }
  if (auto ok = ClearOfBuffers(store_, created); !ok) return ok.error();
  if (auto ok = ClearOfOverlaps(store_, created); !ok) return ok.error();
  if (!proposal.idempotency_key.empty()) {
    const bool used = std::any_of(store_.appointments.begin(), store_.appointments.end(), [&](const auto& stored) {
      return stored.booked_by == proposal.booked_by && stored.idempotency_key == proposal.idempotency_key;
    });
    if (used) return MakeError(ErrorCode::kAlreadyExists, "that idempotency-key has already booked an appointment");
  }
  const auto barber = store_.barbers.find(created.barber_id);
  const User* client = UserById(store_, created.client_id);
  if (barber == store_.barbers.end() || client == nullptr) return Internal();
  if (barber->second.name != created.barber_name || client->username != created.client_name) {
    return MakeError(ErrorCode::kFailedPrecondition, "the barber's or client's name changed meanwhile; try again");
  }
  if (auto ok = ClaimOrRefuseHolds(store_, created); !ok) return ok.error();
  store_.appointments.push_back({created, proposal.booked_by, proposal.idempotency_key});
  store_.outbox.push_back({created.id, outbox});
  return created;
}

common::Result<std::optional<Appointment>> InMemoryAppointmentRepository::Find(const std::string& id) {
  for (const auto& stored : store_.appointments) {
    if (stored.appointment.id == id) return std::optional<Appointment>{stored.appointment};
  }
  return std::optional<Appointment>{};
}

common::Result<std::optional<Appointment>> InMemoryAppointmentRepository::FindByIdempotencyKey(
    const std::string& booked_by, const std::string& idempotency_key) {
  for (const auto& stored : store_.appointments) {
    if (!stored.idempotency_key.empty() && stored.booked_by == booked_by && stored.idempotency_key == idempotency_key) {
      return std::optional<Appointment>{stored.appointment};
    }
  }
  return std::optional<Appointment>{};
}

common::Result<Appointment> InMemoryAppointmentRepository::Update(const Appointment& before, const Appointment& after,
                                                                  const OutboxEvent& event) {
  // The row changes only while it still has `before`'s status and start, and a move only
  // to a time the barber is not off.
  const bool moved = after.starts_at != before.starts_at;
  const bool off = moved && BarberIsOff(store_, after.barber_id, During(after));
  const auto row = std::find_if(store_.appointments.begin(), store_.appointments.end(), [&](const auto& stored) {
    const Appointment& a = stored.appointment;
    return a.id == after.id && a.status == before.status && a.starts_at == before.starts_at;
  });
  if (row == store_.appointments.end() || off) {
    if (off) {
      return MakeError(ErrorCode::kFailedPrecondition, after.barber_name + " is off at that time");
    }
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the appointment was changed by someone else meanwhile; reload it and try again");
  }
  if (after.ends_at <= after.starts_at) return Internal();  // check constraint
  // Only status, times and buffer are written; the rest stays as stored.
  Appointment changed = row->appointment;
  changed.status = after.status;
  changed.starts_at = after.starts_at;
  changed.ends_at = after.ends_at;
  changed.buffer = after.buffer;
  if (changed.starts_at != row->appointment.starts_at || changed.ends_at != row->appointment.ends_at ||
      changed.buffer != row->appointment.buffer) {
    if (auto ok = ClearOfBuffers(store_, changed); !ok) return ok.error();
  }
  if (auto ok = ClearOfOverlaps(store_, changed); !ok) return ok.error();
  if (changed.starts_at != row->appointment.starts_at || changed.ends_at != row->appointment.ends_at) {
    if (auto ok = ClaimOrRefuseHolds(store_, changed); !ok) return ok.error();
  }
  row->appointment = changed;
  store_.outbox.push_back({changed.id, event});
  return after;
}

common::Result<std::vector<Appointment>> InMemoryAppointmentRepository::ListForClient(const std::string& client_id,
                                                                                      const TimeRange& range) {
  return List(false, client_id, range);
}

common::Result<std::vector<Appointment>> InMemoryAppointmentRepository::ListForBarber(const std::string& barber_id,
                                                                                      const TimeRange& range) {
  return List(true, barber_id, range);
}

common::Result<std::vector<Appointment>> InMemoryAppointmentRepository::List(bool chair, const std::string& party,
                                                                             const TimeRange& range) {
  ++lists_read_;
  std::vector<Appointment> listed;
  for (const auto& stored : store_.appointments) {
    const Appointment& a = stored.appointment;
    if ((chair ? a.barber_id : a.client_id) == party && a.starts_at >= range.from && a.starts_at < range.to) {
      listed.push_back(a);
    }
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [](const Appointment& a, const Appointment& b) { return a.starts_at < b.starts_at; });
  if (listed.size() > kListLimit + 1) listed.resize(kListLimit + 1);
  return listed;
}

namespace {

// The longest of the waits `wait_of` gives for each key whose limit is on.
template <typename WaitOf>
std::chrono::seconds LongestWait(const std::vector<std::pair<std::string, AttemptLimit>>& keys, WaitOf wait_of) {
  std::chrono::seconds longest{0};
  for (const auto& [key, limit] : keys) {
    if (limit.enabled()) longest = std::max(longest, wait_of(key, limit));
  }
  return longest;
}

}  // namespace

common::Result<std::chrono::seconds> InMemoryAttemptCounter::RefusedFor(
    const std::vector<std::pair<std::string, AttemptLimit>>& keys) {
  const auto now = store_.clock.Now();
  return LongestWait(keys, [&](const std::string& key, const AttemptLimit& limit) {
    const auto found = store_.attempts.find(key);
    const bool refused =
        found != store_.attempts.end() && found->second.window_ends > now && found->second.attempts >= limit.max;
    return refused ? found->second.window_ends - now : std::chrono::seconds{0};
  });
}

common::Result<std::chrono::seconds> InMemoryAttemptCounter::Count(
    const std::vector<std::pair<std::string, AttemptLimit>>& keys) {
  const auto now = store_.clock.Now();
  return LongestWait(keys, [&](const std::string& key, const AttemptLimit& limit) {
    auto& counted = store_.attempts[key];
    if (counted.window_ends <= now) {
      counted = {1, now + limit.window};  // a window that has ended starts again
    } else {
      ++counted.attempts;
    }
    return counted.attempts > limit.max ? counted.window_ends - now : std::chrono::seconds{0};
  });
}

common::Status InMemoryAttemptCounter::Forget(const std::string& key) {
  store_.attempts.erase(key);
  return Ok{};
}

common::Result<std::vector<AppointmentChangeRecord>> InMemoryAppointmentRepository::History(
    const std::string& appointment_id) {
  static const auto shop = common::ShopTime::ForZone("UTC").value();
  const auto at = [](const nlohmann::json& text) { return shop.Parse(text.get<std::string>()).value(); };
  std::vector<AppointmentChangeRecord> changes;
  for (const auto& row : store_.outbox) {
    const std::string prefix = "appointment.";
    if (row.aggregate_id != appointment_id || row.event.routing_key.rfind(prefix, 0) != 0 ||
        row.event.routing_key == "appointment.reminder") {
      continue;
    }
    const auto payload = nlohmann::json::parse(row.event.payload_json);
    const auto& a = payload["appointment"];
    AppointmentChangeRecord change;
    change.at = at(payload["occurred_at"]);
    change.change = row.event.routing_key.substr(prefix.size());
    change.actor_id = payload["actor"]["user_id"].get<std::string>();
    const User* actor = UserById(store_, change.actor_id);
    change.actor_name = actor ? actor->username : std::string();
    change.actor_role = payload["actor"]["role"].get<std::string>();
    change.to_status = a["status"].get<std::string>();
    change.to = {at(a["start"]), at(a["end"])};
    if (!changes.empty()) {
      change.from_status = changes.back().to_status;
      change.from = changes.back().to;
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

common::Status InMemoryCalendarRepository::SetCalendarLink(const std::string& user_id, const std::string& token_hash,
                                                           TimePoint /*now*/) {
  store_.calendar_links[user_id] = token_hash;
  return common::Ok{};
}

common::Result<std::optional<User>> InMemoryCalendarRepository::FindCalendarOwner(const std::string& token_hash) {
  for (const auto& [user_id, hash] : store_.calendar_links) {
    if (hash != token_hash) continue;
    const User* user = UserById(store_, user_id);
    return user ? std::optional<User>(*user) : std::nullopt;
  }
  return std::optional<User>{};
}

common::Result<std::vector<CalendarEntry>> InMemoryCalendarRepository::CalendarEntries(const std::string& user_id,
                                                                                       TimePoint since) {
  std::vector<CalendarEntry> entries;
  for (const auto& stored : store_.appointments) {
    const auto& a = stored.appointment;
    if ((a.client_id != user_id && a.barber_id != user_id) || a.starts_at < since) continue;
    auto history = appointments_.History(a.id);
    if (!history) return history.error();
    CalendarEntry entry{a, 0, TimePoint{}};
    for (const auto& change : *history) {
      if (change.change != "created") ++entry.changes;
      entry.revised_at = change.at;
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const CalendarEntry& x, const CalendarEntry& y) {
    return x.appointment.starts_at < y.appointment.starts_at;
  });
  if (entries.size() > kCalendarLimit) entries.resize(kCalendarLimit);
  return entries;
}

namespace {

/// An entry as the repository answers it: with its hold now and the times it declined.
WaitlistEntry Filled(const InMemoryStore& store, WaitlistEntry entry) {
  entry.hold.reset();
  entry.declined.clear();
  const auto barber = store.barbers.find(entry.barber_id);
  if (barber != store.barbers.end()) entry.barber_name = barber->second.name;
  for (const auto& hold : store.holds) {
    if (hold.entry_id != entry.id) continue;
    if (hold.state == "held") entry.hold = hold;
    if (hold.state == "passed" || hold.state == "lapsed") entry.declined.push_back(hold.during);
  }
  return entry;
}

}  // namespace

common::Status InMemoryWaitlistRepository::AddEntry(const WaitlistEntry& entry, int max_waiting) {
  const auto waiting = std::count_if(store_.waitlist.begin(), store_.waitlist.end(), [&](const WaitlistEntry& e) {
    return e.client_id == entry.client_id && e.state == "waiting";
  });
  if (waiting >= max_waiting) {
    return MakeError(ErrorCode::kResourceExhausted, "you already wait in " + std::to_string(waiting) +
                                                        " lines, the most one customer may; leave one first");
  }
  WaitlistEntry stored = entry;
  stored.state = "waiting";
  store_.waitlist.push_back(std::move(stored));
  return Ok{};
}

common::Result<std::optional<WaitlistEntry>> InMemoryWaitlistRepository::FindEntry(const std::string& id) {
  for (const auto& entry : store_.waitlist) {
    if (entry.id == id) return std::optional<WaitlistEntry>{Filled(store_, entry)};
  }
  return std::optional<WaitlistEntry>{};
}

common::Result<std::vector<WaitlistEntry>> InMemoryWaitlistRepository::EntriesOf(const std::string& client_id) {
  std::vector<WaitlistEntry> entries;
  for (auto it = store_.waitlist.rbegin(); it != store_.waitlist.rend(); ++it) {
    if (it->client_id == client_id) entries.push_back(Filled(store_, *it));
  }
  return entries;
}

common::Result<std::optional<WaitlistHold>> InMemoryWaitlistRepository::FindHold(const std::string& id) {
  for (const auto& hold : store_.holds) {
    if (hold.id == id) return std::optional<WaitlistHold>{hold};
  }
  return std::optional<WaitlistHold>{};
}

common::Result<std::vector<WaitlistEntry>> InMemoryWaitlistRepository::Line(const std::string& barber_id,
                                                                            const TimeRange& range) {
  std::vector<WaitlistEntry> line;
  for (const auto& entry : store_.waitlist) {  // in the order joined, of customers who can book
    const User* client = UserById(store_, entry.client_id);
    if (entry.barber_id == barber_id && entry.state == "waiting" && Overlap(entry.window, range) && client != nullptr &&
        client->active) {
      line.push_back(Filled(store_, entry));
    }
  }
  return line;
}

common::Result<std::vector<TimeRange>> InMemoryWaitlistRepository::Held(const std::string& barber_id,
                                                                        const TimeRange& range) {
  std::vector<TimeRange> held;
  for (const auto& hold : store_.holds) {
    if (hold.barber_id == barber_id && hold.state == "held" && Overlap(hold.during, range)) held.push_back(hold.during);
  }
  return held;
}

common::Result<bool> InMemoryWaitlistRepository::Offer(const WaitlistHold& hold, const OutboxEvent& event) {
  const auto entry = std::find_if(store_.waitlist.begin(), store_.waitlist.end(),
                                  [&](const WaitlistEntry& e) { return e.id == hold.entry_id; });
  if (entry == store_.waitlist.end() || entry->state != "waiting") return false;
  for (const auto& other : store_.holds) {
    if (other.state != "held") continue;
    if (other.entry_id == hold.entry_id) return false;  // one live hold per entry
    if (other.barber_id == hold.barber_id && Overlap(other.during, hold.during)) return false;
  }
  const bool booked = std::any_of(store_.appointments.begin(), store_.appointments.end(), [&](const auto& stored) {
    const Appointment& a = stored.appointment;
    return a.barber_id == hold.barber_id && IsLive(a.status) &&
           Overlap({a.starts_at, a.ends_at + a.buffer}, Buffered(hold));
  });
  if (booked) return false;
  store_.holds.push_back(hold);
  store_.outbox.push_back({hold.entry_id, event});
  return true;
}

common::Result<bool> InMemoryWaitlistRepository::EndHold(const WaitlistHold& ended, const std::string& state,
                                                         const OutboxEvent& event) {
  for (auto& hold : store_.holds) {
    if (hold.id != ended.id || hold.state != "held") continue;
    hold.state = state;
    store_.outbox.push_back({hold.barber_id, event});
    return true;
  }
  return false;
}

common::Result<std::optional<WaitlistHold>> InMemoryWaitlistRepository::Leave(const std::string& entry_id) {
  for (auto& entry : store_.waitlist) {
    if (entry.id == entry_id && entry.state == "waiting") entry.state = "left";
  }
  for (auto& hold : store_.holds) {
    if (hold.entry_id == entry_id && hold.state == "held") {
      hold.state = "withdrawn";
      return std::optional<WaitlistHold>{hold};
    }
  }
  return std::optional<WaitlistHold>{};
}

common::Status InMemoryWaitlistRepository::Announce(const std::string& barber_id, const OutboxEvent& event) {
  store_.outbox.push_back({barber_id, event});
  return Ok{};
}

common::Result<std::vector<WaitlistHold>> InMemoryWaitlistRepository::Lapse(TimePoint now, std::size_t limit) {
  std::vector<WaitlistHold> lapsed;
  for (auto& hold : store_.holds) {
    if (lapsed.size() == limit) break;
    if (hold.state == "held" && hold.expires_at <= now) {
      hold.state = "lapsed";
      lapsed.push_back(hold);
    }
  }
  return lapsed;
}

common::Result<std::vector<WaitingLine>> InMemoryWaitlistRepository::WaitingLines(TimePoint now, std::size_t limit) {
  std::map<std::string, TimeRange> lines;
  for (const auto& entry : store_.waitlist) {
    const User* client = UserById(store_, entry.client_id);
    if (entry.state != "waiting" || entry.window.to <= now || client == nullptr || !client->active) continue;
    if (Filled(store_, entry).hold) continue;
    const auto line = lines.try_emplace(entry.barber_id, entry.window).first;
    line->second = {std::min(line->second.from, entry.window.from), std::max(line->second.to, entry.window.to)};
  }
  std::vector<WaitingLine> out;
  for (const auto& [barber_id, windows] : lines) {
    if (out.size() == limit) break;
    out.push_back({barber_id, windows});
  }
  return out;
}

}  // namespace barbershop::core::domain
