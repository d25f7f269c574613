#include "statements.hpp"

#include <string>

#include "domain/profiles.hpp"
#include "domain/repositories.hpp"

namespace barbershop::core::storage {
namespace {

// The party names are the appointment's own copies (migration 004), so a list reads one
// table: joining barbers and users for them took about a third of the database's time
// per list.
constexpr const char* kAppointmentColumns = R"(
  a.id::text AS id, a.barber_id::text AS barber_id, a.barber_name, a.client_id::text AS client_id,
  a.client_name, extract(epoch FROM a.starts_at)::bigint AS starts_at,
  extract(epoch FROM a.ends_at)::bigint AS ends_at, a.status, a.service_name, a.price_cents, a.buffer_minutes
  FROM appointments a)";

// A barber with its working hours folded into "weekday:opens:closes,..." text and its
// services into a JSON array.
constexpr const char* kBarberFields = R"(
  b.user_id::text AS barber_id, b.display_name, b.auto_confirm, b.buffer_minutes, b.min_notice_minutes,
  b.horizon_days, b.grid_minutes, b.cancel_notice_minutes,
  coalesce((SELECT string_agg(h.weekday || ':' || h.opens_minute || ':' || h.closes_minute, ','
                              ORDER BY h.weekday, h.opens_minute)
            FROM working_hours h WHERE h.barber_id = b.user_id), '') AS hours,
  coalesce((SELECT json_agg(json_build_object('name', s.name, 'minutes', s.duration_minutes,
                                              'price', s.price_cents) ORDER BY lower(s.name))
            FROM barber_services s WHERE s.barber_id = b.user_id)::text, '[]') AS services)";

}  // namespace

std::string OutboxInsert(const std::string& rows) {
  return "INSERT INTO outbox (event_id, aggregate_id, routing_key, payload) SELECT event_id, aggregate_id, "
         "routing_key, payload FROM (" +
         rows + ") AS e (event_id, aggregate_id, routing_key, payload)";
}

// The history row of an appointment change, from the rows of `rows` (a CTE returning
// id): the change and its actor are read from the outbox event's routing key ($8) and
// payload ($9), so they are the event's own; `from_status` and `from_range` are SQL for
// the status and (start, end) before (NULL for a new booking), `to_status`, `to_start`
// and `to_end` parameters for those after.
static std::string HistoryInsert(const char* rows, const char* from_status, const char* from_range,
                                 const char* to_status, const char* to_start, const char* to_end) {
  return std::string(R"(
      INSERT INTO appointment_history (appointment_id, changed_at, change, actor_id, actor_role, from_status,
                                       to_status, from_starts_at, from_ends_at, to_starts_at, to_ends_at)
      SELECT id, ($9::jsonb ->> 'occurred_at')::timestamptz, substr($8::text, length('appointment.') + 1),
             nullif($9::jsonb -> 'actor' ->> 'user_id', '')::uuid, $9::jsonb -> 'actor' ->> 'role', )") +
         from_status + ", " + to_status + "::text, " + from_range + ", to_timestamp(" + to_start +
         "::float8), to_timestamp(" + to_end + "::float8) FROM " + rows;
}

// A booking first takes transaction locks on its barber and its client, in a fixed
// order.  Without them, two overlapping bookings that share a party can each wait on
// the other's row in an exclusion constraint, and PostgreSQL breaks the deadlock only
// after a second; with them, the second waits for the first to commit and then sees
// the overlap.
static std::string LockBarberAndClient(const char* barber, const char* client) {
  const std::string b = std::string("hashtextextended(") + barber + "::text, 0)";
  const std::string c = std::string("hashtextextended(") + client + "::text, 0)";
  return "SELECT pg_advisory_xact_lock(least(" + b + ", " + c + ")), pg_advisory_xact_lock(greatest(" + b + ", " + c +
         "))";
}

