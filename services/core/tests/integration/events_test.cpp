// From a committed change to a message on the broker: the outbox relay, its ordering,
// its survival of broker outages and crashes, reminders and last-minute flags.
#include <amqp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/testing/eventually.hpp"
#include "events/outbox_relay.hpp"
#include "test_queue.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Events of each of these appointments, in arrival order, until each has `count` or time
// ran out.  Events of different appointments may arrive in any order, so they are read
// in one pass.
std::map<std::string, std::vector<ReceivedEvent>> EventsOfEach(TestQueue& queue, const std::set<std::string>& ids,
                                                               std::size_t count, seconds within = seconds(20),
                                                               const std::string& routing_key = "") {
  std::map<std::string, std::vector<ReceivedEvent>> out;
  std::size_t complete = 0;
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (complete < ids.size() && std::chrono::steady_clock::now() < deadline) {
    auto event = queue.Next(milliseconds(250));
    if (!event || event->payload.is_discarded()) continue;
    const auto& appointment = event->payload["appointment"];
    if (!appointment.is_object() || !ids.count(appointment.value("id", std::string()))) continue;
    const std::string id = appointment["id"];
    if (!routing_key.empty() && event->routing_key != routing_key) continue;
    // A reminder is not a change: another test's core replicas, looking far ahead, may
    // remind this appointment while it is confirmed.
    if (routing_key.empty() && event->routing_key == "appointment.reminder") continue;
    auto& events = out[id];
    events.push_back(std::move(*event));
    if (events.size() == count) ++complete;
  }
  return out;
}

// Events of one appointment, in arrival order, until `count` arrived or time ran out.
std::vector<ReceivedEvent> EventsOf(TestQueue& queue, const std::string& appointment_id, std::size_t count,
                                    seconds within = seconds(20), const std::string& routing_key = "") {
  return EventsOfEach(queue, {appointment_id}, count, within, routing_key)[appointment_id];
}

