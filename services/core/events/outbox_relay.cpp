#include "outbox_relay.hpp"

#include "barbershop/common/contained.hpp"
#include "barbershop/common/failpoints.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

#include "storage/database.hpp"
#include "storage/reconnect_backoff.hpp"

namespace barbershop::core::events {
namespace {

// Unsent rows that are the earliest unsent row of their appointment: a later event of an
// appointment never overtakes an earlier one, even when another replica holds it.  The
// rows are read in id order from outbox_unsent, which only this scan can use (its
// predicate names routing_key, migration 018), and each one's appointment is looked up
// in outbox_unsent_by_aggregate: a claim reads about the rows it takes, whatever the
// statistics say.  (As a NOT EXISTS, with the statistics of a normal day, in which no row
// is unsent, PostgreSQL ran the check as a scan of every unsent row for each row
// claimed: a backlog made each claim slower than the last, a minute for one claim of
// 20,000.)
// The last column is the list caches' notice of an appointment's change (as migration
// 007's trigger words it), NULL for other events and for a reminder, which changes
// nothing.
constexpr const char* kClaim = R"(
  SELECT o.id, o.event_id::text, o.routing_key, o.payload::text,
         extract(epoch FROM clock_timestamp() - o.created_at)::float8,
         CASE WHEN o.routing_key LIKE 'appointment.%' AND o.routing_key <> 'appointment.reminder'
              THEN (o.payload #>> '{appointment,barber_id}') || ' ' || (o.payload #>> '{appointment,client_id}') END
  FROM outbox o
  WHERE o.sent_at IS NULL AND o.routing_key IS NOT NULL
    AND o.id = (SELECT min(e.id) FROM outbox e WHERE e.aggregate_id = o.aggregate_id AND e.sent_at IS NULL)
  ORDER BY o.id
  LIMIT $1
  FOR UPDATE OF o SKIP LOCKED)";
constexpr const char* kMarkSent = R"(
  WITH sent AS (UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[]))
  SELECT pg_notify('appointment_lists', notice) FROM unnest($2::text[]) AS notice)";
constexpr const char* kTellLists = "SELECT pg_notify('appointment_lists', notice) FROM unnest($1::text[]) AS notice";
constexpr const char* kMarkSentName = "relay_mark_sent";
constexpr const char* kTellListsName = "relay_tell_lists";
constexpr const char* kPrune = "DELETE FROM outbox WHERE sent_at < now() - make_interval(hours => $1)";
constexpr const char* kPending = "SELECT count(*) FROM outbox WHERE sent_at IS NULL";

// A PostgreSQL array literal of `items`: {"a","b"}.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

class Wakeup final : public pqxx::notification_receiver {
 public:
  Wakeup(pqxx::connection& connection, bool& flag) : notification_receiver(connection, "outbox"), flag_(flag) {}
  void operator()(const std::string&, int) override { flag_ = true; }

 private:
  bool& flag_;
};

}  // namespace

const char* ClaimStatementName() { return "relay_claim"; }

void ConfigureRelayConnection(pqxx::connection& connection) {
  // The relay's commits (rows marked sent, pruning) need not wait for the disk: a mark
  // lost in a crash only sends the rows again, and the real-time service drops them by
  // event_id.  Waiting would hold every event behind a batch for a WAL flush.
  connection.set_variable("application_name", "'barbershop-core outbox relay'");
  connection.set_variable("synchronous_commit", "off");
  // The claim reads the unsent rows by index, never by bitmap: an index scan marks the
  // entries of rows since marked sent as dead when it passes them, a bitmap scan never
  // does, and the next claims would visit every row sent since the last vacuum
  // (thousands a second at a shop's busiest).
  connection.set_variable("enable_bitmapscan", "off");
  // The claim and the mark are prepared, each with one plan for every call: planning the
  // claim cost PostgreSQL more than running it, once for each batch.  The claim's plan
  // is the same whatever the batch size and the statistics (kClaim), so the one plan
  // serves a backlog as it serves a quiet day (EventsTest checks it on a backlog).
  connection.set_variable("plan_cache_mode", "force_generic_plan");
  connection.prepare(ClaimStatementName(), kClaim);
  connection.prepare(kMarkSentName, kMarkSent);
  connection.prepare(kTellListsName, kTellLists);
}

OutboxRelay::OutboxRelay(RelaySettings settings, EventPublisher& publisher, common::MetricsRegistry& metrics)
    : settings_(std::move(settings)),
      publisher_(publisher),
      published_(metrics.GetCounter("barbershop_outbox_published_total", "Events the broker confirmed.")),
      failures_(metrics.GetCounter("barbershop_outbox_publish_failures_total",
                                   "Batches that could not be published (left for a retry).")),
      unroutable_(metrics.GetCounter("barbershop_outbox_unroutable_total",
                                     "Batches the broker routed, in part, to no queue (counted among the failures; "
                                     "left for a retry).")),
      pending_(metrics.GetGauge("barbershop_outbox_pending", "Unsent outbox rows at the last sweep.")),
      confirm_seconds_(metrics.GetHistogram("barbershop_outbox_confirm_seconds",
                                            "Time from publishing a batch to the broker confirming all of it.")),
      delay_seconds_(metrics.GetHistogram(
          "barbershop_outbox_delay_seconds",
          "Time from an event's transaction starting to the broker confirming the event, per event.")),
      reconnects_(storage::ReconnectCounter(metrics, "relay")),
      crashes_(common::UnhandledErrors(metrics, "outbox relay")),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd for the outbox relay");
}

