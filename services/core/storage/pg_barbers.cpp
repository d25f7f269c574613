#include "pg_barbers.hpp"

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Ok;
using common::Result;
using domain::Barber;

namespace {

// Stores the change's event, when it has one, about the barber, in the change's
// transaction.
void StoreEvent(pqxx::transaction_base& tx, const std::string& barber_id,
                const std::optional<domain::OutboxEvent>& event) {
  if (event) tx.exec_prepared(stmt::kInsertEvent, event->event_id, barber_id, event->routing_key, event->payload_json);
}

}  // namespace

common::Status PgBarberRepository::SaveBarber(const std::string& user_id, const std::string& name, bool auto_confirm,
                                              const std::vector<domain::WorkingHours>& hours,
                                              const std::optional<domain::RuleChoices>& rules,
                                              const std::optional<domain::OutboxEvent>& event) {
  return Guarded<Ok>(db_, Access::kTransaction, "SaveBarber", [&]() -> common::Status {
    try {
      pqxx::work tx(db_.Connection());
      tx.exec_prepared(stmt::kMakeBarber, user_id);
      tx.exec_prepared(stmt::kSaveChair, user_id, name, auto_confirm);
      if (rules) {
        const auto text = [](const std::optional<int>& rule) { return rule ? std::to_string(*rule) : std::string(); };
        tx.exec_prepared(stmt::kSaveRules, user_id, text(rules->buffer_minutes), text(rules->min_notice_minutes),
                         text(rules->horizon_days), text(rules->grid_minutes), text(rules->cancel_notice_minutes));
      }
      tx.exec_prepared(stmt::kClearWorkingHours, user_id);
      for (const auto& h : hours) {
        tx.exec_prepared(stmt::kAddWorkingHours, user_id, static_cast<int>(h.weekday), h.opens_minute, h.closes_minute);
      }
      StoreEvent(tx, user_id, event);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kUniqueViolation) throw;
      return MakeError(ErrorCode::kAlreadyExists, "another barber is already called '" + name + "'");
    }
    return Ok{};
  });
}

Result<std::optional<Barber>> PgBarberRepository::FindBarberById(const std::string& id) {
  return Guarded<std::optional<Barber>>(db_, Access::kRead, "FindBarberById", [&]() -> Result<std::optional<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone<BarberRows>(tx.exec_prepared(stmt::kBarberById, id));
  });
}

Result<std::optional<Barber>> PgBarberRepository::FindBarberByName(const std::string& name) {
  return Guarded<std::optional<Barber>>(db_, Access::kRead, "FindBarberByName", [&]() -> Result<std::optional<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone<BarberRows>(tx.exec_prepared(stmt::kBarberByName, name));
  });
}

Result<std::vector<Barber>> PgBarberRepository::ListBarbers() {
  return Guarded<std::vector<Barber>>(db_, Access::kRead, "ListBarbers", [&]() -> Result<std::vector<Barber>> {
    pqxx::nontransaction tx(db_.Connection());
    return ReadAll<BarberRows>(tx.exec_prepared(stmt::kListBarbers));
  });
}

common::Status PgBarberRepository::SaveService(const std::string& barber_id, const domain::BarberService& service,
                                               const std::optional<domain::OutboxEvent>& event) {
  return Guarded<Ok>(db_, Access::kTransaction, "SaveService", [&]() -> common::Status {
    pqxx::work tx(db_.Connection());
    tx.exec_prepared(stmt::kSaveService, barber_id, service.name, static_cast<int>(service.duration.count()),
                     service.price_cents);
    StoreEvent(tx, barber_id, event);
    tx.commit();
    return Ok{};
  });
}

Result<std::optional<domain::BarberService>> PgBarberRepository::RemoveService(const std::string& barber_id,
                                                                               const std::string& name,
                                                                               const domain::OutboxEvent& event) {
  return Guarded<std::optional<domain::BarberService>>(
      db_, Access::kWrite, "RemoveService", [&]() -> Result<std::optional<domain::BarberService>> {
        pqxx::nontransaction tx(db_.Connection());
        const auto rows = tx.exec_prepared(stmt::kRemoveService, barber_id, name, event.event_id, event.routing_key,
                                           event.payload_json);
        if (rows.empty()) return std::optional<domain::BarberService>{};
        const auto& row = rows[0];
        return std::optional<domain::BarberService>{domain::BarberService{
            row["name"].as<std::string>(), std::chrono::minutes{row["duration_minutes"].as<int>()},
            row["price_cents"].as<std::int64_t>()}};
      });
}

}  // namespace barbershop::core::storage
