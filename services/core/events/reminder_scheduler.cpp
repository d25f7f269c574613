#include "reminder_scheduler.hpp"

#include "barbershop/common/contained.hpp"

#include <pqxx/pqxx>

#include "domain/events.hpp"
#include "storage/pg_appointments.hpp"
#include "storage/reconnect_backoff.hpp"
#include "storage/statements.hpp"

#include <sstream>

namespace barbershop::core::events {
namespace {

// Due reminders of confirmed appointments, by the time each starts: an appointment moved
// is reminded of again before its new time.
constexpr const char* kDue = R"(
  SELECT a.id::text, a.starts_at::text, array_to_string(array_agg(o.minutes ORDER BY o.minutes), ',')
  FROM appointments a CROSS JOIN unnest($1::int[]) AS o(minutes)
  WHERE a.status = 'confirmed'
    AND a.starts_at > now()
    AND a.starts_at <= now() + make_interval(mins => o.minutes)
    AND NOT EXISTS (SELECT 1 FROM reminders_sent r
                    WHERE r.appointment_id = a.id AND r.starts_at = a.starts_at AND r.minutes_before = o.minutes)
  GROUP BY a.id
  LIMIT 500)";
// Whoever records the nearest offset first sends the reminder; the others insert nothing.
// Nothing is recorded once the appointment has moved or is no longer confirmed since it
// was found due, and the row is held until the reminder's event is written, so a move
// waits for the reminder of the time it moves from (and is then reminded of anew).
constexpr const char* kRecord = R"(
  INSERT INTO reminders_sent (appointment_id, starts_at, minutes_before)
  SELECT a.id, a.starts_at, o.minutes
  FROM (SELECT id, starts_at FROM appointments
        WHERE id = $1::uuid AND starts_at = $2::timestamptz AND status = 'confirmed' FOR SHARE) a
  CROSS JOIN unnest($3::int[]) AS o(minutes)
  ON CONFLICT DO NOTHING
  RETURNING minutes_before)";
const std::string kInsertEvent = storage::OutboxInsert("SELECT $1::uuid, $2::uuid, 'appointment.reminder', $3::jsonb");

std::string IntArray(const std::vector<int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "}";
}

}  // namespace

ReminderScheduler::ReminderScheduler(ReminderSettings settings, const common::ShopTime& shop_time,
                                     const common::Clock& clock, common::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      shop_time_(shop_time),
      clock_(clock),
      emitted_(metrics.GetCounter("barbershop_reminders_emitted_total", "Reminder events written to the outbox.")),
      reconnects_(storage::ReconnectCounter(metrics, "reminders")),
      crashes_(common::UnhandledErrors(metrics, "reminders")) {}

ReminderScheduler::~ReminderScheduler() { Stop(); }

void ReminderScheduler::Start() {
  thread_ = std::thread([this] { common::RunRestarting("the reminders", &crashes_, [this] { Run(); }); });
}

void ReminderScheduler::Stop() {
  stopping_.Stop();
  if (thread_.joinable()) thread_.join();
}

int ReminderScheduler::EmitDue(pqxx::connection& connection) {
  struct Due {
    std::string id;
    std::string starts_at;
    std::vector<int> offsets;
  };
  std::vector<Due> due;
  {
    pqxx::nontransaction tx(connection);
    for (const auto& row : tx.exec_params(kDue, IntArray(settings_.minutes_before))) {
      std::vector<int> offsets;
      std::stringstream list(row[2].as<std::string>());
      std::string item;
      while (std::getline(list, item, ',')) offsets.push_back(std::stoi(item));
      due.push_back({row[0].as<std::string>(), row[1].as<std::string>(), std::move(offsets)});
    }
  }
  int emitted = 0;
  for (const auto& [id, starts_at, offsets] : due) {
    pqxx::work tx(connection);
    const auto recorded = tx.exec_params(kRecord, id, starts_at, IntArray(offsets));
    const int nearest = offsets.front();
    bool mine = false;
    for (const auto& row : recorded) mine = mine || row[0].as<int>() == nearest;
    if (!mine) {
      tx.commit();
      continue;
    }
    const auto appointment = storage::FindAppointment(tx, id);
    if (!appointment || appointment->status != domain::AppointmentStatus::kConfirmed) {
      tx.commit();
      continue;
    }
    const auto event = domain::MakeOutboxEvent(
        {domain::EventType::kReminder, *appointment, std::nullopt, nullptr, false, nearest}, shop_time_, clock_.Now());
    tx.exec_params(kInsertEvent, event.event_id, id, event.payload_json);
    tx.commit();
    ++emitted;
  }
  if (emitted > 0) emitted_.Inc(emitted);
  return emitted;
}

void ReminderScheduler::Run() {
  std::unique_ptr<pqxx::connection> connection;
  storage::ReconnectBackoff reconnect("reminders", reconnects_);
  while (!stopping_) {
    auto pause = settings_.interval;
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(settings_.database_url);
        storage::PrepareStatements(*connection);
        reconnect.Connected();
      }
      EmitDue(*connection);
    } catch (const std::exception& e) {
      // What a broken pass recorded was rolled back with its transaction: the next pass
      // finds those reminders due again.  It comes after the backoff, not the interval.
      connection.reset();
      pause = reconnect.Failed(e);
    }
    stopping_.WaitFor(pause);
  }
}

}  // namespace barbershop::core::events
