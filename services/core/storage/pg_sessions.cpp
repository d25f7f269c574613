#include "pg_sessions.hpp"

#include "pg_rows.hpp"
#include "statements.hpp"

namespace barbershop::core::storage {

using common::Result;
using domain::RefreshOutcome;
using domain::RefreshUse;
using domain::SessionState;

common::Status PgSessionRepository::CreateSession(const std::string& session_id, const std::string& user_id,
                                                  const std::string& refresh_hash, domain::TimePoint now,
                                                  domain::TimePoint refresh_expires_at) {
  return Guarded<common::Ok>(db_, Access::kWrite, "CreateSession", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_prepared(stmt::kInsertSession, session_id, user_id, Epoch(now), refresh_hash, Epoch(refresh_expires_at));
    return common::Ok{};
  });
}

Result<domain::SessionCheck> PgSessionRepository::FindSessionState(const std::string& session_id,
                                                                   const std::string& user_id) {
  return Guarded<domain::SessionCheck>(db_, Access::kRead, "FindSessionState", [&]() -> Result<domain::SessionCheck> {
    pqxx::nontransaction tx(db_.Connection());
    const auto rows = tx.exec_prepared(stmt::kSessionState, session_id, user_id);
    if (rows.empty() || !rows[0]["open"].as<bool>()) return domain::SessionCheck{SessionState::kEnded, std::nullopt};
    auto account = UserRows(rows)(rows[0]);
    if (!account.active) return domain::SessionCheck{SessionState::kAccountClosed, std::nullopt};
    return domain::SessionCheck{SessionState::kOpen, std::move(account)};
  });
}

Result<RefreshOutcome> PgSessionRepository::RotateRefreshToken(const std::string& used_hash,
                                                               const std::string& next_hash, domain::TimePoint now,
                                                               domain::TimePoint next_expires_at) {
  return Guarded<RefreshOutcome>(db_, Access::kTransaction, "RotateRefreshToken", [&]() -> Result<RefreshOutcome> {
    pqxx::work tx(db_.Connection());
    const auto rows = tx.exec_prepared(stmt::kRefreshTokenForUse, used_hash);
    if (rows.empty()) return RefreshOutcome{RefreshUse::kUnknown, {}, {}};
    const auto& row = rows[0];
    RefreshOutcome outcome{RefreshUse::kRotated, row["session_id"].as<std::string>(), UserRows(rows)(row)};
    if (!row["open"].as<bool>() || !outcome.user.active) {
      outcome.use = RefreshUse::kSessionEnded;
    } else if (row["used"].as<bool>()) {
      outcome.use = RefreshUse::kReused;
    } else if (row["expires_at"].as<long long>() <= Epoch(now)) {
      outcome.use = RefreshUse::kExpired;
    }
    if (outcome.use != RefreshUse::kRotated) return outcome;
    tx.exec_prepared(stmt::kUseRefreshToken, used_hash, next_hash, Epoch(now), Epoch(next_expires_at));
    tx.exec_prepared(stmt::kPruneRefreshTokens, outcome.session_id, Epoch(now));
    tx.commit();
    return outcome;
  });
}

Result<bool> PgSessionRepository::EndSession(const std::string& session_id, const std::string& user_id,
                                             const domain::SessionEnding& ending) {
  return Guarded<bool>(db_, Access::kWrite, "EndSession", [&]() -> Result<bool> {
    pqxx::nontransaction tx(db_.Connection());
    return EndSessionIn(tx, session_id, user_id, ending);
  });
}

bool EndSessionIn(pqxx::transaction_base& tx, const std::string& session_id, const std::string& user_id,
                  const domain::SessionEnding& ending) {
  const auto event = ending.announce(session_id, user_id);
  return tx.exec_prepared(stmt::kEndSession, session_id, user_id, Epoch(ending.at),
                          domain::SessionEndName(ending.reason), event.event_id, event.payload_json)[0][0]
             .as<long long>() > 0;
}

std::size_t EndSessionsOf(pqxx::transaction_base& tx, const std::string& user_id, const std::string& kept_session,
                          const domain::SessionEnding& ending) {
  std::size_t ended = 0;
  for (const auto& row : tx.exec_prepared(stmt::kOpenSessionsOf, user_id)) {
    const auto session_id = row[0].as<std::string>();
    if (session_id != kept_session && EndSessionIn(tx, session_id, user_id, ending)) ++ended;
  }
  return ended;
}

}  // namespace barbershop::core::storage