std::string Book(UserService::Stub& stub, const TestUser& client, const std::string& barber, const std::string& when) {
  CreateAppointmentRequest request;
  request.set_barber_name(barber);
  request.set_date_time(when);
  AppointmentResponse response;
  const auto status = stub.CreateAppointment(Authed(client.token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.appointment_id();
}

// The barber confirms the appointment `id`.
void Confirm(UserService::Stub& stub, const TestUser& barber, const std::string& id) {
  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(id);
  AppointmentResponse response;
  const auto status = stub.ConfirmAppointment(Authed(barber.token).get(), confirm, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
}

// Shop time at least `minutes` from now and at most half an hour more, on the half hour
// (the test barbers' slot grid; the shop's offset is whole hours).  A barber who works
// round the clock can be booked then at any hour, across midnight too.
std::string MinutesFromNow(int minutes) {
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto at = std::chrono::ceil<std::chrono::minutes>(common::SystemClock().Now() + std::chrono::minutes(minutes));
  const auto half_hours = (at.time_since_epoch().count() + 29) / 30;
  return shop.Format(common::TimePoint{std::chrono::minutes(half_hours * 30)});
}

TEST(EventsTest, EveryChangeReachesTheBrokerInOrderWithItsPayload) {
  TestQueue queue(TestAmqpUrl());
  auto stub = TestCore::Get().NewStub();
  const auto client = NewCustomer(*stub);
  const auto barber = NewBarber(*stub);
  const auto id = Book(*stub, client, barber.username, Slot(2, 10, 0));
  AppointmentResponse response;
  ConfirmAppointmentRequest confirm;
  confirm.set_appointment_id(id);
  ASSERT_TRUE(stub->ConfirmAppointment(Authed(barber.token).get(), confirm, &response).ok());
  ModifyAppointmentRequest modify;
  modify.set_appointment_id(id);
  modify.set_date_time(Slot(2, 11, 0));
  ASSERT_TRUE(stub->ModifyAppointment(Authed(client.token).get(), modify, &response).ok());
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(id);
  ASSERT_TRUE(stub->CancelAppointment(Authed(client.token).get(), cancel, &response).ok());

  const auto events = EventsOf(queue, id, 4);
  ASSERT_EQ(events.size(), 4u);
  const char* expected[] = {"appointment.created", "appointment.confirmed", "appointment.modified",
                            "appointment.canceled"};
  std::set<std::string> event_ids;
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(events[i].routing_key, expected[i]);
    EXPECT_EQ(events[i].payload["type"], expected[i]);
    event_ids.insert(events[i].payload["event_id"].get<std::string>());
  }
  EXPECT_EQ(event_ids.size(), 4u);
  const auto& created = events[0].payload;
  EXPECT_EQ(created["appointment"]["barber_id"], barber.id);
  EXPECT_EQ(created["appointment"]["barber_name"], barber.username);
  EXPECT_EQ(created["appointment"]["client_id"], client.id);
  EXPECT_EQ(created["appointment"]["status"], "pending");
  EXPECT_EQ(created["actor"]["user_id"], client.id);
  EXPECT_EQ(events[1].payload["actor"]["role"], "barber");
  EXPECT_EQ(events[2].payload["previous"]["start"].get<std::string>().substr(11, 5), "10:00");
  EXPECT_EQ(events[3].payload["appointment"]["status"], "canceled");
  // Sent rows are marked, right after the broker's confirmation (which may come after
  // the message reached us).
  EXPECT_TRUE(Eventually([&] {
    return QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + id + "' AND sent_at IS NULL") == "0";
  }));
}

// Four relay workers publish at once; each appointment's events still arrive in the order
// they were committed, each once.
TEST(EventsTest, SeveralRelayWorkersKeepEachAppointmentsOrder) {
  ScratchCore core([](app::CoreConfig& c) { c.relay_workers = 4; });
  TestQueue queue(TestAmqpUrl());
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  constexpr int kAppointments = 12;
  std::vector<std::string> ids(kAppointments);
  std::vector<std::thread> threads;
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
  for (int i = 0; i < kAppointments; ++i) {
    threads.emplace_back([&, i] {
      auto own = core.NewStub();
      const auto client = NewCustomer(*own);
      const auto at = [&](int slot) { return shop.Format(base + std::chrono::minutes(30) * slot); };
      ids[i] = Book(*own, client, barber.username, at(2 * i));
      AppointmentResponse response;
      ConfirmAppointmentRequest confirm;
      confirm.set_appointment_id(ids[i]);
      EXPECT_TRUE(own->ConfirmAppointment(Authed(barber.token).get(), confirm, &response).ok());
      ModifyAppointmentRequest modify;
      modify.set_appointment_id(ids[i]);
      modify.set_date_time(at(2 * i + 1));
      EXPECT_TRUE(own->ModifyAppointment(Authed(client.token).get(), modify, &response).ok());
      CancelAppointmentRequest cancel;
      cancel.set_appointment_id(ids[i]);
      EXPECT_TRUE(own->CancelAppointment(Authed(client.token).get(), cancel, &response).ok());
    });
  }
  for (auto& t : threads) t.join();

  auto arrived = EventsOfEach(queue, std::set<std::string>(ids.begin(), ids.end()), 4, seconds(30));
  const std::vector<std::string> in_order{"appointment.created", "appointment.confirmed", "appointment.modified",
                                          "appointment.canceled"};
  for (const auto& id : ids) {
    std::vector<std::string> keys;
    for (const auto& event : arrived[id]) keys.push_back(event.routing_key);
    EXPECT_EQ(keys, in_order) << id;
  }
}

TEST(EventsTest, ABarbersLastMinuteCancellationIsFlagged) {
  TestQueue queue(TestAmqpUrl());
  auto stub = TestCore::Get().NewStub();
  const auto client = NewCustomer(*stub);
  const auto barber = NewBarber(*stub, false, true);
  const auto soon = Book(*stub, client, barber.username, MinutesFromNow(45));
  const auto later = Book(*stub, client, barber.username, MinutesFromNow(24 * 60));
  AppointmentResponse response;
  CancelAppointmentRequest cancel;
  cancel.set_appointment_id(soon);
  ASSERT_TRUE(stub->CancelAppointment(Authed(barber.token).get(), cancel, &response).ok());
  cancel.set_appointment_id(later);
  ASSERT_TRUE(stub->CancelAppointment(Authed(barber.token).get(), cancel, &response).ok());

  auto canceled = EventsOfEach(queue, {soon, later}, 1, seconds(20), "appointment.canceled");
  ASSERT_EQ(canceled[soon].size(), 1u);
  ASSERT_EQ(canceled[later].size(), 1u);
  EXPECT_EQ(canceled[soon][0].payload.value("last_minute", false), true);
  EXPECT_FALSE(canceled[later][0].payload.contains("last_minute"));
}

TEST(EventsTest, BookingsSucceedWhileTheBrokerIsDownAndEveryEventFollowsOnce) {
  OwnBroker broker;
  ASSERT_TRUE(broker.Start());
  ScratchCore core([&](app::CoreConfig& c) { c.amqp_url = broker.url(); });
  const std::string queue_name = "test.outage." + Unique();
  {
    TestQueue declare(broker.url(), queue_name);  // the durable queue exists before the outage
  }
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  const auto client = NewCustomer(*stub);
  ASSERT_TRUE(broker.Stop());

  constexpr int kBookings = 200;
  std::set<std::string> booked;
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
  for (int i = 0; i < kBookings; ++i) {
    booked.insert(Book(*stub, client, barber.username, shop.Format(base + std::chrono::minutes(30) * i)));
  }
  ASSERT_EQ(booked.size(), static_cast<std::size_t>(kBookings));
  // The broker stays down a second after the last booking: every event waits at least that.
  const auto last_booked = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(seconds(1));
  const double outage_after_last =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_booked).count();
  ASSERT_TRUE(broker.Start());
  TestQueue queue(broker.url(), queue_name);
  std::map<std::string, int> seen;  // appointment id -> created events
  std::set<std::string> event_ids;
  const auto deadline = std::chrono::steady_clock::now() + seconds(60);
  while (seen.size() < booked.size() && std::chrono::steady_clock::now() < deadline) {
    auto event = queue.Next(milliseconds(500));
    if (!event || event->payload.is_discarded()) continue;
    const std::string id = event->payload["appointment"]["id"];
    if (!booked.count(id)) continue;
    ++seen[id];
    event_ids.insert(event->payload["event_id"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), booked.size());
  // Nothing arrives twice.
  while (auto extra = queue.Next(milliseconds(500))) {
    if (!extra->payload.is_discarded() && booked.count(extra->payload["appointment"]["id"].get<std::string>())) {
      ADD_FAILURE() << "an event arrived twice";
    }
  }
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(event_ids.size(), booked.size());
  // The relay's delay histogram counts each event once, when the broker confirmed it, and
  // each waited at least until the broker was started again.
  double relayed = 0;
  double waited = 0;
  Eventually([&] {
    const auto metrics = HttpGet(core.http_port(), "/metrics").second;
    relayed = MetricValue(metrics, "barbershop_outbox_delay_seconds_count");
    waited = MetricValue(metrics, "barbershop_outbox_delay_seconds_sum");
    return relayed >= kBookings;
  });
  EXPECT_EQ(relayed, kBookings);
  EXPECT_GE(waited / std::max(relayed, 1.0), outage_after_last);
  // And each batch the broker confirmed was timed once: at least one, at most one per event.
  const auto batches =
      MetricValue(HttpGet(core.http_port(), "/metrics").second, "barbershop_outbox_confirm_seconds_count");
  EXPECT_GE(batches, 1);
  EXPECT_LE(batches, relayed);
}

// Without a broker (the AMQP URL "none") the service answers and keeps every event in
// the outbox, says so on /readyz and in its metrics; a copy with a broker then sends them.
TEST(EventsTest, WithoutABrokerEventsWaitInTheOutboxForACopyThatHasOne) {
  ScratchCore core([](app::CoreConfig& c) { c.amqp_url = app::kNoBroker; });
  const auto [status, body] = HttpGet(core.http_port(), "/readyz");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body, "ready; no broker: the outbox relay is idle\n");
  EXPECT_EQ(MetricValue(HttpGet(core.http_port(), "/metrics").second, "barbershop_outbox_relay_workers"), 0);
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  const auto client = NewCustomer(*stub);
  const auto id = Book(*stub, client, barber.username, Slot(2, 10, 0));
  const auto unsent = [&] {
    pqxx::connection connection(core.database_url());
    pqxx::nontransaction tx(connection);
    const auto rows = tx.exec_params("SELECT count(*) FROM outbox WHERE aggregate_id = $1 AND sent_at IS NULL", id);
    return rows[0][0].as<int>();
  };
  EXPECT_EQ(unsent(), 1);

  TestQueue queue(TestAmqpUrl());
  const auto relaying = core.StartReplica();  // with the test broker
  EXPECT_EQ(MetricValue(HttpGet(relaying->http_port(), "/metrics").second, "barbershop_outbox_relay_workers"),
            core.Config().relay_workers);
  const auto events = EventsOf(queue, id, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].routing_key, "appointment.created");
  // The relay marks the row sent once the broker confirmed it: the event can reach the
  // queue first.
  EXPECT_TRUE(Eventually([&] { return unsent() == 0; })) << "the relayed event is still marked unsent";
}

