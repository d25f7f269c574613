#include "pg_attempt_counter.hpp"

#include <algorithm>

namespace barbershop::core::storage {
namespace {

// Seconds until the key's window ends, when it has reached `max` attempts in
// it.
constexpr const char *kRefusedFor = R"(
  SELECT ceil(extract(epoch FROM window_ends - now()))::bigint
  FROM throttle_counts
  WHERE key = $1 AND window_ends > now() AND attempts >= $2)";

// One more attempt: a window that has ended starts again with this one.  One
// statement, so that copies counting the same key at once each add theirs.
constexpr const char *kCount = R"(
  INSERT INTO throttle_counts AS t (key, attempts, window_ends)
  VALUES ($1, 1, now() + make_interval(secs => $2))
  ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN t.window_ends <= now() THEN 1 ELSE t.attempts + 1 END,
    window_ends = CASE WHEN t.window_ends <= now() THEN EXCLUDED.window_ends ELSE t.window_ends END
  RETURNING attempts, ceil(extract(epoch FROM window_ends - now()))::bigint)";

constexpr const char *kForget = "DELETE FROM throttle_counts WHERE key = $1";

} // namespace

common::Result<std::chrono::seconds> PgAttemptCounter::RefusedFor(
    const std::vector<std::pair<std::string, domain::AttemptLimit>> &keys) {
  return Guarded<std::chrono::seconds>(
      db_, Access::kRead, "RefusedFor",
      [&]() -> common::Result<std::chrono::seconds> {
        pqxx::nontransaction tx(db_.Connection());
        std::chrono::seconds longest{0};
        for (const auto &[key, limit] : keys) {
          if (!limit.enabled())
            continue;
          const auto rows = tx.exec_params(kRefusedFor, key, limit.max);
          if (!rows.empty())
            longest = std::max(
                longest, std::chrono::seconds(rows[0][0].as<long long>()));
        }
        return longest;
      });
}

common::Result<std::chrono::seconds> PgAttemptCounter::Count(
    const std::vector<std::pair<std::string, domain::AttemptLimit>> &keys) {
  return Guarded<std::chrono::seconds>(
      db_, Access::kWrite, "CountAttempt",
      [&]() -> common::Result<std::chrono::seconds> {
        pqxx::nontransaction tx(db_.Connection());
        std::chrono::seconds longest{0};
        for (const auto &[key, limit] : keys) {
          if (!limit.enabled())
            continue;
          const auto rows = tx.exec_params(
              kCount, key, static_cast<double>(limit.window.count()));
          if (rows[0][0].as<int>() > limit.max) {
            longest = std::max(
                longest, std::chrono::seconds(rows[0][1].as<long long>()));
          }
        }
        return longest;
      });
}

common::Status PgAttemptCounter::Forget(const std::string &key) {
  return Guarded<common::Ok>(db_, Access::kWrite, "ForgetAttempts",
                             [&]() -> common::Result<common::Ok> {
                               pqxx::nontransaction tx(db_.Connection());
                               tx.exec_params(kForget, key);
                               return common::Ok{};
                             });
}

} // namespace barbershop::core::storage