OutboxRelay::~OutboxRelay() {
  Stop();
  close(wake_fd_);
}

void OutboxRelay::Wake() {
  const std::uint64_t one = 1;
  // Only a full counter (2^64 - 2 rings unread) refuses, and then a ring is waiting anyway.
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
}

void OutboxRelay::Start() {
  thread_ = std::thread([this] { common::RunRestarting("the outbox relay", &crashes_, [this] { Run(); }); });
}

void OutboxRelay::Stop() {
  stopping_.Stop();
  Wake();
  if (thread_.joinable()) thread_.join();
}

int OutboxRelay::RelayBatch(pqxx::connection& connection) {
  std::vector<std::string> notices;
  const int sent = PublishBatch(connection, notices);
  // The changes are made: the list caches hear of them now, whenever the broker takes them.
  if (sent < 0 && !notices.empty()) {
    pqxx::nontransaction(connection).exec_prepared(kTellListsName, ArrayLiteral(notices));
  }
  return sent;
}

int OutboxRelay::PublishBatch(pqxx::connection& connection, std::vector<std::string>& notices) {
  using Clock = std::chrono::steady_clock;
  pqxx::work tx(connection);
  const auto rows = tx.exec_prepared(ClaimStatementName(), static_cast<long long>(settings_.batch_size));
  if (rows.empty()) return 0;
  const auto claimed = Clock::now();
  std::vector<OutgoingEvent> batch;
  std::vector<double> ages;  // seconds each event had waited when claimed
  std::vector<std::string> ids;
  for (const auto& row : rows) {
    batch.push_back({row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
    ages.push_back(row[4].as<double>());
    ids.push_back(row[0].as<std::string>());
    if (!row[5].is_null()) notices.push_back(row[5].as<std::string>());
  }
  if (BARBERSHOP_FAILPOINT("relay.before_publish", "")) {
    common::DieAtFailpoint("relay.before_publish",
                           "before publishing " + std::to_string(batch.size()) + " claimed events");
  }
  const auto publishing = Clock::now();
  if (auto ok = publisher_.PublishConfirmed(batch); !ok) {
    tx.abort();
    failures_.Inc();
    if (ok.error().code == common::ErrorCode::kFailedPrecondition) unroutable_.Inc();
    spdlog::warn("{} events wait for the broker: {}", batch.size(), ok.error().message);
    return -1;
  }
  const auto confirmed = Clock::now();
  confirm_seconds_.Observe(std::chrono::duration<double>(confirmed - publishing).count());
  const double since_claim = std::chrono::duration<double>(confirmed - claimed).count();
  for (const double age : ages) delay_seconds_.Observe(age + since_claim);
  tx.exec_prepared(kMarkSentName, ArrayLiteral(ids), ArrayLiteral(notices));
  tx.commit();
  published_.Inc(static_cast<double>(batch.size()));
  return static_cast<int>(batch.size());
}

void OutboxRelay::Prune(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  const auto deleted = tx.exec_params(kPrune, static_cast<int>(settings_.retention.count())).affected_rows();
  if (deleted > 0) spdlog::info("pruned {} sent outbox rows", deleted);
  pending_.Set(tx.exec(kPending)[0][0].as<double>());
}

void OutboxRelay::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<Wakeup> wakeup;
  bool notified = true;
  auto next_sweep = Clock::now();
  auto next_prune = Clock::now();
  auto backoff = std::chrono::milliseconds(100);
  storage::ReconnectBackoff reconnect("outbox relay", reconnects_);
  while (!stopping_) {
    try {
      if (!connection) {
        connection = std::make_unique<pqxx::connection>(settings_.database_url);
        ConfigureRelayConnection(*connection);
        wakeup = std::make_unique<Wakeup>(*connection, notified);
        notified = true;  // rows may have arrived while we were away
        reconnect.Connected();
      }
      if (notified || Clock::now() >= next_sweep) {
        notified = false;
        next_sweep = Clock::now() + settings_.sweep_interval;
        const int sent = RelayBatch(*connection);
        if (sent < 0) {
          // The broker is away: wait, then try the same rows again.
          stopping_.WaitFor(backoff);
          backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
          notified = true;
          continue;
        }
        backoff = std::chrono::milliseconds(100);
        if (sent == static_cast<int>(settings_.batch_size)) {
          notified = true;  // more are waiting
          continue;
        }
      }
      if (settings_.prune && Clock::now() >= next_prune) {
        next_prune = Clock::now() + std::chrono::minutes(1);
        Prune(*connection);
      }
      // Wakes at once when rung or on a NOTIFY; looks again at least every 100 ms.
      busy_ = false;
      pollfd ready[] = {{connection->sock(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (poll(ready, 2, 100) > 0 && (ready[1].revents & POLLIN) != 0) {
        std::uint64_t rings = 0;
        [[maybe_unused]] const auto read_back = read(wake_fd_, &rings, sizeof rings);
        notified = true;
      }
      busy_ = true;
      connection->get_notifs();
    } catch (const std::exception& e) {
      // A claimed batch is rolled back with its connection: its rows go out after the reconnect.
      wakeup.reset();
      connection.reset();
      stopping_.WaitFor(reconnect.Failed(e));
    }
  }
  wakeup.reset();
}

}  // namespace barbershop::core::events