// A configuration that names no server stops the service at start, saying what to set.
TEST(EventsTest, AServiceWithoutADatabaseOrBrokerUrlDoesNotStart) {
  common::SystemClock clock;
  const ScratchCore core([](app::CoreConfig& c) { c.relay = false; });
  auto config = core.Config();
  config.amqp_url.clear();
  auto started = app::CoreApp(config, clock).Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("BARBERSHOP_AMQP_URL"), std::string::npos) << started.error().message;
  config.amqp_url = app::kNoBroker;
  config.database_url.clear();
  started = app::CoreApp(config, clock).Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("BARBERSHOP_DATABASE_URL"), std::string::npos) << started.error().message;
}

// The value of a core's counter, once it reaches `at_least` (or after 30 s).
double CounterReaching(int http_port, const std::string& series, double at_least) {
  double value = 0;
  Eventually(
      [&] {
        value = MetricValue(HttpGet(http_port, "/metrics").second, series);
        return value >= at_least;
      },
      seconds(30));
  return value;
}

// Deletes a queue, as an operator would; true when the broker did.
bool DeleteQueue(const std::string& amqp_url, const std::string& queue) {
  const auto connection = common::AmqpConnection::Open(amqp_url, {});
  return connection && amqp_queue_delete(connection.state(), common::kAmqpChannel, amqp_cstring_bytes(queue.c_str()), 0,
                                         0) != nullptr;
}

