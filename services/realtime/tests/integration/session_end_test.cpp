// A login session ended by the core (session.ended on the bus) closes its sockets on
// every copy and keeps its tokens out; two copies against the Redis and RabbitMQ that
// scripts/test.sh starts.
#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/tokens.hpp"
#include "harness.hpp"
#include "store/redis_client.hpp"

namespace barbershop::realtime::testing {
namespace {

constexpr unsigned kSessionEndedCode = 4001;

std::string ClientPath(const std::string& id) { return "/websocket/client/" + id + "/appointments"; }

auto OfType(const std::string& type) {
  return [type](const json& message) { return message.value("type", "") == type; };
}

json SessionEnded(const std::string& session_id, const std::string& user_id, const std::string& reason = "logout") {
  return json{{"event_id", NewId()},      {"type", "session.ended"}, {"occurred_at", "2026-12-02T10:15:00+02:00"},
              {"session_id", session_id}, {"user_id", user_id},      {"reason", reason}};
}

const std::string kClosedSample = "realtime_session_ended_closes_total";
const std::string kDuplicateSample = "realtime_events_total{result=\"duplicate\"}";
const std::string kDeliveredSample = "realtime_events_total{result=\"delivered\"}";

class SessionEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete()) GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    tokens_.emplace(stack_.keys.Signer(clock_));
    ASSERT_TRUE(a_.Start()) << "copy A did not become ready";
    ASSERT_TRUE(b_.Start()) << "copy B did not become ready";
  }

  std::string Token(const std::string& user, const std::string& session_id) {
    return *tokens_->Issue(user, "customer", session_id);
  }

  /// Opens the user's appointments socket with a token of `session_id` and reads its welcome.
  std::unique_ptr<WsClient> Open(RealtimeProcess& copy, const std::string& user, const std::string& session_id) {
    auto socket = std::make_unique<WsClient>();
    EXPECT_EQ(socket->Connect(copy.port(), ClientPath(user), Token(user, session_id)), 101u);
    EXPECT_TRUE(socket->NextMatching(OfType("welcome")));
    return socket;
  }

  /// As the core's relay publishes it: persistent, message id = event id.
  void Publish(const json& event) {
    ASSERT_TRUE(publisher_.Publish(event["type"].get<std::string>(), event.dump(), event["event_id"]));
  }

  std::vector<std::uint16_t> Ports() { return {a_.port(), b_.port()}; }

  TestStack stack_ = TestStack::FromEnvironment();
  common::SystemClock clock_;
  std::optional<common::TokenSigner> tokens_;
  RealtimeProcess a_{stack_};
  RealtimeProcess b_{stack_};
  EventPublisher publisher_{stack_.amqp_url.empty() ? "amqp://x" : stack_.amqp_url};
};

TEST_F(SessionEndTest, AnEndedSessionsSocketsCloseOnEveryCopyAndItsTokenIsRefused) {
  const auto user = NewId();
  const auto ended = NewId();  // the login being logged out
  const auto other = NewId();  // the same user's login on another device
  auto on_a = Open(a_, user, ended);
  auto on_b = Open(b_, user, ended);
  auto other_login = Open(a_, user, other);
  const double closed_before = MetricValue(Ports(), kClosedSample);

  // How soon they close is measured by `make bench` (realtime_bench sessions, against its
  // target of a second); here, that they do, with the code that says why.
  const auto event = SessionEnded(ended, user);
  Publish(event);
  EXPECT_EQ(on_a->WaitClosed(std::chrono::seconds(10)), kSessionEndedCode) << "copy A's socket of the ended session";
  EXPECT_EQ(on_b->WaitClosed(std::chrono::seconds(10)), kSessionEndedCode) << "copy B's socket of the ended session";
  EXPECT_TRUE(Eventually([&] { return MetricValue(Ports(), kClosedSample) == closed_before + 2; }));

  // The other login stays open and is still served.
  const auto after = MakeEvent("appointment.confirmed", NewId(), user);
  ASSERT_TRUE(publisher_.Publish("appointment.confirmed", after.dump()));
  const auto live = other_login->NextMatching(OfType("appointment_confirmation"));
  ASSERT_TRUE(live) << "the other login's socket stopped receiving";
  EXPECT_EQ((*live)["appointment_id"], after["appointment"]["id"]);

  // The ended session's token opens nothing any more, on either copy; the other's does.
  for (auto* copy : {&a_, &b_}) {
    WsClient again;
    EXPECT_EQ(again.Connect(copy->port(), ClientPath(user), Token(user, ended)), 401u);
    WsClient in_query;
    EXPECT_EQ(in_query.Connect(copy->port(), ClientPath(user) + "?token=" + Token(user, ended)), 401u);
  }
  auto second_device = Open(b_, user, other);

  // The same event again (a redelivery) changes nothing: counted as a duplicate, nobody closed.
  const double duplicates_before = MetricValue(Ports(), kDuplicateSample);
  Publish(event);
  ASSERT_TRUE(Eventually([&] { return MetricValue(Ports(), kDuplicateSample) == duplicates_before + 1; }));
  const auto next = MakeEvent("appointment.modified", NewId(), user);
  ASSERT_TRUE(publisher_.Publish("appointment.modified", next.dump()));
  EXPECT_TRUE(other_login->NextMatching(OfType("appointment_modified")));
  EXPECT_TRUE(second_device->NextMatching(OfType("appointment_modified")));
  EXPECT_EQ(MetricValue(Ports(), kClosedSample), closed_before + 2);
}

