#pragma once

#include "../domain/repositories.hpp"
#include "database.hpp"

namespace barbershop::core::storage {

/// WaitlistRepository on PostgreSQL (waitlist_entries and slot_holds, migration 015).
/// Used by the thread that owns `db`.
class PgWaitlistRepository final : public domain::WaitlistRepository {
 public:
  explicit PgWaitlistRepository(Database& db) : db_(db) {}

  common::Status AddEntry(const domain::WaitlistEntry& entry, int max_waiting) override;
  common::Result<std::optional<domain::WaitlistEntry>> FindEntry(const std::string& id) override;
  common::Result<std::vector<domain::WaitlistEntry>> EntriesOf(const std::string& client_id) override;
  common::Result<std::optional<domain::WaitlistHold>> FindHold(const std::string& id) override;
  common::Result<std::vector<domain::WaitlistEntry>> Line(const std::string& barber_id,
                                                          const domain::TimeRange& range) override;
  common::Result<std::vector<domain::TimeRange>> Held(const std::string& barber_id,
                                                      const domain::TimeRange& range) override;
  common::Result<bool> Offer(const domain::WaitlistHold& hold, const domain::OutboxEvent& event) override;
  common::Result<bool> EndHold(const domain::WaitlistHold& hold, const std::string& state,
                               const domain::OutboxEvent& event) override;
  common::Result<std::optional<domain::WaitlistHold>> Leave(const std::string& entry_id) override;
  common::Status Announce(const std::string& barber_id, const domain::OutboxEvent& event) override;
  common::Result<std::vector<domain::WaitlistHold>> Lapse(domain::TimePoint now, std::size_t limit) override;
  common::Result<std::vector<domain::WaitingLine>> WaitingLines(domain::TimePoint now, std::size_t limit) override;

 private:
  Database& db_;
};

}  // namespace barbershop::core::storage