// On a fresh broker, and after the real-time service's queue was deleted, the core's
// events are routed nowhere until someone declares that queue: the core declares it
// itself, and an event the broker returns as unroutable is not taken as sent but
// published again once the queue is back.
TEST(EventsTest, NoEventIsLostToAMissingRealtimeQueue) {
  OwnBroker broker;  // fresh: nobody has declared the real-time service's queue
  ASSERT_TRUE(broker.Start());
  ScratchCore core([&](app::CoreConfig& c) {
    c.amqp_url = broker.url();
    c.outbox_sweep_ms = 100;
    c.relay_workers = 1;  // the connection that published the first event publishes the second
  });
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  const auto client = NewCustomer(*stub);
  const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();

  const auto before_any_consumer = Book(*stub, client, barber.username, shop.Format(base));
  ASSERT_EQ(CounterReaching(core.http_port(), "barbershop_outbox_published_total", 1), 1);
  {
    // The consumer starts after the event was confirmed: it is waiting in the queue.
    TestQueue queue(broker.url(), TestQueue::RealtimeQueue{});
    EXPECT_EQ(EventsOf(queue, before_any_consumer, 1).size(), 1u);
  }

  // The queue deleted under the core's open connection, and nobody consuming.
  ASSERT_TRUE(DeleteQueue(broker.url(), "barbershop.realtime.events"));
  const auto while_deleted = Book(*stub, client, barber.username, shop.Format(base + std::chrono::hours(1)));
  ASSERT_EQ(CounterReaching(core.http_port(), "barbershop_outbox_published_total", 2), 2);
  EXPECT_GE(MetricValue(HttpGet(core.http_port(), "/metrics").second, "barbershop_outbox_unroutable_total"), 1);
  TestQueue queue(broker.url(), TestQueue::RealtimeQueue{});
  EXPECT_EQ(EventsOf(queue, while_deleted, 1).size(), 1u);
  // And once only, nor the first one again.
  EXPECT_TRUE(EventsOfEach(queue, {before_any_consumer, while_deleted}, 1, seconds(2)).empty());
}

// Every PostgreSQL notice on the outbox's and the list caches' channels, with the name
// of the connection that sent it.
class NoticeLog {
 public:
  explicit NoticeLog(const std::string& database_url)
      : connection_(database_url),
        lists_(connection_, "appointment_lists", heard_),
        outbox_(connection_, "outbox", heard_) {}

  struct Notice {
    std::string channel;
    std::string payload;
    std::string sender;  // the sending connection's application_name
  };

