#include "pg_time_off.hpp"

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Ok;
using common::Result;
using domain::TimeOff;

Result<TimeOff> PgTimeOffRepository::AddTimeOff(const domain::Barber& barber, const domain::TimeRange& during,
                                                const std::string& reason, const domain::OutboxEvent& event) {
  return Guarded<TimeOff>(db_, Access::kWrite, "AddTimeOff", [&]() -> Result<TimeOff> {
    try {
      pqxx::nontransaction tx(db_.Connection());
      const auto rows = tx.exec_prepared(stmt::kAddTimeOff, barber.id, Epoch(during.from), Epoch(during.to), reason,
                                         event.event_id, event.routing_key, event.payload_json);
      return TimeOff{rows[0]["id"].as<std::string>(), barber.id, barber.name, during, reason};
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kAppointmentsInTimeOff) throw;
      // The trigger's message, "live appointments in that time: <ids>", ends its first line.
      const std::string what = e.what();
      constexpr std::string_view kMarker = "in that time: ";
      const auto at = what.find(kMarker);
      const auto ids = at == std::string::npos ? std::string() : what.substr(at + kMarker.size());
      return MakeError(
          ErrorCode::kFailedPrecondition,
          "live appointments fall in that time; cancel or move them first: " + ids.substr(0, ids.find('\n')));
    }
  });
}

Result<std::optional<TimeOff>> PgTimeOffRepository::FindTimeOffById(const std::string& id) {
  return Guarded<std::optional<TimeOff>>(db_, Access::kRead, "FindTimeOffById",
                                         [&]() -> Result<std::optional<TimeOff>> {
                                           pqxx::nontransaction tx(db_.Connection());
                                           return FirstOrNone<TimeOffRows>(tx.exec_prepared(stmt::kTimeOffById, id));
                                         });
}

common::Status PgTimeOffRepository::DeleteTimeOff(const TimeOff& off, const domain::OutboxEvent& event) {
  return Guarded<Ok>(db_, Access::kWrite, "DeleteTimeOff", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kDeleteTimeOff, off.id, event.event_id, event.routing_key, event.payload_json);
    return Ok{};
  });
}

Result<std::vector<TimeOff>> PgTimeOffRepository::ListTimeOff(const std::string& barber_id,
                                                              const domain::TimeRange& range) {
  return Guarded<std::vector<TimeOff>>(db_, Access::kRead, "ListTimeOff", [&]() -> Result<std::vector<TimeOff>> {
    pqxx::nontransaction tx(db_.Connection());
    return ReadAll<TimeOffRows>(
        tx.exec_prepared(stmt::kTimeOffListOfBarber, barber_id, Epoch(range.from), Epoch(range.to)));
  });
}

}  // namespace barbershop::core::storage
