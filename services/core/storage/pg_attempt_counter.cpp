#include "pg_attempt_counter.hpp"

#include <algorithm>

namespace barbershop::core::storage {
namespace {

using Keys = std::vector<std::pair<std::string, domain::AttemptLimit>>;

// Seconds until the key's window ends, when it has reached `max` attempts in it.
constexpr const char* kRefusedFor = R"(
  SELECT ceil(extract(epoch FROM window_ends - now()))::bigint
  FROM throttle_counts
  WHERE key = $1 AND window_ends > now() AND attempts >= $2)";

// One more attempt: a window that has ended starts again with this one.  One statement,
// so that copies counting the same key at once each add theirs.
constexpr const char* kCount = R"(
  INSERT INTO throttle_counts AS t (key, attempts, window_ends)
  VALUES ($1, 1, now() + make_interval(secs => $2))
  ON CONFLICT (key) DO UPDATE SET
    attempts = CASE WHEN t.window_ends <= now() THEN 1 ELSE t.attempts + 1 END,
    window_ends = CASE WHEN t.window_ends <= now() THEN EXCLUDED.window_ends ELSE t.window_ends END
  RETURNING attempts, ceil(extract(epoch FROM window_ends - now()))::bigint)";

constexpr const char* kForget = "DELETE FROM throttle_counts WHERE key = $1";

// Rows whose window has ended count as empty: each counted attempt deletes some, so that
// keys an attacker makes up (random e-mails, many addresses) do not pile up.  Deleting one
// that another copy is about to count again changes nothing: it would start at 1 either way.
constexpr const char* kDeleteEnded = R"(
  DELETE FROM throttle_counts
  WHERE key IN (SELECT key FROM throttle_counts WHERE window_ends <= now() ORDER BY window_ends LIMIT 100))";

// The longest of the waits `wait_of` gives for each key whose limit is on.
template <typename WaitOf>
std::chrono::seconds LongestWait(const Keys& keys, WaitOf wait_of) {
  std::chrono::seconds longest{0};
  for (const auto& [key, limit] : keys) {
    if (limit.enabled()) longest = std::max(longest, wait_of(key, limit));
  }
  return longest;
}

}  // namespace

common::Result<std::chrono::seconds> PgAttemptCounter::RefusedFor(const Keys& keys) {
  return Guarded<std::chrono::seconds>(db_, Access::kRead, "RefusedFor", [&]() -> common::Result<std::chrono::seconds> {
    pqxx::nontransaction tx(db_.Connection());
    return LongestWait(keys, [&](const std::string& key, const domain::AttemptLimit& limit) {
      const auto rows = tx.exec_params(kRefusedFor, key, limit.max);
      return std::chrono::seconds(rows.empty() ? 0 : rows[0][0].as<long long>());
    });
  });
}

common::Result<std::chrono::seconds> PgAttemptCounter::Count(const Keys& keys) {
  return Guarded<std::chrono::seconds>(
      db_, Access::kWrite, "CountAttempt", [&]() -> common::Result<std::chrono::seconds> {
        pqxx::nontransaction tx(db_.Connection());
        const auto longest = LongestWait(keys, [&](const std::string& key, const domain::AttemptLimit& limit) {
          const auto rows = tx.exec_params(kCount, key, static_cast<double>(limit.window.count()));
          return std::chrono::seconds(rows[0][0].as<int>() > limit.max ? rows[0][1].as<long long>() : 0);
        });
        tx.exec(kDeleteEnded);
        return longest;
      });
}

common::Status PgAttemptCounter::Forget(const std::string& key) {
  return Guarded<common::Ok>(db_, Access::kWrite, "ForgetAttempts", [&]() -> common::Status {
    pqxx::nontransaction tx(db_.Connection());
    tx.exec_params(kForget, key);
    return common::Ok{};
  });
}

}  // namespace barbershop::core::storage