  // Everything sent until now (a round trip delivers what is queued).
  std::vector<Notice> Heard() {
    pqxx::nontransaction(connection_).exec("SELECT 1");
    connection_.get_notifs();  // outside a transaction: libpqxx holds them back inside one
    pqxx::nontransaction tx(connection_);
    std::vector<Notice> out;
    for (const auto& [channel, payload, pid] : heard_) {
      const auto name = tx.exec_params("SELECT application_name FROM pg_stat_activity WHERE pid = $1", pid);
      out.push_back({channel, payload, name.empty() ? "(gone)" : name[0][0].c_str()});
    }
    return out;
  }
  void Forget() {
    Heard();
    heard_.clear();
  }

 private:
  using Raw = std::vector<std::tuple<std::string, std::string, int>>;
  class Receiver final : public pqxx::notification_receiver {
   public:
    Receiver(pqxx::connection& connection, const std::string& channel, Raw& heard)
        : notification_receiver(connection, channel), heard_(heard) {}
    void operator()(const std::string& payload, int pid) override { heard_.emplace_back(channel(), payload, pid); }

   private:
    Raw& heard_;
  };

  pqxx::connection connection_;
  Raw heard_;
  Receiver lists_;
  Receiver outbox_;
};

bool ToldBy(const std::vector<NoticeLog::Notice>& heard, const std::string& payload, const std::string& sender) {
  return std::any_of(heard.begin(), heard.end(),
                     [&](const auto& notice) { return notice.payload == payload && notice.sender == sender; });
}

// A booking's and a move's transactions send no NOTIFY, which would make every notifying
// commit wait for the one before it to reach the disk: the copy rings its own relay, and
// the relay tells every copy's list cache once it claims the event.
TEST(EventsTest, ABookingCommitsWithoutANoticeAndTheRelayTellsTheListCaches) {
  // No sweep within the test: only the copy's ring can wake its relay for the booking.
  ScratchCore core([](app::CoreConfig& c) { c.outbox_sweep_ms = 600'000; });
  NoticeLog log(core.database_url());
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, true, true, core.database_url());
  const auto client = NewCustomer(*stub);
  log.Forget();

  const auto id = Book(*stub, client, barber.username, Slot(2, 10, 0));
  ModifyAppointmentRequest modify;
  modify.set_appointment_id(id);
  modify.set_date_time(Slot(2, 11, 0));
  AppointmentResponse moved;
  ASSERT_TRUE(stub->ModifyAppointment(Authed(client.token).get(), modify, &moved).ok());
  // Both events reach the broker, and the lists hear of the pair from the relay.
  ASSERT_TRUE(Eventually([&] {
    return QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + id + "' AND sent_at IS NOT NULL",
                       core.database_url()) == "2";
  }));
  const auto heard = log.Heard();
  EXPECT_TRUE(ToldBy(heard, barber.id + " " + client.id, "barbershop-core outbox relay"));
  for (const auto& notice : heard) {
    EXPECT_NE(notice.sender, "barbershop-core") << notice.channel << " " << notice.payload;
  }
}

// While the broker is away the events wait, but the changes are made: the relay tells the
// list caches of them all the same.
TEST(EventsTest, TheListCachesHearOfABookingWhileTheBrokerIsDown) {
  OwnBroker broker;
  ASSERT_TRUE(broker.Start());
  ScratchCore core([&](app::CoreConfig& c) { c.amqp_url = broker.url(); });
  NoticeLog log(core.database_url());
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, true, true, core.database_url());
  const auto client = NewCustomer(*stub);
  ASSERT_TRUE(broker.Stop());
  log.Forget();

  const auto id = Book(*stub, client, barber.username, Slot(2, 10, 0));
  EXPECT_TRUE(
      Eventually([&] { return ToldBy(log.Heard(), barber.id + " " + client.id, "barbershop-core outbox relay"); }));
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM outbox WHERE aggregate_id = '" + id + "' AND sent_at IS NULL",
                        core.database_url()),
            "1");
}

