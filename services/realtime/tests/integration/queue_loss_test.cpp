// The events queue gone from under the platform: deleted by an operator while a copy
// consumes it or while none does, or lost with a broker rebuilt empty.  The copy notices
// (the broker cancels its consumer, or the connection drops), says so on /readyz,
// declares the queue again and consumes on; the core declares it too and publishes again
// what the broker could route to no queue.  Every booking reaches the barber's socket
// exactly once.
//
// Each test has a RabbitMQ, a database and a core of its own (Redis is the stack's, with
// users nobody else has), so that deleting the queue or the broker's data disturbs no
// other test.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/tokens.hpp"
#include "harness.hpp"

namespace barbershop::realtime::testing {
namespace {

constexpr const char* kQueue = "barbershop.realtime.events";
constexpr auto kDeliveryTimeout = 60s;
constexpr auto kQuiet = 3s;  // after the last expected message, to catch a late duplicate

std::string BarberPath(const std::string& id) { return "/websocket/barber/" + id + "/appointments"; }

/// Watches a copy's /readyz from its construction: whether it went not ready, and
/// whether it was ready again after that.
class ReadinessWatch {
 public:
  explicit ReadinessWatch(std::uint16_t port)
      : thread_([this, port] {
          while (!stop_) {
            const bool ready = HttpGet(port, "/readyz").first == 200;
            if (!ready) went_down_ = true;
            if (ready && went_down_) came_back_ = true;
            std::this_thread::sleep_for(10ms);
          }
        }) {}
  ~ReadinessWatch() {
    stop_ = true;
    thread_.join();
  }

  /// True once the copy went not ready and then ready again, within `timeout`.
  bool WentDownAndCameBack(std::chrono::seconds timeout) {
    return Eventually([this] { return came_back_.load(); }, timeout);
  }
  bool went_down() const { return went_down_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> went_down_{false};
  std::atomic<bool> came_back_{false};
  std::thread thread_;
};

/// The appointment_created message of each booking in `ids`.
MessageKeys Created(const std::set<std::string>& ids) {
  MessageKeys keys;
  for (const auto& id : ids) keys.emplace("appointment_created", id);
  return keys;
}

/// Counts the socket's appointment_created messages of `ids` into `seen` until each has
/// come (or `timeout`), then for kQuiet longer.
void Collect(WsClient& socket, const std::set<std::string>& ids, MessageCounts& seen,
             std::chrono::milliseconds timeout) {
  CollectDeliveries(socket, Created(ids), seen, timeout, kQuiet);
}

class QueueLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!shared_.complete() || shared_.database_url.empty()) {
      GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    }
    tokens_.emplace(shared_.keys.Signer(clock_));
    ASSERT_TRUE(broker_.Start()) << "the test's RabbitMQ did not start";
    ASSERT_TRUE(database_.created()) << "could not create the test's database";
    stack_ = shared_;
    stack_.amqp_url = broker_.url();
    stack_.database_url = database_.url();
    // One relay worker: the broker connection that published an event before the queue
    // was deleted is the one that publishes the next, into nothing.
    core_.emplace(stack_, std::vector<std::string>{"BARBERSHOP_DEMO_DATA=true", "BARBERSHOP_OUTBOX_SWEEP_MS=200",
                                                   "BARBERSHOP_RELAY_WORKERS=1"});
    ASSERT_TRUE(core_->Start(120s)) << "the test's core did not start";
    stack_.core_address = core_->grpc_address();
  }

  /// Books a demo barber; the booking, or a failure.
  BookedAppointment Book() {
    auto booked = BookAppointment(stack_);
    EXPECT_TRUE(booked.has_value()) << "could not book";
    return booked.value_or(BookedAppointment{});
  }

  /// A socket on the barber's stream of `copy`, replaying it from its start.
  std::unique_ptr<WsClient> ConnectBarber(const RealtimeProcess& copy, const std::string& barber_id) {
    auto socket = std::make_unique<WsClient>();
    EXPECT_EQ(socket->Connect(copy.port(), BarberPath(barber_id) + "?since=0-0",
                              *tokens_->Issue(barber_id, "barber", "session-1")),
              101u);
    return socket;
  }

  double CorePublished() { return MetricValue({core_->http_port()}, "barbershop_outbox_published_total"); }

  /// Waits until the core's relay has had `count` events confirmed.
  bool CorePublishedReaches(double count) {
    return Eventually([&] { return CorePublished() >= count; }, kDeliveryTimeout);
  }

