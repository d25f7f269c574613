#include "pg_waitlist.hpp"

#include <nlohmann/json.hpp>

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::ErrorCode;
using common::MakeError;
using common::Result;
using domain::TimeRange;
using domain::WaitlistEntry;
using domain::WaitlistHold;

namespace {

/// A hold from the columns statements.cpp names hold_*.
WaitlistHold ReadHold(const pqxx::row& row) {
  return WaitlistHold{row["hold_id"].as<std::string>(),
                      row["hold_entry_id"].as<std::string>(),
                      row["hold_barber_id"].as<std::string>(),
                      row["hold_client_id"].as<std::string>(),
                      {FromEpoch(row["hold_starts_at"]), FromEpoch(row["hold_ends_at"])},
                      FromEpoch(row["hold_offered_at"]),
                      FromEpoch(row["hold_expires_at"]),
                      row["hold_state"].as<std::string>(),
                      std::chrono::minutes(row["hold_buffer_minutes"].as<int>())};
}

/// An entry, with its hold now (when the row has one) and the times it declined.
WaitlistEntry ReadEntry(const pqxx::row& row) {
  WaitlistEntry entry;
  entry.id = row["id"].as<std::string>();
  entry.client_id = row["client_id"].as<std::string>();
  entry.barber_id = row["barber_id"].as<std::string>();
  entry.barber_name = row["barber_name"].as<std::string>();
  entry.window = {FromEpoch(row["window_from"]), FromEpoch(row["window_to"])};
  entry.service_name = row["service_name"].as<std::string>();
  entry.length = std::chrono::minutes{row["minutes"].as<int>()};
  entry.joined_at = FromEpoch(row["joined_at"]);
  entry.state = row["state"].as<std::string>();
  if (!row["hold_id"].is_null()) entry.hold = ReadHold(row);
  for (const auto& range : nlohmann::json::parse(row["declined"].as<std::string>())) {
    entry.declined.push_back({domain::TimePoint{std::chrono::seconds{range[0].get<long long>()}},
                              domain::TimePoint{std::chrono::seconds{range[1].get<long long>()}}});
  }
  return entry;
}

std::vector<WaitlistEntry> ReadEntries(const pqxx::result& rows) {
  std::vector<WaitlistEntry> entries;
  entries.reserve(rows.size());
  for (const auto& row : rows) entries.push_back(ReadEntry(row));
  return entries;
}

std::vector<WaitlistHold> ReadHolds(const pqxx::result& rows) {
  std::vector<WaitlistHold> holds;
  holds.reserve(rows.size());
  for (const auto& row : rows) holds.push_back(ReadHold(row));
  return holds;
}

}  // namespace

common::Status PgWaitlistRepository::AddEntry(const WaitlistEntry& entry, int max_waiting) {
  return Guarded<common::Ok>(db_, Access::kTransaction, "AddWaitlistEntry", [&]() -> common::Status {
    pqxx::work tx(db_.Connection());
    // Under the client's lock, so that two joins at once cannot both pass the count.
    tx.exec_prepared(stmt::kLockClient, entry.client_id);
    const auto waiting = tx.exec_prepared(stmt::kWaitingEntriesOf, entry.client_id)[0][0].as<int>();
    if (waiting >= max_waiting) {
      return MakeError(ErrorCode::kResourceExhausted, "you already wait in " + std::to_string(waiting) +
                                                          " lines, the most one customer may; leave one first");
    }
    tx.exec_prepared(stmt::kInsertWaitlistEntry, entry.id, entry.client_id, entry.barber_id, Epoch(entry.window.from),
                     Epoch(entry.window.to),
                     entry.service_name.empty() ? std::optional<std::string>{} : entry.service_name,
                     static_cast<int>(entry.length.count()), Epoch(entry.joined_at));
    tx.commit();
    return common::Ok{};
  });
}

Result<std::optional<WaitlistEntry>> PgWaitlistRepository::FindEntry(const std::string& id) {
  return Guarded<std::optional<WaitlistEntry>>(db_, Access::kRead, "FindWaitlistEntry", [&] {
    pqxx::nontransaction tx(db_.Connection());
    const auto rows = tx.exec_prepared(stmt::kWaitlistEntryById, id);
    return rows.empty() ? std::optional<WaitlistEntry>{} : std::optional<WaitlistEntry>{ReadEntry(rows[0])};
  });
}

Result<std::vector<WaitlistEntry>> PgWaitlistRepository::EntriesOf(const std::string& client_id) {
  return Guarded<std::vector<WaitlistEntry>>(db_, Access::kRead, "WaitlistEntriesOf", [&] {
    pqxx::nontransaction tx(db_.Connection());
    return ReadEntries(tx.exec_prepared(stmt::kWaitlistEntriesOf, client_id));
  });
}

Result<std::optional<WaitlistHold>> PgWaitlistRepository::FindHold(const std::string& id) {
  return Guarded<std::optional<WaitlistHold>>(db_, Access::kRead, "FindHold", [&] {
    pqxx::nontransaction tx(db_.Connection());
    const auto rows = tx.exec_prepared(stmt::kHoldById, id);
    return rows.empty() ? std::optional<WaitlistHold>{} : std::optional<WaitlistHold>{ReadHold(rows[0])};
  });
}