TEST(EventsTest, SentEventsArePrunedAfterTheRetentionPeriodAndNoOthers) {
  ScratchCore db([](app::CoreConfig& c) { c.relay = false; });  // only the child below relays
  const auto count = [&](const std::string& where) {
    pqxx::connection connection(db.database_url());
    pqxx::nontransaction tx(connection);
    return tx.exec("SELECT count(*) FROM outbox WHERE " + where)[0][0].as<int>();
  };
  {
    pqxx::connection connection(db.database_url());
    pqxx::nontransaction tx(connection);
    const std::string row =
        "INSERT INTO outbox (event_id, aggregate_id, routing_key, payload, sent_at) "
        "VALUES (gen_random_uuid(), gen_random_uuid(), 'appointment.created', '{}', ";
    tx.exec(row + "now() - interval '25 hours')");  // sent, older than the 24 hours kept
    tx.exec(row + "now() - interval '23 hours')");  // sent, still kept
  }
  ASSERT_EQ(count("sent_at IS NOT NULL"), 2);

  ChildProcess relay;
  ASSERT_TRUE(SpawnCore(relay, {"BARBERSHOP_DATABASE_URL=" + db.database_url(), "BARBERSHOP_AMQP_URL=" + TestAmqpUrl(),
                                "BARBERSHOP_OUTBOX_RETENTION_HOURS=24"}));
  const bool pruned = Eventually([&] { return count("sent_at < now() - interval '24 hours'") == 0; });
  relay.Kill(SIGTERM);
  relay.Wait(seconds(30));
  EXPECT_TRUE(pruned) << "the row sent 25 hours ago was not pruned";
  EXPECT_EQ(count("sent_at IS NOT NULL"), 1) << "the row sent 23 hours ago must stay";
}

// Rows a plan's scans read (EXPLAIN ANALYZE's JSON): what each returned and what its
// filter dropped, on every loop.
double RowsScanned(const nlohmann::json& node) {
  double rows = 0;
  if (node.value("Node Type", std::string()).find("Scan") != std::string::npos) {
    rows +=
        (node.value("Actual Rows", 0.0) + node.value("Rows Removed by Filter", 0.0)) * node.value("Actual Loops", 0.0);
  }
  for (const auto& child : node.value("Plans", nlohmann::json::array())) rows += RowsScanned(child);
  return rows;
}

// A backlog (the broker away for a while, or a busy hour) is claimed a batch at a time,
// each claim reading a few rows for each row it takes, however long the backlog, also
// with the statistics of a normal day, in which no row is unsent.
TEST(EventsTest, AClaimFromABacklogReadsAboutTheBatchNotTheBacklog) {
  constexpr int kBacklog = 10'000;
  constexpr int kBatch = 64;
  ScratchCore db([](app::CoreConfig& c) { c.relay = false; });
  pqxx::connection connection(db.database_url());
  events::ConfigureRelayConnection(connection);
  {
    pqxx::nontransaction tx(connection);
    // The statistics stay those of the day before the backlog: every event sent, many
    // of them of the same appointments and barbers.
    tx.exec("ALTER TABLE outbox SET (autovacuum_enabled = off)");
    tx.exec(
        "INSERT INTO outbox (event_id, aggregate_id, routing_key, payload, sent_at) "
        "SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((i % 100)::text, 12, '0'))::uuid, "
        "'appointment.created', '{}', now() FROM generate_series(1, " +
        std::to_string(kBacklog) + ") AS i");
    tx.exec("VACUUM ANALYZE outbox");
    tx.exec(
        "INSERT INTO outbox (event_id, aggregate_id, routing_key, payload) "
        "SELECT gen_random_uuid(), gen_random_uuid(), 'appointment.created', '{}' FROM generate_series(1, " +
        std::to_string(kBacklog) + ")");
  }
  // The plan the relay's prepared claim runs with, the one it keeps for every call.
  connection.prepare_now(events::ClaimStatementName());
  pqxx::work tx(connection);
  const auto explained = tx.exec(std::string("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ") + events::ClaimStatementName() +
                                 "(" + std::to_string(kBatch) + ")")[0][0]
                             .as<std::string>();
  const auto plan = nlohmann::json::parse(explained)[0]["Plan"];
  EXPECT_EQ(plan["Actual Rows"], kBatch);
  const double scanned = RowsScanned(plan);
  EXPECT_LE(scanned, 4 * kBatch) << "one claim of " << kBatch << " rows read " << scanned << " rows of a backlog of "
                                 << kBacklog << ":\n"
                                 << explained;
}

