#pragma once

#include <pqxx/pqxx>

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// SessionRepository on PostgreSQL (sessions, refresh_tokens; migration 011).  Used by the
/// thread that owns `db`.
class PgSessionRepository final : public domain::SessionRepository {
 public:
  explicit PgSessionRepository(Database& db) : db_(db) {}

  common::Status CreateSession(const std::string& session_id, const std::string& user_id,
                               const std::string& refresh_hash, domain::TimePoint now,
                               domain::TimePoint refresh_expires_at) override;
  common::Result<domain::SessionCheck> FindSessionState(const std::string& session_id,
                                                        const std::string& user_id) override;
  common::Result<domain::RefreshOutcome> RotateRefreshToken(const std::string& used_hash, const std::string& next_hash,
                                                            domain::TimePoint now,
                                                            domain::TimePoint next_expires_at) override;
  common::Result<bool> EndSession(const std::string& session_id, const std::string& user_id,
                                  const domain::SessionEnding& ending) override;

 private:
  Database& db_;
};

/// Ends the session inside `tx`, with its outbox event, unless it has ended; whether it
/// was open.
bool EndSessionIn(pqxx::transaction_base& tx, const std::string& session_id, const std::string& user_id,
                  const domain::SessionEnding& ending);
/// Ends every open session of the user but `kept_session` (may be empty) inside `tx`,
/// each with its event; how many.
std::size_t EndSessionsOf(pqxx::transaction_base& tx, const std::string& user_id, const std::string& kept_session,
                          const domain::SessionEnding& ending);

}  // namespace barbershop::core::storage
