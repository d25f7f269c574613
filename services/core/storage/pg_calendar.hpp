#pragma once

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// CalendarRepository on PostgreSQL (calendar_links, migration 014; the feed's changes
/// from appointment_history, 013).  Used by the thread that owns `db`.
class PgCalendarRepository final : public domain::CalendarRepository {
 public:
  explicit PgCalendarRepository(Database& db) : db_(db) {}

  common::Status SetCalendarLink(const std::string& user_id, const std::string& token_hash,
                                 domain::TimePoint now) override;
  common::Result<std::optional<domain::User>> FindCalendarOwner(const std::string& token_hash) override;
  common::Result<std::vector<domain::CalendarEntry>> CalendarEntries(const std::string& user_id,
                                                                     domain::TimePoint since) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
