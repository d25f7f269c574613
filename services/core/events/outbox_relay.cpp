#include "outbox_relay.hpp"

#include "barbershop/common/contained.hpp"
#include "barbershop/common/failpoints.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/reconnect_backoff.hpp"

namespace barbershop::core::events {
namespace {

// Unsent rows whose appointment has no earlier unsent row: a later event of an
// appointment never overtakes an earlier one, even when another replica holds it.
constexpr const char* kClaim = R"(
  SELECT o.id, o.event_id::text, o.routing_key, o.payload::text,
         extract(epoch FROM clock_timestamp() - o.created_at)::float8
  FROM outbox o
  WHERE o.sent_at IS NULL
    AND NOT EXISTS (SELECT 1 FROM outbox e
                    WHERE e.aggregate_id = o.aggregate_id AND e.sent_at IS NULL AND e.id < o.id)
  ORDER BY o.id
  LIMIT $1
  FOR UPDATE OF o SKIP LOCKED)";
constexpr const char* kMarkSent = "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])";
constexpr const char* kPrune = "DELETE FROM outbox WHERE sent_at < now() - make_interval(hours => $1)";
constexpr const char* kPending = "SELECT count(*) FROM outbox WHERE sent_at IS NULL";

class Wakeup final : public pqxx::notification_receiver {
 public:
  Wakeup(pqxx::connection& connection, bool& flag) : notification_receiver(connection, "outbox"), flag_(flag) {}
  void operator()(const std::string&, int) override { flag_ = true; }

 private:
  bool& flag_;
};

}  // namespace

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
      crashes_(common::UnhandledErrors(metrics, "outbox relay")) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  thread_ = std::thread([this] { common::RunRestarting("the outbox relay", &crashes_, [this] { Run(); }); });
}

void OutboxRelay::Stop() {
  stopping_.Stop();
  if (thread_.joinable()) thread_.join();
}

int OutboxRelay::RelayBatch(pqxx::connection& connection) {
  using Clock = std::chrono::steady_clock;
  pqxx::work tx(connection);
  const auto rows = tx.exec_params(kClaim, static_cast<long long>(settings_.batch_size));
  if (rows.empty()) return 0;
  const auto claimed = Clock::now();
  std::vector<OutgoingEvent> batch;
  std::vector<double> ages;  // seconds each event had waited when claimed
  std::string ids = "{";
  for (const auto& row : rows) {
    batch.push_back({row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()});
    ages.push_back(row[4].as<double>());
    if (ids.size() > 1) ids += ",";
    ids += row[0].as<std::string>();
  }
  ids += "}";
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
  tx.exec_params(kMarkSent, ids);
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
        // The relay's commits (rows marked sent, pruning) need not wait for the disk: a
        // mark lost in a crash only sends the rows again, and the real-time service drops
        // them by event_id.  Waiting would hold every event behind a batch for a WAL flush.
        connection->set_variable("synchronous_commit", "off");
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
      connection->await_notification(0, 100'000);  // wakes at once on NOTIFY
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