TEST(EventsTest, ACoreKilledAfterCommitBeforePublishingLosesNoEvent) {
  ScratchCore db([](app::CoreConfig& c) { c.relay = false; });  // only the child below relays
  TestQueue queue(TestAmqpUrl());
  auto settings = [&](bool crash) {
    std::vector<std::string> s{"BARBERSHOP_DATABASE_URL=" + db.database_url(), "BARBERSHOP_AMQP_URL=" + TestAmqpUrl(),
                               "BARBERSHOP_OUTBOX_SWEEP_MS=100"};
    if (crash) s.push_back("BARBERSHOP_FAILPOINTS=relay.before_publish");
    return s;
  };

  ChildProcess doomed;
  ASSERT_TRUE(SpawnCore(doomed, settings(true)));
  auto stub = UserService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(doomed.port("grpc")), grpc::InsecureChannelCredentials()));
  const auto barber = NewBarber(*stub, false, false, db.database_url());
  const auto client = NewCustomer(*stub);
  CreateAppointmentRequest request;
  request.set_barber_name(barber.username);
  request.set_date_time(Slot(3, 10, 0));
  AppointmentResponse response;
  (void)stub->CreateAppointment(Authed(client.token).get(), request, &response);  // may or may not answer
  EXPECT_EQ(doomed.Wait(seconds(60)), 128 + SIGKILL);

  pqxx::connection connection(db.database_url());
  pqxx::nontransaction tx(connection);
  const auto id = tx.exec("SELECT id::text FROM appointments")[0][0].as<std::string>();
  // Signing up and logging in wrote no events; the booking's event is committed, unsent.
  EXPECT_EQ(tx.exec("SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0].as<int>(), 1);

  ChildProcess restarted;
  ASSERT_TRUE(SpawnCore(restarted, settings(false)));
  const auto events = EventsOf(queue, id, 1);
  restarted.Kill(SIGTERM);
  restarted.Wait(seconds(30));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].routing_key, "appointment.created");
}

TEST(EventsTest, AReminderArrivesOnceWithTwoReplicasRunning) {
  auto fast_reminders = [](app::CoreConfig& c) {
    c.reminder_minutes = {90};  // the booking below starts within 70 minutes: due at once
    c.reminder_interval_ms = 50;
  };
  ScratchCore core(fast_reminders);
  auto replica = core.StartReplica(fast_reminders);
  TestQueue queue(TestAmqpUrl());
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  const auto client = NewCustomer(*stub);
  const auto id = Book(*stub, client, barber.username, MinutesFromNow(40));
  ASSERT_NO_FATAL_FAILURE(Confirm(*stub, barber, id));

  const auto first = EventsOf(queue, id, 1, seconds(20), "appointment.reminder");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].payload["reminder"]["minutes_before"], 90);
  EXPECT_EQ(first[0].payload["actor"]["role"], "system");
  EXPECT_EQ(first[0].payload["appointment"]["status"], "confirmed");
  // Both replicas keep looking; no second reminder comes.
  EXPECT_TRUE(EventsOf(queue, id, 1, seconds(2), "appointment.reminder").empty());
}

TEST(EventsTest, AnAppointmentMovedAfterItsReminderIsRemindedOfItsNewTime) {
  auto fast_reminders = [](app::CoreConfig& c) {
    c.reminder_minutes = {120};  // both times below are within two hours: due at once
    c.reminder_interval_ms = 50;
  };
  ScratchCore core(fast_reminders);
  TestQueue queue(TestAmqpUrl());
  auto stub = core.NewStub();
  const auto barber = NewBarber(*stub, false, true, core.database_url());
  const auto client = NewCustomer(*stub);
  const auto first_time = MinutesFromNow(30);
  const auto id = Book(*stub, client, barber.username, first_time);
  ASSERT_NO_FATAL_FAILURE(Confirm(*stub, barber, id));
  const auto first = EventsOf(queue, id, 1, seconds(20), "appointment.reminder");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].payload["appointment"]["start"], first_time);

  // The barber moves it half an hour later; it stays confirmed, and its client is told of
  // the new time before it comes.
  const auto new_time = MinutesFromNow(60);
  ASSERT_NE(new_time, first_time);
  AppointmentResponse response;
  ModifyAppointmentRequest modify;
  modify.set_appointment_id(id);
  modify.set_date_time(new_time);
  const auto moved = stub->ModifyAppointment(Authed(barber.token).get(), modify, &response);
  ASSERT_TRUE(moved.ok()) << moved.error_message();
  const auto second = EventsOf(queue, id, 1, seconds(20), "appointment.reminder");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].payload["appointment"]["start"], new_time);
  EXPECT_EQ(second[0].payload["reminder"]["minutes_before"], 120);
  // Once for each time, not again.
  EXPECT_TRUE(EventsOf(queue, id, 1, seconds(2), "appointment.reminder").empty());
}

}  // namespace
}  // namespace barbershop::core::testing