Result<std::vector<WaitlistEntry>> PgWaitlistRepository::Line(const std::string& barber_id, const TimeRange& range) {
  return Guarded<std::vector<WaitlistEntry>>(db_, Access::kRead, "WaitlistLine", [&] {
    pqxx::nontransaction tx(db_.Connection());
    return ReadEntries(tx.exec_prepared(stmt::kWaitlistLine, barber_id, Epoch(range.from), Epoch(range.to)));
  });
}

Result<std::vector<TimeRange>> PgWaitlistRepository::Held(const std::string& barber_id, const TimeRange& range) {
  return Guarded<std::vector<TimeRange>>(db_, Access::kRead, "HeldTimes", [&] {
    pqxx::nontransaction tx(db_.Connection());
    std::vector<TimeRange> held;
    for (const auto& row : tx.exec_prepared(stmt::kHeldTimes, barber_id, Epoch(range.from), Epoch(range.to))) {
      held.push_back({FromEpoch(row["starts_at"]), FromEpoch(row["ends_at"])});
    }
    return held;
  });
}

Result<bool> PgWaitlistRepository::Offer(const WaitlistHold& hold, const domain::OutboxEvent& event) {
  return Guarded<bool>(db_, Access::kTransaction, "OfferHold", [&]() -> Result<bool> {
    try {
      pqxx::work tx(db_.Connection());
      const auto made = tx.exec_prepared(stmt::kInsertHold, hold.id, hold.entry_id, hold.barber_id, hold.client_id,
                                         Epoch(hold.during.from), Epoch(hold.during.to), Epoch(hold.offered_at),
                                         Epoch(hold.expires_at), static_cast<int>(hold.buffer.count()));
      if (made.affected_rows() == 0) return false;  // the entry no longer waits
      tx.exec_prepared(stmt::kInsertEvent, event.event_id, hold.entry_id, event.routing_key, event.payload_json);
      tx.commit();
      return true;
    } catch (const pqxx::sql_error& e) {
      // Booked or held meanwhile, or the entry got a hold from another copy.
      if (e.sqlstate() == kHoldTimeBooked || e.sqlstate() == kExclusionViolation || e.sqlstate() == kUniqueViolation) {
        return false;
      }
      throw;
    }
  });
}

Result<bool> PgWaitlistRepository::EndHold(const domain::WaitlistHold& hold, const std::string& state,
                                           const domain::OutboxEvent& event) {
  return Guarded<bool>(db_, Access::kTransaction, "EndHold", [&]() -> Result<bool> {
    pqxx::work tx(db_.Connection());
    const auto ended = tx.exec_prepared(stmt::kEndHold, hold.id, state);
    if (ended.empty()) return false;
    tx.exec_prepared(stmt::kInsertEvent, event.event_id, ended[0]["hold_barber_id"].as<std::string>(),
                     event.routing_key, event.payload_json);
    tx.commit();
    return true;
  });
}

Result<std::optional<WaitlistHold>> PgWaitlistRepository::Leave(const std::string& entry_id) {
  return Guarded<std::optional<WaitlistHold>>(db_, Access::kTransaction, "LeaveWaitlist", [&] {
    pqxx::work tx(db_.Connection());
    tx.exec_prepared(stmt::kLeaveWaitlist, entry_id);
    const auto withdrawn = tx.exec_prepared(stmt::kWithdrawHold, entry_id);
    tx.commit();
    return withdrawn.empty() ? std::optional<WaitlistHold>{} : std::optional<WaitlistHold>{ReadHold(withdrawn[0])};
  });
}

common::Status PgWaitlistRepository::Announce(const std::string& barber_id, const domain::OutboxEvent& event) {
  return Guarded<common::Ok>(db_, Access::kWrite, "AnnounceRelease", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kInsertEvent, event.event_id, barber_id, event.routing_key, event.payload_json);
    return common::Ok{};
  });
}

Result<std::vector<WaitlistHold>> PgWaitlistRepository::Lapse(domain::TimePoint now, std::size_t limit) {
  return Guarded<std::vector<WaitlistHold>>(db_, Access::kWrite, "LapseHolds", [&] {
    pqxx::nontransaction tx(db_.Connection());
    return ReadHolds(tx.exec_prepared(stmt::kLapseHolds, Epoch(now), static_cast<long long>(limit)));
  });
}

Result<std::vector<domain::WaitingLine>> PgWaitlistRepository::WaitingLines(domain::TimePoint now, std::size_t limit) {
  return Guarded<std::vector<domain::WaitingLine>>(db_, Access::kRead, "WaitingLines", [&] {
    pqxx::nontransaction tx(db_.Connection());
    std::vector<domain::WaitingLine> lines;
    for (const auto& row : tx.exec_prepared(stmt::kWaitingLines, Epoch(now), static_cast<long long>(limit))) {
      lines.push_back(
          {row["barber_id"].as<std::string>(), {FromEpoch(row["window_from"]), FromEpoch(row["window_to"])}});
    }
    return lines;
  });
}

}  // namespace barbershop::core::storage
