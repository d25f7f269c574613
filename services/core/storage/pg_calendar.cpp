#include "pg_calendar.hpp"

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::Result;
using domain::CalendarEntry;

common::Status PgCalendarRepository::SetCalendarLink(const std::string& user_id, const std::string& token_hash,
                                                     domain::TimePoint now) {
  return Guarded<common::Ok>(db_, Access::kWrite, "SetCalendarLink", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kSetCalendarLink, user_id, token_hash, Epoch(now));
    return common::Ok{};
  });
}

Result<std::optional<domain::User>> PgCalendarRepository::FindCalendarOwner(const std::string& token_hash) {
  return Guarded<std::optional<domain::User>>(db_, Access::kRead, "FindCalendarOwner", [&] {
    pqxx::nontransaction tx(db_.Connection());
    return FirstOrNone<UserRows>(tx.exec_prepared(stmt::kCalendarOwner, token_hash));
  });
}

Result<std::vector<CalendarEntry>> PgCalendarRepository::CalendarEntries(const std::string& user_id,
                                                                         domain::TimePoint since) {
  return Guarded<std::vector<CalendarEntry>>(db_, Access::kRead, "CalendarEntries", [&] {
    pqxx::nontransaction tx(db_.Connection());
    const auto rows = tx.exec_prepared(stmt::kCalendarEntries, user_id, Epoch(since));
    const AppointmentRows appointment(rows);
    const auto changes = rows.column_number("changes");
    const auto revised_at = rows.column_number("revised_at");
    std::vector<CalendarEntry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows) {
      entries.push_back(CalendarEntry{appointment(row), row[changes].as<int>(), FromEpoch(row[revised_at])});
    }
    return entries;
  });
}

}  // namespace barbershop::core::storage
