#include "pg_repositories.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

#include "barbershop/common/ids.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Ok;
using common::Result;
using domain::Appointment;
using domain::Barber;
using domain::User;

namespace {

constexpr const char* kExclusionViolation = "23P01";
constexpr const char* kUniqueViolation = "23505";
constexpr const char* kForeignKeyViolation = "23503";
constexpr const char* kDeadlockDetected = "40P01";
// Raised by migration 006's triggers: a booking inside time off, time off over bookings.
constexpr const char* kBarberIsOff = "BB001";
constexpr const char* kAppointmentsInTimeOff = "BB002";
constexpr const char* kTooManyLiveBookings = "BB003";
constexpr int kAttempts = 3;

// Two bookings that overlap on both the barber's and the client's exclusion constraint
// can each wait for the other; PostgreSQL then aborts one.  Running it again sees the
// other's commit and gets a plain overlap answer.
template <typename F>
auto RetryingDeadlocks(F&& statement) {
  for (int attempt = 1;; ++attempt) {
    try {
      return statement();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kDeadlockDetected || attempt == kAttempts) throw;
    }
  }
}

User ReadUser(const pqxx::row& row) {
  return User{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>(),
              domain::ParseRole(row[4].as<std::string>()).value_or(domain::Role::kCustomer)};
}

Barber ReadBarber(const pqxx::row& row) {
  Barber barber{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<bool>(), {}, {}};
  std::stringstream hours(row[3].as<std::string>());
  std::string item;
  while (std::getline(hours, item, ',')) {
    domain::WorkingHours h{};
    if (std::sscanf(item.c_str(), "%u:%d:%d", &h.weekday, &h.opens_minute, &h.closes_minute) == 3) {
      barber.hours.push_back(h);
    }
  }
  for (const auto& s : nlohmann::json::parse(row[4].c_str())) {
    barber.services.push_back(domain::BarberService{s.at("name").get<std::string>(),
                                                    std::chrono::minutes{s.at("minutes").get<int>()},
                                                    s.at("price").get<std::int64_t>()});
  }
  return barber;
}

long long Epoch(common::TimePoint t) { return t.time_since_epoch().count(); }
common::TimePoint FromEpoch(const pqxx::field& seconds) {
  return common::TimePoint{std::chrono::seconds{seconds.as<long long>()}};
}

Appointment ReadAppointment(const pqxx::row& row) {
  return Appointment{row[0].as<std::string>(),
                     row[1].as<std::string>(),
                     row[2].as<std::string>(),
                     row[3].as<std::string>(),
                     row[4].as<std::string>(),
                     FromEpoch(row[5]),
                     FromEpoch(row[6]),
                     domain::ParseStatus(row[7].as<std::string>()).value_or(domain::AppointmentStatus::kPending),
                     row[8].is_null() ? std::string() : row[8].as<std::string>(),
                     row[9].is_null() ? 0 : row[9].as<std::int64_t>()};
}


domain::TimeOff ReadTimeOff(const pqxx::row& row) {
  return domain::TimeOff{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                         domain::TimeRange{FromEpoch(row[3]), FromEpoch(row[4])}, row[5].as<std::string>()};
}

template <typename T>
Result<std::optional<T>> FirstOrNone(const pqxx::result& rows, T (*read)(const pqxx::row&)) {
  if (rows.empty()) return std::optional<T>{};
  return std::optional<T>{read(rows[0])};
}

std::vector<Appointment> ReadAppointments(const pqxx::result& rows) {
  std::vector<Appointment> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(ReadAppointment(row));
  return out;
}

// Overlap errors name the constraint that refused the row.
common::Error OverlapError(const pqxx::sql_error& e) {
  const std::string what = e.what();
  if (what.find("appointments_client_no_overlap") != std::string::npos) {
    return MakeError(ErrorCode::kAlreadyExists, "the client already has an appointment at that time");
  }
  return MakeError(ErrorCode::kAlreadyExists, "that slot is already booked");
}

std::string RoutingKey(domain::EventType type) { return std::string("appointment.") + domain::EventTypeName(type); }

}  // namespace

Result<User> PgAccountRepository::CreateUser(const std::string& username, const std::string& email,
                                             const std::string& password_hash, domain::Role role) {
  return Guarded<User>(db_, Access::kWrite, "CreateUser", [&]() -> Result<User> {
    User user{common::NewUuid(), username, email, password_hash, role};
    try {
      pqxx::nontransaction tx(db_.Connection());
      tx.exec_prepared(stmt::kInsertUser, user.id, username, email, password_hash, domain::RoleName(role));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      const std::string what = e.what();
      if (what.find("users_email_key") != std::string::npos) {
        return MakeError(ErrorCode::kAlreadyExists, "an account with that e-mail already exists");
      }
      return MakeError(ErrorCode::kAlreadyExists, "that username is taken");
    }
    return user;
  });
}