void PrepareStatements(pqxx::connection& c) {
  using std::string;
  // Every statement below looks rows up by id or name, and one plan serves every value.
  // Left to choose, PostgreSQL plans a statement afresh on each call whenever the data
  // is skewed (a barber's hundreds of appointments beside a client's handful make the
  // shared plan's estimate look worse than each call's own), and planning a list's joins
  // costs more than running them.
  c.set_variable("plan_cache_mode", "force_generic_plan");
  const string barbers = string("SELECT") + kBarberFields + " FROM barbers b";
  c.prepare(stmt::kInsertEvent, OutboxInsert("SELECT $1::uuid, $2::uuid, $3::text, $4::jsonb"));
  c.prepare(stmt::kInsertUser,
            "INSERT INTO users (id, username, email, password_hash, role) VALUES ($1, $2, $3, $4, $5)");
  const string user_columns = "id::text AS id, username, email, password_hash, role, phone, active";
  const string users = "SELECT " + user_columns + " FROM users";
  c.prepare(stmt::kUserByEmail, users + " WHERE email = $1 AND deleted_at IS NULL");
  c.prepare(stmt::kUserById, users + " WHERE id = $1");
  // Each field changes only when its flag says so; an empty phone removes it.
  c.prepare(stmt::kUpdateProfile,
            "UPDATE users SET username = CASE WHEN $2::bool THEN $3::text ELSE username END, "
            "email = CASE WHEN $4::bool THEN $5::text ELSE email END, "
            "phone = CASE WHEN $6::bool THEN nullif($7::text, '') ELSE phone END "
            "WHERE id = $1 AND deleted_at IS NULL RETURNING " +
                user_columns);
  c.prepare(stmt::kSetActive, "UPDATE users SET active = $2 WHERE id = $1 AND deleted_at IS NULL");
  c.prepare(stmt::kReplacePasswordHash,
            "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 AND deleted_at IS NULL");
  // A deletion holds its client's lock, as a booking does (LockBarberAndClient and
  // migration 008's trigger), so that no booking of theirs commits while it runs.
  c.prepare(stmt::kLockClient, "SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))");
  // Sessions (migration 011).  Times come in as epoch seconds from the service's clock.
  c.prepare(stmt::kInsertSession, R"(
    WITH s AS (INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, to_timestamp($3::float8)) RETURNING id)
    INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at)
    SELECT $4, id, to_timestamp($3::float8), to_timestamp($5::float8) FROM s)");
  // The session with its account, which the call then has at hand (Caller::account).
  c.prepare(stmt::kSessionState,
            "SELECT s.ended_at IS NULL AS open, u.id::text AS id, u.username, u.email, u.password_hash, u.role, "
            "u.phone, u.active FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.user_id = $2");
  // The token with its session and account, both locked: a refresh and an end of the
  // same session take turns.
  c.prepare(stmt::kRefreshTokenForUse,
            "SELECT r.session_id::text AS session_id, extract(epoch FROM r.expires_at)::bigint AS expires_at, "
            "r.used_at IS NOT NULL AS used, s.ended_at IS NULL AS open, u.id::text AS id, u.username, u.email, "
            "u.password_hash, u.role, u.phone, u.active "
            "FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id "
            "WHERE r.token_hash = $1 FOR UPDATE OF r, s");
  c.prepare(stmt::kUseRefreshToken, R"(
    WITH used AS (UPDATE refresh_tokens SET used_at = to_timestamp($3::float8) WHERE token_hash = $1
                  RETURNING session_id)
    INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at)
    SELECT $2, session_id, to_timestamp($3::float8), to_timestamp($4::float8) FROM used)");
  // Used tokens are kept until they expire, to recognise a second use; then they go.
  c.prepare(stmt::kPruneRefreshTokens,
            "DELETE FROM refresh_tokens WHERE session_id = $1 AND expires_at < to_timestamp($2::float8)");
  c.prepare(stmt::kOpenSessionsOf,
            "SELECT id::text FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY id FOR UPDATE");
  c.prepare(stmt::kEndSession, string() + R"(
    WITH ended AS (
      UPDATE sessions SET ended_at = to_timestamp($3::float8), end_reason = $4
      WHERE id = $1 AND user_id = $2 AND ended_at IS NULL
      RETURNING id),
    event AS ()" + OutboxInsert("SELECT $5::uuid, id, 'session.ended', $6::jsonb FROM ended") +
                                   R"()
    SELECT count(*) FROM ended)");
  c.prepare(stmt::kLiveAfter,
            "SELECT count(*) FROM appointments WHERE client_id = $1 AND status IN ('pending', 'confirmed') "
            "AND starts_at > to_timestamp($2::float8)");
  c.prepare(stmt::kScrubCustomer, string("UPDATE users SET username = '") + domain::kFormerCustomer +
                                      "', email = '', phone = NULL, password_hash = '', active = false, "
                                      "deleted_at = now() WHERE id = $1 AND role = 'customer' AND deleted_at IS NULL");
  c.prepare(stmt::kMakeBarber, "UPDATE users SET role = 'barber' WHERE id = $1");
  c.prepare(stmt::kSaveChair,
            "INSERT INTO barbers (user_id, display_name, auto_confirm) VALUES ($1, $2, $3) "
            "ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, "
            "auto_confirm = EXCLUDED.auto_confirm");
  // Each rule as text, empty for the shop's default.
  c.prepare(stmt::kSaveRules,
            "UPDATE barbers SET buffer_minutes = nullif($2, '')::int, min_notice_minutes = nullif($3, '')::int, "
            "horizon_days = nullif($4, '')::int, grid_minutes = nullif($5, '')::int, "
            "cancel_notice_minutes = nullif($6, '')::int WHERE user_id = $1");
  c.prepare(stmt::kClearWorkingHours, "DELETE FROM working_hours WHERE barber_id = $1");
  c.prepare(stmt::kAddWorkingHours,
            "INSERT INTO working_hours (barber_id, weekday, opens_minute, closes_minute) VALUES ($1, $2, $3, $4)");
  c.prepare(stmt::kBarberById, barbers + " WHERE b.user_id = $1");
  c.prepare(stmt::kBarberByName, barbers + " WHERE lower(b.display_name) = lower($1)");
  c.prepare(stmt::kListBarbers, barbers + " ORDER BY b.display_name");
  c.prepare(stmt::kInsertAppointment, string() + R"(
    WITH created AS (
      INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, idempotency_key, booked_by,
                                barber_name, client_name, service_name, price_cents, buffer_minutes)
      SELECT $1::uuid, $2::uuid, $3::uuid, to_timestamp($4::float8), to_timestamp($5::float8), $6::text,
             nullif($10::text, ''), nullif($11::text, '')::uuid, $12::text, $13::text,
             nullif($14::text, ''), CASE WHEN $14::text = '' THEN NULL ELSE $15::bigint END, $17::int
      FROM ()" + string(LockBarberAndClient("$2", "$3")) +
                                          R"() AS one_booking_per_party_at_a_time,
           -- The client's live-booking limit for migration 008's trigger (0: none), set
           -- before the row is made, for this statement's transaction only; and, for
           -- migration 017, that the relay tells the list caches, with this booking's event.
           (SELECT set_config('barbershop.live_booking_cap', $16::int::text, true)) AS live_booking_cap
           , (SELECT set_config('barbershop.lists_told_by_relay', $1::uuid::text, true)) AS lists_told_by_relay
      WHERE NOT EXISTS (SELECT 1 FROM time_off t
                        WHERE t.barber_id = $2::uuid
                          AND t.during && tstzrange(to_timestamp($4::float8), to_timestamp($5::float8)))
      RETURNING id),
    event AS ()" + OutboxInsert("SELECT $7::uuid, id, $8::text, $9::jsonb FROM created") +
                                          R"(),
    history AS ()" + HistoryInsert("created", "NULL", "NULL, NULL", "$6", "$4", "$5") +
                                          R"()
    SELECT count(*) FROM created)");
  c.prepare(stmt::kUpdateAppointment, string() + R"(
    WITH changed AS (
      UPDATE appointments
      SET status = $2::text, starts_at = to_timestamp($3::float8), ends_at = to_timestamp($4::float8),
          buffer_minutes = $12::int, updated_at = now()
      FROM ()" + string(LockBarberAndClient("$11", "$10")) +
                                          R"() AS one_booking_per_party_at_a_time
           -- Migration 017: the relay tells the list caches, with this change's event.
           , (SELECT set_config('barbershop.lists_told_by_relay', $1::uuid::text, true)) AS lists_told_by_relay
      WHERE id = $1::uuid AND status = $5::text AND starts_at = to_timestamp($6::float8)
        AND ($3::float8 = $6::float8
             OR NOT EXISTS (SELECT 1 FROM time_off t
                            WHERE t.barber_id = appointments.barber_id
                              AND t.during && tstzrange(to_timestamp($3::float8), to_timestamp($4::float8))))
      RETURNING id),
    event AS ()" + OutboxInsert("SELECT $7::uuid, id, $8::text, $9::jsonb FROM changed") +
                                          R"(),
    history AS ()" +
                                          HistoryInsert("changed", "$5::text",
                                                        "to_timestamp($6::float8), to_timestamp($13::float8)", "$2",
                                                        "$3", "$4") +
                                          R"()
    SELECT count(*) FROM changed)");
  c.prepare(stmt::kAppointmentById, string("SELECT") + kAppointmentColumns + " WHERE a.id = $1");
  c.prepare(stmt::kAppointmentHistory, R"(
    SELECT extract(epoch FROM h.changed_at)::bigint AS changed_at, h.change, coalesce(h.actor_id::text, '') AS actor_id,
           coalesce(u.username, '') AS actor_name, h.actor_role, coalesce(h.from_status, '') AS from_status,
           h.to_status, extract(epoch FROM h.from_starts_at)::bigint AS from_starts_at,
           extract(epoch FROM h.from_ends_at)::bigint AS from_ends_at,
           extract(epoch FROM h.to_starts_at)::bigint AS to_starts_at,
           extract(epoch FROM h.to_ends_at)::bigint AS to_ends_at
    FROM appointment_history h LEFT JOIN users u ON u.id = h.actor_id
    WHERE h.appointment_id = $1 ORDER BY h.id)");
  c.prepare(stmt::kAppointmentByIdempotencyKey,
            string("SELECT") + kAppointmentColumns + " WHERE a.booked_by = $1 AND a.idempotency_key = $2");
  const string in_range =
      " AND a.starts_at >= to_timestamp($2::float8) AND a.starts_at < to_timestamp($3::float8)"
      " ORDER BY a.starts_at LIMIT " +
      std::to_string(domain::kListLimit + 1);
  c.prepare(stmt::kAppointmentsOfClient, string("SELECT") + kAppointmentColumns + " WHERE a.client_id = $1" + in_range);
  c.prepare(stmt::kAppointmentsOfBarber, string("SELECT") + kAppointmentColumns + " WHERE a.barber_id = $1" + in_range);
  // Calendar links (migration 014) and their feeds: an account's appointments as barber or
  // client, each with its changes after booking and its last change (migration 013; the
  // booking itself for an appointment older than the history).
  c.prepare(stmt::kSetCalendarLink, R"(
    INSERT INTO calendar_links (user_id, token_hash, created_at) VALUES ($1, $2, to_timestamp($3::float8))
    ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at)");
  c.prepare(stmt::kCalendarOwner,
            "SELECT u.id::text AS id, u.username, u.email, u.password_hash, u.role, u.phone, u.active "
            "FROM calendar_links l JOIN users u ON u.id = l.user_id WHERE l.token_hash = $1");
  c.prepare(stmt::kCalendarEntries, string("WITH mine AS (SELECT") + kAppointmentColumns + R"(
      WHERE (a.client_id = $1 OR a.barber_id = $1) AND a.starts_at >= to_timestamp($2::float8)
      ORDER BY a.starts_at LIMIT )" + std::to_string(domain::kCalendarLimit) +
                                        R"()
    SELECT m.*, coalesce(h.changes, 0) AS changes,
           extract(epoch FROM coalesce(h.last_change,
                                       (SELECT created_at FROM appointments WHERE id = m.id::uuid)))::bigint
             AS revised_at
    FROM mine m LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE change <> 'created') AS changes, max(changed_at) AS last_change
      FROM appointment_history WHERE appointment_id = m.id::uuid) h ON true
    ORDER BY m.starts_at)");
  // The waitlist (migration 015).  A hold's columns are named hold_*; an entry's row
  // carries its hold now (if any) and the times it declined, as [[from, to], ...] in
  // epoch seconds.
  const string hold_columns = R"(
    h.id::text AS hold_id, h.entry_id::text AS hold_entry_id, h.barber_id::text AS hold_barber_id,
    h.client_id::text AS hold_client_id, extract(epoch FROM h.starts_at)::bigint AS hold_starts_at,
    extract(epoch FROM h.ends_at)::bigint AS hold_ends_at, extract(epoch FROM h.offered_at)::bigint AS hold_offered_at,
    extract(epoch FROM h.expires_at)::bigint AS hold_expires_at, h.state AS hold_state,
    h.buffer_minutes AS hold_buffer_minutes)";
  const string entries = R"(
    SELECT e.id::text AS id, e.client_id::text AS client_id, e.barber_id::text AS barber_id,
           b.display_name AS barber_name, extract(epoch FROM e.window_from)::bigint AS window_from,
           extract(epoch FROM e.window_to)::bigint AS window_to, coalesce(e.service_name, '') AS service_name,
           e.minutes, extract(epoch FROM e.joined_at)::bigint AS joined_at, e.state,
           coalesce((SELECT json_agg(json_build_array(extract(epoch FROM d.starts_at)::bigint,
                                                      extract(epoch FROM d.ends_at)::bigint))
                     FROM slot_holds d WHERE d.entry_id = e.id AND d.state IN ('passed', 'lapsed')), '[]')::text
             AS declined,)" +
                         hold_columns + R"(
    FROM waitlist_entries e JOIN barbers b ON b.user_id = e.barber_id
    LEFT JOIN slot_holds h ON h.entry_id = e.id AND h.state = 'held')";
  c.prepare(stmt::kWaitingEntriesOf,
            "SELECT count(*) FROM waitlist_entries WHERE client_id = $1 AND state = 'waiting'");
  c.prepare(stmt::kInsertWaitlistEntry, R"(
    INSERT INTO waitlist_entries (id, client_id, barber_id, window_from, window_to, service_name, minutes, joined_at)
    VALUES ($1, $2, $3, to_timestamp($4::float8), to_timestamp($5::float8), $6, $7, to_timestamp($8::float8)))");
  c.prepare(stmt::kWaitlistEntryById, entries + " WHERE e.id = $1");
  c.prepare(stmt::kWaitlistEntriesOf, entries + " WHERE e.client_id = $1 ORDER BY e.place DESC LIMIT 100");
  c.prepare(stmt::kHoldById, "SELECT" + hold_columns + " FROM slot_holds h WHERE h.id = $1");
  // Only customers who can book wait in line: a deactivated or deleted account's entries
  // are passed over (a reactivated one's wait again).
  c.prepare(stmt::kWaitlistLine, entries + R"(
    JOIN users u ON u.id = e.client_id
    WHERE e.barber_id = $1 AND e.state = 'waiting' AND u.active
      AND e.window_from < to_timestamp($3::float8) AND e.window_to > to_timestamp($2::float8)
    ORDER BY e.place)");
  c.prepare(stmt::kHeldTimes, R"(
    SELECT extract(epoch FROM starts_at)::bigint AS starts_at, extract(epoch FROM ends_at)::bigint AS ends_at
    FROM slot_holds WHERE barber_id = $1 AND state = 'held'
      AND starts_at < to_timestamp($3::float8) AND ends_at > to_timestamp($2::float8))");
  // Only for an entry still waiting: its row is locked until the hold commits, so a leave
  // waits for it (and then withdraws it).
  c.prepare(stmt::kInsertHold, R"(
    WITH entry AS (SELECT id FROM waitlist_entries WHERE id = $2 AND state = 'waiting' FOR UPDATE)
    INSERT INTO slot_holds (id, entry_id, barber_id, client_id, starts_at, ends_at, offered_at, expires_at,
                            buffer_minutes)
    SELECT $1, id, $3, $4, to_timestamp($5::float8), to_timestamp($6::float8), to_timestamp($7::float8),
           to_timestamp($8::float8), $9
    FROM entry)");
  c.prepare(stmt::kEndHold,
            "UPDATE slot_holds h SET state = $2 WHERE h.id = $1 AND h.state = 'held' RETURNING" + hold_columns);
  c.prepare(stmt::kLeaveWaitlist, "UPDATE waitlist_entries SET state = 'left' WHERE id = $1 AND state = 'waiting'");
  c.prepare(stmt::kLeaveEveryWaitlist,
            "UPDATE waitlist_entries SET state = 'left' WHERE client_id = $1 AND state = 'waiting'");
  c.prepare(stmt::kWithdrawHold,
            "UPDATE slot_holds h SET state = 'withdrawn' WHERE h.entry_id = $1 AND h.state = 'held' RETURNING" +
                hold_columns);
  // Expired holds, oldest first, skipping those another copy's sweep has locked.
  c.prepare(stmt::kLapseHolds, R"(
    UPDATE slot_holds h SET state = 'lapsed'
    WHERE h.id IN (SELECT id FROM slot_holds WHERE state = 'held' AND expires_at <= to_timestamp($1::float8)
                   ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
    RETURNING)" + hold_columns);
  // The lines with customers who can book waiting, without a hold, for a time to come
  // (the line's partial index holds every waiting entry).
  c.prepare(stmt::kWaitingLines, R"(
    SELECT e.barber_id::text AS barber_id, extract(epoch FROM min(e.window_from))::bigint AS window_from,
           extract(epoch FROM max(e.window_to))::bigint AS window_to
    FROM waitlist_entries e JOIN users u ON u.id = e.client_id
    WHERE e.state = 'waiting' AND u.active AND e.window_to > to_timestamp($1::float8)
      AND NOT EXISTS (SELECT 1 FROM slot_holds h WHERE h.entry_id = e.id AND h.state = 'held')
    GROUP BY e.barber_id
    ORDER BY e.barber_id
    LIMIT $2)");
  // A removal from a barber's price list or time off, or new time off, writes its
  // barber.schedule_changed event, about the barber, from the rows it changed: none
  // changed, no event.  Its event id, routing key and payload are the parameters from
  // `first` on.
  const auto barber_event = [](int first, const char* changed) {
    const auto param = [first](int i) { return "$" + std::to_string(first + i); };
    return OutboxInsert("SELECT " + param(0) + "::uuid, barber_id, " + param(1) + "::text, " + param(2) +
                        "::jsonb FROM " + changed);
  };
  c.prepare(stmt::kSaveService, R"(
    INSERT INTO barber_services (barber_id, name, duration_minutes, price_cents) VALUES ($1, $2, $3, $4)
    ON CONFLICT (barber_id, lower(name)) DO UPDATE
    SET name = EXCLUDED.name, duration_minutes = EXCLUDED.duration_minutes, price_cents = EXCLUDED.price_cents)");
  c.prepare(stmt::kRemoveService, string() + R"(
    WITH removed AS (
      DELETE FROM barber_services WHERE barber_id = $1 AND lower(name) = lower($2)
      RETURNING barber_id, name, duration_minutes, price_cents),
    event AS ()" + barber_event(3, "removed") +
                                      R"()
    SELECT name, duration_minutes, price_cents FROM removed)");
  const string time_off = R"(
    SELECT t.id::text AS id, t.barber_id::text AS barber_id, b.display_name AS barber_name,
           extract(epoch FROM lower(t.during))::bigint AS starts_at,
           extract(epoch FROM upper(t.during))::bigint AS ends_at, t.reason
    FROM time_off t JOIN barbers b ON b.user_id = t.barber_id)";
  c.prepare(stmt::kAddTimeOff, string() + R"(
    WITH added AS (
      INSERT INTO time_off (barber_id, during, reason)
      VALUES ($1, tstzrange(to_timestamp($2::float8), to_timestamp($3::float8)), $4)
      RETURNING id, barber_id),
    event AS ()" + barber_event(5, "added") +
                                   R"()
    SELECT id::text AS id FROM added)");
  c.prepare(stmt::kTimeOffById, time_off + " WHERE t.id = $1::bigint");
  c.prepare(stmt::kDeleteTimeOff, string() + R"(
    WITH removed AS (DELETE FROM time_off WHERE id = $1::bigint RETURNING barber_id),
    event AS ()" + barber_event(2, "removed") +
                                      R"()
    SELECT count(*) FROM removed)");
  c.prepare(stmt::kTimeOffListOfBarber,
            time_off +
                " WHERE t.barber_id = $1 AND t.during && tstzrange(to_timestamp($2::float8), "
                "to_timestamp($3::float8)) ORDER BY lower(t.during) LIMIT 500");
  c.prepare(stmt::kBarberIsOff,
            "SELECT EXISTS (SELECT 1 FROM time_off WHERE barber_id = $1 "
            "AND during && tstzrange(to_timestamp($2::float8), to_timestamp($3::float8)))");
}

}  // namespace barbershop::core::storage