  /// Starts `copy_`, books once and connects the barber's socket to it, which gets that
  /// first booking once.
  void StartACopyWatchedByTheBarber() {
    copy_.emplace(stack_);
    ASSERT_TRUE(copy_->Start(120s));
    first_ = Book();
    barber_ = ConnectBarber(*copy_, first_.barber_id);
    Collect(*barber_, {first_.id}, seen_, kDeliveryTimeout);
    ASSERT_EQ(NotExactlyOnce(Created({first_.id}), seen_), "") << "the first booking did not arrive once";
  }

  /// Books once more, then expects the barber's socket to have got that booking, the
  /// first one and `ids`, each exactly once.
  void ExpectEachOnceWithOneMore(std::set<std::string> ids) {
    ids.insert(first_.id);
    ids.insert(Book().id);
    Collect(*barber_, ids, seen_, kDeliveryTimeout);
    EXPECT_EQ(NotExactlyOnce(Created(ids), seen_), "");
  }

  TestStack shared_ = TestStack::FromEnvironment();
  common::SystemClock clock_;
  std::optional<common::TokenSigner> tokens_;
  OwnBroker broker_;
  OwnDatabase database_{shared_.database_url};
  TestStack stack_;
  std::optional<CoreProcess> core_;
  std::optional<RealtimeProcess> copy_;
  BookedAppointment first_;
  std::unique_ptr<WsClient> barber_;
  MessageCounts seen_;
};

TEST_F(QueueLossTest, ADeletedQueueIsNoticedDeclaredAgainAndLosesNoEvent) {
  StartACopyWatchedByTheBarber();
  ReadinessWatch readiness(copy_->port());
  ASSERT_TRUE(broker_.Ctl(std::string("delete_queue ") + kQueue));
  const auto while_gone = Book();
  EXPECT_TRUE(readiness.WentDownAndCameBack(kDeliveryTimeout))
      << (readiness.went_down() ? "not ready again" : "/readyz never said not ready");
  ExpectEachOnceWithOneMore({while_gone.id});
  EXPECT_EQ(MetricValue({copy_->port()}, "realtime_amqp_consumer_cancellations_total"), 1);
  EXPECT_GE(MetricValue({copy_->port()}, "realtime_amqp_queue_redeclarations_total"), 1);
}

TEST_F(QueueLossTest, EventsBookedWhileNoCopyConsumesWaitInTheQueue) {
  // A fresh broker: nobody has declared the queue; the first event must not be lost.
  const auto first = Book();
  ASSERT_TRUE(CorePublishedReaches(1));
  copy_.emplace(stack_);
  ASSERT_TRUE(copy_->Start(120s));
  MessageCounts seen;
  Collect(*ConnectBarber(*copy_, first.barber_id), {first.id}, seen, kDeliveryTimeout);
  ASSERT_EQ(NotExactlyOnce(Created({first.id}), seen), "")
      << "the booking made before any copy ran did not arrive once";

  // The (empty) queue deleted while no copy runs: the core's connection, opened before,
  // publishes into nothing until it declares the queue again.
  copy_->Kill(SIGTERM);
  ASSERT_TRUE(copy_->Wait(30s).has_value());
  ASSERT_TRUE(broker_.Ctl(std::string("delete_queue ") + kQueue));
  const auto second = Book();
  ASSERT_TRUE(CorePublishedReaches(2));
  EXPECT_GE(MetricValue({core_->http_port()}, "barbershop_outbox_unroutable_total"), 1);

  copy_.emplace(stack_);
  ASSERT_TRUE(copy_->Start(120s));
  const std::set<std::string> ids{first.id, second.id};
  seen.clear();
  Collect(*ConnectBarber(*copy_, first.barber_id), ids, seen, kDeliveryTimeout);
  EXPECT_EQ(NotExactlyOnce(Created(ids), seen), "");
}

TEST_F(QueueLossTest, ABrokerRebuiltEmptyLosesNoEvent) {
  StartACopyWatchedByTheBarber();
  ReadinessWatch readiness(copy_->port());
  ASSERT_TRUE(broker_.Stop());
  ASSERT_TRUE(broker_.Wipe());
  const auto while_down = Book();  // committed with its event; the relay waits for a broker
  ASSERT_TRUE(broker_.Start()) << "the test's RabbitMQ did not start again";
  EXPECT_TRUE(readiness.WentDownAndCameBack(kDeliveryTimeout))
      << (readiness.went_down() ? "not ready again" : "/readyz never said not ready");
  ExpectEachOnceWithOneMore({while_down.id});
}

}  // namespace
}  // namespace barbershop::realtime::testing