Result<std::optional<User>> PgAccountRepository::FindUserByEmail(const std::string& email) {
  return Guarded<std::optional<User>>(db_, Access::kRead, "FindUserByEmail", [&]() -> Result<std::optional<User>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone(tx.exec_prepared(stmt::kUserByEmail, email), &ReadUser);
  });
}

Result<std::optional<User>> PgAccountRepository::FindUserById(const std::string& id) {
  return Guarded<std::optional<User>>(db_, Access::kRead, "FindUserById", [&]() -> Result<std::optional<User>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone(tx.exec_prepared(stmt::kUserById, id), &ReadUser);
  });
}

common::Status PgAccountRepository::SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                                               const std::vector<domain::WorkingHours>& hours) {
  return Guarded<Ok>(db_, Access::kTransaction, "SaveBarber", [&]() -> common::Status {
    try {
      pqxx::work tx(db_.Connection());
      tx.exec_params("UPDATE users SET role = 'barber' WHERE id = $1", user_id);
      tx.exec_params(
          "INSERT INTO barbers (user_id, display_name, auto_confirm) VALUES ($1, $2, $3) "
          "ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, "
          "auto_confirm = EXCLUDED.auto_confirm",
          user_id, name, auto_confirm);
      tx.exec_params("DELETE FROM working_hours WHERE barber_id = $1", user_id);
      for (const auto& h : hours) {
        tx.exec_params("INSERT INTO working_hours (barber_id, weekday, opens_minute, closes_minute) "
                       "VALUES ($1, $2, $3, $4)",
                       user_id, static_cast<int>(h.weekday), h.opens_minute, h.closes_minute);
      }
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      return MakeError(ErrorCode::kAlreadyExists, "another barber is already called '" + name + "'");
    }
    return Ok{};
  });
}

Result<std::optional<Barber>> PgAccountRepository::FindBarberById(const std::string& id) {
  return Guarded<std::optional<Barber>>(db_, Access::kRead, "FindBarberById", [&]() -> Result<std::optional<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone(tx.exec_prepared(stmt::kBarberById, id), &ReadBarber);
  });
}

Result<std::optional<Barber>> PgAccountRepository::FindBarberByName(const std::string& name) {
  return Guarded<std::optional<Barber>>(db_, Access::kRead, "FindBarberByName", [&]() -> Result<std::optional<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone(tx.exec_prepared(stmt::kBarberByName, name), &ReadBarber);
  });
}

Result<std::vector<Barber>> PgAccountRepository::ListBarbers() {
  return Guarded<std::vector<Barber>>(db_, Access::kRead, "ListBarbers", [&]() -> Result<std::vector<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    std::vector<Barber> out;
    for (const auto& row : tx.exec_prepared(stmt::kListBarbers)) out.push_back(ReadBarber(row));
    return out;
  });
}

Result<domain::BookingParties> PgAccountRepository::FindBookingParties(const std::string& barber_name,
                                                                      const std::string& client_id) {
  return Guarded<domain::BookingParties>(
      db_, Access::kRead, "FindBookingParties", [&]() -> Result<domain::BookingParties> {
        pqxx::nontransaction tx(db_.Connection());
        const auto rows = tx.exec_prepared(stmt::kBookingParties, barber_name, client_id);
        domain::BookingParties parties;
        if (rows.empty()) return parties;
        parties.barber = ReadBarber(rows[0]);
        if (!rows[0][5].is_null()) {
          parties.client = User{client_id, rows[0][5].as<std::string>(), {}, {}, domain::Role::kCustomer};
        }
        return parties;
      });
}

common::Status PgAccountRepository::SaveService(const std::string& barber_id, const domain::BarberService& service) {
  return Guarded<Ok>(db_, Access::kWrite, "SaveService", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kSaveService, barber_id, service.name, static_cast<int>(service.duration.count()),
                     service.price_cents);
    return Ok{};
  });
}