TEST_F(SessionEndTest, AMalformedSessionEventIsDeadLetteredAndEndsNothing) {
  const auto user = NewId();
  const auto session = NewId();
  auto socket = Open(a_, user, session);
  const double closed_before = MetricValue(Ports(), kClosedSample);

  auto no_session = SessionEnded(session, user);
  no_session.erase("session_id");
  auto odd_session = SessionEnded("rt:inbox:" + user, user);
  for (const auto& [event, reason] : {std::pair{no_session, "missing_field"}, std::pair{odd_session, "bad_field"}}) {
    Publish(event);
    const auto event_id = event["event_id"].get<std::string>();
    std::string found;
    Eventually([&] {
      found = publisher_.FindDeadLetterReason("barbershop.realtime.dead", event_id);
      return !found.empty();
    });
    EXPECT_EQ(found, reason) << event.dump();
  }
  ASSERT_TRUE(publisher_.Publish("session.ended", "{not json " + session));
  std::string found;
  Eventually([&] {
    found = publisher_.FindDeadLetterReason("barbershop.realtime.dead", session);
    return !found.empty();
  });
  EXPECT_EQ(found, "bad_json");

  // The session is still open: its socket is served and its token opens another.
  const auto after = MakeEvent("appointment.confirmed", NewId(), user);
  ASSERT_TRUE(publisher_.Publish("appointment.confirmed", after.dump()));
  EXPECT_TRUE(socket->NextMatching(OfType("appointment_confirmation")));
  WsClient again;
  EXPECT_EQ(again.Connect(b_.port(), ClientPath(user), Token(user, session)), 101u);
  EXPECT_EQ(MetricValue(Ports(), kClosedSample), closed_before);
}

TEST_F(SessionEndTest, ASessionEndedWhileRedisPubSubWasAwayClosesItsSocketsWhenItIsBack) {
  const auto user = NewId();
  const auto ended = NewId();
  const auto other = NewId();
  auto socket = Open(a_, user, ended);
  auto other_login = Open(a_, user, other);

  // Cut every copy's pub/sub connection and keep them from reconnecting.
  PubSubOutage outage(stack_.redis_url, 2);
  ASSERT_FALSE(HasFatalFailure());

  // The end is remembered in Redis, but no copy hears it published.
  const double delivered_before = MetricValue(Ports(), kDeliveredSample);
  Publish(SessionEnded(ended, user, "password_changed"));
  ASSERT_TRUE(Eventually([&] { return MetricValue(Ports(), kDeliveredSample) >= delivered_before + 1; }));
  EXPECT_EQ(outage.Command({"EXISTS", "rt:ended-session:" + ended}).integer, 1);
  EXPECT_FALSE(socket->WaitClosed(std::chrono::milliseconds(500))) << "the pub/sub connection was not down";

  // Redis takes connections again: the copy subscribes anew, finds the session ended and
  // closes its socket; the other login stays.
  outage.Restore();
  EXPECT_EQ(socket->WaitClosed(std::chrono::seconds(10)), kSessionEndedCode);
  const auto after = MakeEvent("appointment.confirmed", NewId(), user);
  ASSERT_TRUE(publisher_.Publish("appointment.confirmed", after.dump()));
  EXPECT_TRUE(other_login->NextMatching(OfType("appointment_confirmation"), std::chrono::seconds(10)));
}

TEST_F(SessionEndTest, TheEndedSessionIsRememberedForTheConfiguredTime) {
  RealtimeProcess brief(stack_, {"--ended-session-memory-seconds", "120"});
  ASSERT_TRUE(brief.Start());
  const auto first = NewId();
  const auto second = NewId();
  const auto user = NewId();
  // Whichever copy consumes the queue (A, started first) remembers it for its setting:
  // the default, an hour.
  Publish(SessionEnded(first, user));
  store::RedisConnection redis(*store::ParseRedisUrl(stack_.redis_url));
  long long ttl = -2;
  ASSERT_TRUE(Eventually([&] {
    auto reply = redis.Command({"TTL", "rt:ended-session:" + first});
    ttl = reply ? reply->integer : -2;
    return ttl > 0;
  }));
  EXPECT_GT(ttl, 3500);
  EXPECT_LE(ttl, 3600);
  // With A and B gone, the copy with the shorter memory takes over the queue.
  a_.Kill(SIGTERM);
  b_.Kill(SIGTERM);
  ASSERT_TRUE(a_.Wait(std::chrono::seconds(30)));
  ASSERT_TRUE(b_.Wait(std::chrono::seconds(30)));
  Publish(SessionEnded(second, user));
  ASSERT_TRUE(Eventually([&] {
    auto reply = redis.Command({"TTL", "rt:ended-session:" + second});
    ttl = reply ? reply->integer : -2;
    return ttl > 0;
  }));
  EXPECT_LE(ttl, 120);
}

}  // namespace
}  // namespace barbershop::realtime::testing
