#include "pg_appointments.hpp"

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Result;
using domain::Appointment;

namespace {

/// A refusal by migration 015's trigger, or nullopt when `e` is not one.
std::optional<common::Error> HoldRefusal(const pqxx::sql_error& e) {
  if (e.sqlstate() == kHeldForWaitlist) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "that time is held for a customer on the waitlist; it is free again if they pass it or let it "
                     "lapse");
  }
  if (e.sqlstate() == kHoldLapsed) {
    return MakeError(ErrorCode::kFailedPrecondition, "your hold on that time lapsed; it went to the next in line");
  }
  return std::nullopt;
}

common::Error InsideBuffer(const Appointment& appointment) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   "inside the buffer: " + appointment.barber_name + " keeps time free after each appointment");
}

// Overlap errors name the constraint that refused the row.
common::Error OverlapError(const pqxx::sql_error& e) {
  const std::string what = e.what();
  if (what.find("appointments_client_no_overlap") != std::string::npos) {
    return MakeError(ErrorCode::kAlreadyExists, "the client already has an appointment at that time");
  }
  return MakeError(ErrorCode::kAlreadyExists, "that slot is already booked");
}

}  // namespace

Result<Appointment> PgAppointmentRepository::Insert(
    const domain::NewAppointment& proposal, const std::function<domain::OutboxEvent(const Appointment&)>& event) {
  const Appointment created = domain::AppointmentFrom(proposal);
  const auto outbox = event(created);
  return Guarded<Appointment>(db_, Access::kWrite, "InsertAppointment", [&]() -> Result<Appointment> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      const auto rows = RetryingDeadlocks([&] {
        return tx.exec_prepared(stmt::kInsertAppointment, created.id, created.barber_id, created.client_id,
                                Epoch(created.starts_at), Epoch(created.ends_at), domain::StatusName(created.status),
                                outbox.event_id, outbox.routing_key, outbox.payload_json, proposal.idempotency_key,
                                proposal.booked_by, created.barber_name, created.client_name, created.service_name,
                                created.price_cents, proposal.live_booking_cap,
                                static_cast<int>(created.buffer.count()));
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
      if (e.sqlstate() == kInsideBuffer) return InsideBuffer(created);
      if (auto held = HoldRefusal(e)) return *held;
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
    return created;
  });
}

Result<std::optional<Appointment>> PgAppointmentRepository::Find(const std::string& id) {
  return Guarded<std::optional<Appointment>>(
      db_, Access::kRead, "FindAppointment", [&]() -> Result<std::optional<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return FirstOrNone<AppointmentRows>(tx.exec_prepared(stmt::kAppointmentById, id));
      });
}

Result<std::vector<domain::AppointmentChangeRecord>> PgAppointmentRepository::History(const std::string& id) {
  return Guarded<std::vector<domain::AppointmentChangeRecord>>(
      db_, Access::kRead, "AppointmentHistory", [&]() -> Result<std::vector<domain::AppointmentChangeRecord>> {
        pqxx::nontransaction tx(db_.Connection());
        std::vector<domain::AppointmentChangeRecord> changes;
        for (const auto& row : tx.exec_prepared(stmt::kAppointmentHistory, id)) {
          domain::AppointmentChangeRecord change{FromEpoch(row["changed_at"]),
                                                 row["change"].as<std::string>(),
                                                 row["actor_id"].as<std::string>(),
                                                 row["actor_name"].as<std::string>(),
                                                 row["actor_role"].as<std::string>(),
                                                 row["from_status"].as<std::string>(),
                                                 row["to_status"].as<std::string>(),
                                                 std::nullopt,
                                                 {FromEpoch(row["to_starts_at"]), FromEpoch(row["to_ends_at"])}};
          if (!row["from_starts_at"].is_null()) {
            change.from = domain::TimeRange{FromEpoch(row["from_starts_at"]), FromEpoch(row["from_ends_at"])};
          }
          changes.push_back(std::move(change));
        }
        return changes;
      });
}

Result<std::optional<Appointment>> PgAppointmentRepository::FindByIdempotencyKey(const std::string& booked_by,
                                                                                 const std::string& idempotency_key) {
  return Guarded<std::optional<Appointment>>(
      db_, Access::kRead, "FindAppointmentByKey", [&]() -> Result<std::optional<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return FirstOrNone<AppointmentRows>(
            tx.exec_prepared(stmt::kAppointmentByIdempotencyKey, booked_by, idempotency_key));
      });
}

Result<Appointment> PgAppointmentRepository::Update(const Appointment& before, const Appointment& after,
                                                    const domain::OutboxEvent& event) {
  return Guarded<Appointment>(db_, Access::kWrite, "UpdateAppointment", [&]() -> Result<Appointment> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      if (RetryingDeadlocks([&] { return StoreChange(tx, before, after, event); }) == 0) {
        const auto off =
            tx.exec_prepared(stmt::kBarberIsOff, after.barber_id, Epoch(after.starts_at), Epoch(after.ends_at));
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
      if (e.sqlstate() == kInsideBuffer) return InsideBuffer(after);
      if (auto held = HoldRefusal(e)) return *held;
      if (e.sqlstate() != kExclusionViolation) throw;
      return OverlapError(e);
    }
    return after;
  });
}

long long StoreChange(pqxx::transaction_base& tx, const Appointment& before, const Appointment& after,
                      const domain::OutboxEvent& event) {
  const auto rows =
      tx.exec_prepared(stmt::kUpdateAppointment, after.id, domain::StatusName(after.status), Epoch(after.starts_at),
                       Epoch(after.ends_at), domain::StatusName(before.status), Epoch(before.starts_at), event.event_id,
                       event.routing_key, event.payload_json, before.client_id, before.barber_id,
                       static_cast<int>(after.buffer.count()), Epoch(before.ends_at));
  return rows[0][0].as<long long>();
}

std::optional<Appointment> FindAppointment(pqxx::transaction_base& tx, const std::string& id) {
  return FirstOrNone<AppointmentRows>(tx.exec_prepared(stmt::kAppointmentById, id));
}

Result<std::vector<Appointment>> PgAppointmentRepository::ListForClient(const std::string& client_id,
                                                                        const domain::TimeRange& range) {
  return Guarded<std::vector<Appointment>>(
      db_, Access::kRead, "ListForClient", [&]() -> Result<std::vector<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return ReadAll<AppointmentRows>(
            tx.exec_prepared(stmt::kAppointmentsOfClient, client_id, Epoch(range.from), Epoch(range.to)));
      });
}

Result<std::vector<Appointment>> PgAppointmentRepository::ListForBarber(const std::string& barber_id,
                                                                        const domain::TimeRange& range) {
  return Guarded<std::vector<Appointment>>(
      db_, Access::kRead, "ListForBarber", [&]() -> Result<std::vector<Appointment>> {
        pqxx::nontransaction tx(db_.Connection());
        return ReadAll<AppointmentRows>(
            tx.exec_prepared(stmt::kAppointmentsOfBarber, barber_id, Epoch(range.from), Epoch(range.to)));
      });
}

}  // namespace barbershop::core::storage