Result<std::optional<domain::BarberService>> PgAccountRepository::RemoveService(const std::string& barber_id,
                                                                                const std::string& name) {
  return Guarded<std::optional<domain::BarberService>>(
      db_, Access::kWrite, "RemoveService", [&]() -> Result<std::optional<domain::BarberService>> {
        pqxx::nontransaction tx(db_.Connection());
        const auto rows = tx.exec_prepared(stmt::kRemoveService, barber_id, name);
        if (rows.empty()) return std::optional<domain::BarberService>{};
        return std::optional<domain::BarberService>{domain::BarberService{
            rows[0][0].as<std::string>(), std::chrono::minutes{rows[0][1].as<int>()}, rows[0][2].as<std::int64_t>()}};
      });
}

Result<domain::TimeOff> PgAccountRepository::AddTimeOff(const Barber& barber, const domain::TimeRange& during,
                                                       const std::string& reason) {
  return Guarded<domain::TimeOff>(db_, Access::kWrite, "AddTimeOff", [&]() -> Result<domain::TimeOff> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      const auto rows =
          tx.exec_prepared(stmt::kAddTimeOff, barber.id, Epoch(during.from), Epoch(during.to), reason);
      return domain::TimeOff{rows[0][0].as<std::string>(), barber.id, barber.name, during, reason};
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kAppointmentsInTimeOff) throw;
      // The trigger's message, "live appointments in that time: <ids>", ends its first line.
      const std::string what = e.what();
      constexpr std::string_view kMarker = "in that time: ";
      const auto at = what.find(kMarker);
      const auto ids = at == std::string::npos ? std::string() : what.substr(at + kMarker.size());
      return MakeError(ErrorCode::kFailedPrecondition, "live appointments fall in that time; cancel or move them first: " +
                                                           ids.substr(0, ids.find('\n')));
    }
  });
}

Result<std::optional<domain::TimeOff>> PgAccountRepository::FindTimeOffById(const std::string& id) {
  return Guarded<std::optional<domain::TimeOff>>(
      db_, Access::kRead, "FindTimeOffById", [&]() -> Result<std::optional<domain::TimeOff>> {
        pqxx::nontransaction tx(db_.Connection());
        return FirstOrNone(tx.exec_prepared(stmt::kTimeOffById, id), &ReadTimeOff);
      });
}

common::Status PgAccountRepository::DeleteTimeOff(const std::string& id) {
  return Guarded<Ok>(db_, Access::kWrite, "DeleteTimeOff", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kDeleteTimeOff, id);
    return Ok{};
  });
}

Result<std::vector<domain::TimeOff>> PgAccountRepository::ListTimeOff(const std::string& barber_id,
                                                                     const domain::TimeRange& range) {
  return Guarded<std::vector<domain::TimeOff>>(
      db_, Access::kRead, "ListTimeOff", [&]() -> Result<std::vector<domain::TimeOff>> {
        pqxx::nontransaction tx(db_.Connection());
        std::vector<domain::TimeOff> out;
        for (const auto& row :
             tx.exec_prepared(stmt::kTimeOffListOfBarber, barber_id, Epoch(range.from), Epoch(range.to))) {
          out.push_back(ReadTimeOff(row));
        }
        return out;
      });
}

Result<Appointment> PgAppointmentRepository::Insert(
    const domain::NewAppointment& proposal, const std::function<domain::OutboxEvent(const Appointment&)>& event) {
  const auto* service = proposal.service;
  const Appointment created{proposal.id,          proposal.barber->id,  proposal.barber->name,
                            proposal.client->id,  proposal.client->username, proposal.starts_at,
                            proposal.ends_at,     proposal.status,
                            service ? service->name : std::string(), service ? service->price_cents : 0};
  const auto outbox = event(created);
  return Guarded<Appointment>(db_, Access::kWrite, "InsertAppointment", [&]() -> Result<Appointment> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      const auto rows = RetryingDeadlocks([&] {
        return tx.exec_prepared(stmt::kInsertAppointment, created.id, created.barber_id, created.client_id,
                                Epoch(created.starts_at), Epoch(created.ends_at), domain::StatusName(created.status),
                                outbox.event_id, RoutingKey(outbox.type), outbox.payload_json, proposal.idempotency_key,
                                proposal.booked_by, created.barber_name, created.client_name, created.service_name,
                                created.price_cents, proposal.live_booking_cap);
      });
      if (rows[0][0].as<long long>() == 0) {
        return MakeError(ErrorCode::kFailedPrecondition, created.barber_name + " is off at that time");
      }
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == kUniqueViolation &&
          std::string_view(e.what()).find("appointments_idempotency_key") != std::string_view::npos) {
        return MakeError(ErrorCode::kAlreadyExists, "that idempotency-key has already booked an appointment");
      }
      if (e.sqlstate() == kBarberIsOff) {
        return MakeError(ErrorCode::kFailedPrecondition, created.barber_name + " is off at that time");
      }
      if (e.sqlstate() == kTooManyLiveBookings) {
        if (cap_refusals_ != nullptr) cap_refusals_->Inc();
        return MakeError(ErrorCode::kFailedPrecondition,
                         "you already hold " + std::to_string(proposal.live_booking_cap) +
                             " upcoming appointments, the most one customer may hold; cancel one or wait until one "
                             "has taken place");
      }
      // The names read for the booking no longer match their sources: a rename committed
      // in between (the appointment keeps copies of both names).
      if (e.sqlstate() == kForeignKeyViolation) {
        return MakeError(ErrorCode::kFailedPrecondition, "the barber's or client's name changed meanwhile; try again");
      }
      if (e.sqlstate() != kExclusionViolation) throw;
      return OverlapError(e);
    }
    Changed(created);
    return created;
  });
}

Result<std::optional<Appointment>> PgAppointmentRepository::Find(const std::string& id) {
  return Guarded<std::optional<Appointment>>(
      db_, Access::kRead, "FindAppointment", [&]() -> Result<std::optional<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return FirstOrNone(tx.exec_prepared(stmt::kAppointmentById, id), &ReadAppointment);
      });
}

Result<std::optional<Appointment>> PgAppointmentRepository::FindByIdempotencyKey(const std::string& booked_by,
                                                                                const std::string& idempotency_key) {
  return Guarded<std::optional<Appointment>>(
      db_, Access::kRead, "FindAppointmentByKey", [&]() -> Result<std::optional<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return FirstOrNone(tx.exec_prepared(stmt::kAppointmentByIdempotencyKey, booked_by, idempotency_key),
                           &ReadAppointment);
      });
}

Result<Appointment> PgAppointmentRepository::Update(const Appointment& before, const Appointment& after,
                                                    const domain::OutboxEvent& event) {
  return Guarded<Appointment>(db_, Access::kWrite, "UpdateAppointment", [&]() -> Result<Appointment> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      const auto rows = RetryingDeadlocks([&] {
        return tx.exec_prepared(stmt::kUpdateAppointment, after.id, domain::StatusName(after.status),
                                Epoch(after.starts_at), Epoch(after.ends_at), domain::StatusName(before.status),
                                Epoch(before.starts_at), event.event_id, RoutingKey(event.type), event.payload_json,
                                before.client_id, before.barber_id);
      });
      if (rows[0][0].as<long long>() == 0) {
        const auto off = tx.exec_prepared(stmt::kBarberIsOff, after.barber_id, Epoch(after.starts_at),
                                          Epoch(after.ends_at));
        if (after.starts_at != before.starts_at && off[0][0].as<bool>()) {
          return MakeError(ErrorCode::kFailedPrecondition, after.barber_name + " is off at that time");
        }
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the appointment was changed by someone else meanwhile; reload it and try again");
      }
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() == kBarberIsOff) {
        return MakeError(ErrorCode::kFailedPrecondition, after.barber_name + " is off at that time");
      }
      if (e.sqlstate() != kExclusionViolation) throw;
      return OverlapError(e);
    }
    Changed(after);
    return after;
  });
}

void PgAppointmentRepository::Changed(const Appointment& appointment) {
  if (!lists_) return;
  lists_->Forget(appointment.barber_id);
  lists_->Forget(appointment.client_id);
}

std::optional<Appointment> FindAppointment(pqxx::transaction_base& tx, const std::string& id) {
  const auto rows = tx.exec_prepared(stmt::kAppointmentById, id);
  if (rows.empty()) return std::nullopt;
  return ReadAppointment(rows[0]);
}

Result<std::vector<Appointment>> PgAppointmentRepository::ListForClient(const std::string& client_id,
                                                                       const domain::TimeRange& range) {
  return Guarded<std::vector<Appointment>>(
      db_, Access::kRead, "ListForClient", [&]() -> Result<std::vector<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return ReadAppointments(
            tx.exec_prepared(stmt::kAppointmentsOfClient, client_id, Epoch(range.from), Epoch(range.to)));
      });
}

Result<std::vector<Appointment>> PgAppointmentRepository::ListForBarber(const std::string& barber_id,
                                                                       const domain::TimeRange& range) {
  return Guarded<std::vector<Appointment>>(
      db_, Access::kRead, "ListForBarber", [&]() -> Result<std::vector<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return ReadAppointments(
            tx.exec_prepared(stmt::kAppointmentsOfBarber, barber_id, Epoch(range.from), Epoch(range.to)));
      });
}

}  // namespace barbershop::core::storage
