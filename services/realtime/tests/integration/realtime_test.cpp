// Two copies of barbershop-realtime against the Redis, RabbitMQ and core service that
// scripts/test.sh starts.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <sstream>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/tokens.hpp"
#include "harness.hpp"
#include "hub/stream_id.hpp"
#include "store/redis_client.hpp"

namespace barbershop::realtime::testing {
namespace {

// The copies take messages as fast as a test sends them (a slow reader needs hundreds);
// the rate limit has a test and a copy of its own.
const std::vector<std::string> kCopyArgs{"--send-queue-limit",       "64", "--socket-send-buffer",   "16384",
                                         "--inbox-max-length",       "10", "--idle-timeout-seconds", "60",
                                         "--shutdown-grace-seconds", "2",  "--messages-per-second",  "0"};

std::string ClientPath(const std::string& id) { return "/websocket/client/" + id + "/appointments"; }
std::string BarberPath(const std::string& id) { return "/websocket/barber/" + id + "/appointments"; }
std::string ChatPath(const std::string& id) { return "/websocket/appointment/" + id + "/chat"; }

auto OfType(const std::string& type) {
  return [type](const json& message) { return message.value("type", "") == type; };
}

/// A WebSocket client that frames by hand, to send what a library client would not: several
/// frames in one write, a message in fragments with a ping between them.
class HandFramedClient {
 public:
  static constexpr int kText = 0x1;
  static constexpr int kClose = 0x8;
  static constexpr int kPing = 0x9;
  static constexpr int kPong = 0xA;

  /// Opens the socket; false unless the answer is 101.
  bool Open(std::uint16_t port, const std::string& target, const std::string& bearer) {
    boost::system::error_code ec;
    socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return false;
    timeval wait{10, 0};  // a read that gets nothing fails the test instead of hanging it
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    Write("GET " + target +
          " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          "Authorization: Bearer " +
          bearer + "\r\n\r\n");
    const auto head = boost::asio::read_until(socket_, boost::asio::dynamic_buffer(pending_), "\r\n\r\n", ec);
    if (ec || pending_.rfind("HTTP/1.1 101", 0) != 0) return false;
    pending_.erase(0, head);
    return true;
  }
  /// A masked frame whose first byte is `first` (FIN and opcode).
  static std::string Frame(std::uint8_t first, const std::string& payload) {
    std::string frame{static_cast<char>(first), static_cast<char>(0x80 | payload.size())};
    const std::string mask = "\x01\x02\x03\x04";
    frame += mask;
    for (std::size_t i = 0; i < payload.size(); ++i) frame += static_cast<char>(payload[i] ^ mask[i % 4]);
    return frame;
  }
  void Write(const std::string& bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
  /// The next frame from the server: its opcode and payload; nullopt if none came.
  std::optional<std::pair<int, std::string>> Next() {
    if (!Fill(2)) return std::nullopt;
    std::size_t length = static_cast<std::uint8_t>(pending_[1]) & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (!Fill(4)) return std::nullopt;
      length = (std::size_t{static_cast<std::uint8_t>(pending_[2])} << 8) | static_cast<std::uint8_t>(pending_[3]);
      header = 4;
    }
    if (!Fill(header + length)) return std::nullopt;
    std::pair<int, std::string> frame{pending_[0] & 0x0F, pending_.substr(header, length)};
    pending_.erase(0, header + length);
    return frame;
  }
  /// The next frame that is not a pong or a ping, counting those it passes in `pongs`.
  std::optional<std::pair<int, std::string>> NextPastPongs(int& pongs) {
    auto frame = Next();
    for (; frame && (frame->first == kPong || frame->first == kPing); frame = Next()) ++pongs;
    return frame;
  }
  /// Whether the server ended the connection (rather than a read finding nothing in time).
  bool ended() const { return ended_; }

 private:
  bool Fill(std::size_t size) {
    while (pending_.size() < size) {
      std::array<char, 4096> bytes{};
      boost::system::error_code ec;
      const auto got = socket_.read_some(boost::asio::buffer(bytes), ec);
      if (ec) {
        ended_ = ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
        return false;
      }
      pending_.append(bytes.data(), got);
    }
    return true;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  std::string pending_;
  bool ended_ = false;
};

class RealtimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete()) GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    tokens_.emplace(stack_.keys.Signer(clock_));
    ASSERT_TRUE(a_.Start()) << "copy A did not become ready";
    ASSERT_TRUE(b_.Start()) << "copy B did not become ready";
  }

  std::string Token(const std::string& user, const std::string& role) {
    return *tokens_->Issue(user, role, "session-1");
  }

  /// Opens a hand-framed client on a new customer's stream and reads the welcome message.
  void OpenHandFramed(HandFramedClient& client, RealtimeProcess& copy) {
    const auto user = NewId();
    ASSERT_TRUE(client.Open(copy.port(), ClientPath(user), Token(user, "customer")));
    const auto welcome = client.Next();
    ASSERT_TRUE(welcome);
    EXPECT_EQ(welcome->first, HandFramedClient::kText);
  }

  /// Connects a client to its own appointments stream and reads the welcome message.
  std::unique_ptr<WsClient> ConnectClient(RealtimeProcess& copy, const std::string& user,
                                          std::string* welcome_id = nullptr, const std::string& query = "") {
    auto client = std::make_unique<WsClient>();
    EXPECT_EQ(client->Connect(copy.port(), ClientPath(user) + query, Token(user, "customer")), 101u);
    auto welcome = client->Next();
    EXPECT_TRUE(welcome && (*welcome)["type"] == "welcome");
    if (welcome && welcome_id != nullptr) *welcome_id = (*welcome)["id"];
    return client;
  }

  void Publish(const json& event) {
    const auto type = event["type"].get<std::string>();
    ASSERT_TRUE(publisher_.Publish(type, event.dump()));
  }

  TestStack stack_ = TestStack::FromEnvironment();
  common::SystemClock clock_;
  std::optional<common::TokenSigner> tokens_;
  RealtimeProcess a_{stack_, kCopyArgs};
  RealtimeProcess b_{stack_, kCopyArgs};
  EventPublisher publisher_{stack_.amqp_url.empty() ? "amqp://x" : stack_.amqp_url};
};

TEST_F(RealtimeTest, ProbesAndMetricsAnswerOnTheWebSocketPort) {
  EXPECT_EQ(HttpGet(a_.port(), "/healthz").first, 200u);
  EXPECT_EQ(HttpGet(a_.port(), "/readyz").first, 200u);
  const auto metrics = HttpGet(a_.port(), "/metrics");
  EXPECT_EQ(metrics.first, 200u);
  EXPECT_NE(metrics.second.find("realtime_connections"), std::string::npos);
  EXPECT_EQ(HttpGet(a_.port(), "/nowhere").first, 404u);
  // The stack's Redis has a memory limit, and the copy shows what is left of it.
  EXPECT_GT(MetricValue({a_.port()}, "realtime_redis_max_memory_bytes"), 0.0);
  EXPECT_GT(MetricValue({a_.port()}, "realtime_redis_memory_headroom_bytes"), 0.0);
}

TEST_F(RealtimeTest, SocketsPerUserAreLimitedAndAFloodOfMessagesIsCutOff) {
  RealtimeProcess limited(stack_,
                          {"--max-sockets-per-user", "2", "--messages-per-second", "0.01", "--message-burst", "3"});
  ASSERT_TRUE(limited.Start());
  const auto user = NewId();
  WsClient first, second, third;
  ASSERT_EQ(first.Connect(limited.port(), ClientPath(user), Token(user, "customer")), 101u);
  ASSERT_EQ(second.Connect(limited.port(), ClientPath(user), Token(user, "customer")), 101u);
  EXPECT_EQ(third.Connect(limited.port(), ClientPath(user), Token(user, "customer")), 429u);
  second.Close();
  ASSERT_TRUE(second.WaitClosed());
  // The place is free again once the server has let the socket go.
  EXPECT_TRUE(Eventually([&] {
    WsClient again;
    return again.Connect(limited.port(), ClientPath(user), Token(user, "customer")) == 101u;
  }));

  ASSERT_TRUE(first.NextMatching(OfType("welcome")));
  const std::string frame = R"({"type":"mark_read","notification_id":"1-0"})";
  for (int i = 0; i < 3; ++i) first.Send(frame);  // the burst: answered (not found)
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(first.NextMatching(OfType("error")));
  first.Send(frame);
  auto refused = first.NextMatching(OfType("error"));
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["code"], "resource_exhausted");
  for (int i = 0; i < 20; ++i) first.Send(frame);
  EXPECT_EQ(first.WaitClosed(), 1008u);
  // Read until it answers: one read of /metrics here came back empty about once in ten
  // runs, with the counter already counted (it is counted before the close).
  EXPECT_TRUE(
      Eventually([&] { return MetricValue({limited.port()}, "realtime_client_messages_refused_total") >= 11.0; }));
}

TEST_F(RealtimeTest, AFloodOfPingsIsCutOffLikeOneOfMessages) {
  // Beast answers each ping, and each wakes a dormant socket: pings and pongs take from
  // the same allowance as messages.
  RealtimeProcess limited(stack_, {"--messages-per-second", "0.01", "--message-burst", "3"});
  ASSERT_TRUE(limited.Start());
  HandFramedClient client;
  ASSERT_NO_FATAL_FAILURE(OpenHandFramed(client, limited));
  // Within the allowance, pings get their pongs and the socket stays.
  client.Write(HandFramedClient::Frame(0x89, "1") + HandFramedClient::Frame(0x89, "2"));
  EXPECT_EQ(client.Next(), (std::optional<std::pair<int, std::string>>{{HandFramedClient::kPong, "1"}}));
  EXPECT_EQ(client.Next(), (std::optional<std::pair<int, std::string>>{{HandFramedClient::kPong, "2"}}));
  // Past it, a ping still gets its pong, and the eleventh refused in a row closes the
  // socket with 1008.
  std::string flood;
  for (int i = 0; i < 40; ++i) flood += HandFramedClient::Frame(0x89, "f");
  client.Write(flood);
  int pongs = 0;  // and the server's own pings, should its sweep come by
  const auto frame = client.NextPastPongs(pongs);
  ASSERT_TRUE(frame) << "no close frame after " << pongs << " pongs and pings";
  ASSERT_EQ(frame->first, HandFramedClient::kClose);
  ASSERT_GE(frame->second.size(), 2u);
  EXPECT_EQ((static_cast<unsigned>(static_cast<std::uint8_t>(frame->second[0])) << 8) |
                static_cast<std::uint8_t>(frame->second[1]),
            1008u);
  EXPECT_EQ(frame->second.substr(2), "too many messages");
  EXPECT_TRUE(
      Eventually([&] { return MetricValue({limited.port()}, "realtime_client_messages_refused_total") >= 11.0; }));
}

TEST_F(RealtimeTest, AFloodOfPingsInsideAMessageThatNeverEndsIsCutOff) {
  // A message begun and never finished: empty fragments keep it going, with a ping (or an
  // unasked pong) before each.  Its read never ends, so the socket cannot wait for it to
  // close: the flood ends the connection as it goes over the allowance.  The message's
  // first fragment may hold a byte or none: with none, nothing of the message has been
  // read when the flood comes.
  RealtimeProcess limited(stack_, {"--messages-per-second", "0.01", "--message-burst", "3"});
  ASSERT_TRUE(limited.Start());
  int connections = 0;
  for (const std::uint8_t control : {std::uint8_t{0x89}, std::uint8_t{0x8A}}) {
    for (const std::string first : {"{", ""}) {
      SCOPED_TRACE((control == 0x89 ? "pings" : "pongs") + std::string(", a first fragment of ") +
                   std::to_string(first.size()) + " bytes");
      HandFramedClient client;
      ASSERT_NO_FATAL_FAILURE(OpenHandFramed(client, limited));
      ++connections;
      constexpr int kFrames = 40;
      std::string flood = HandFramedClient::Frame(0x01, first);  // text, more to come
      for (int i = 0; i < kFrames; ++i)
        flood += HandFramedClient::Frame(control, "f") + HandFramedClient::Frame(0x00, "");
      client.Write(flood);
      int pongs = 0;  // and the server's own pings, should its sweep come by
      const auto frame = client.NextPastPongs(pongs);
      EXPECT_FALSE(frame) << "a frame of type " << frame->first << " after " << pongs << " pongs";
      EXPECT_TRUE(client.ended()) << "the connection is still open after " << pongs << " pongs";
      EXPECT_LT(pongs, kFrames);
      EXPECT_TRUE(Eventually([&] { return MetricValue({limited.port()}, "realtime_connections") == 0.0; }));
    }
  }
  // Each connection is cut off, counted and logged once, however many frames of the flood
  // were read with the one that went over the allowance (a pong needs no answer, so the
  // pongs read after it keep coming by until the read fails).
  EXPECT_EQ(MetricValue({limited.port()}, "realtime_connections_cut_off_total"), connections);
}

TEST_F(RealtimeTest, RefusesBeforeTheUpgrade) {
  const auto client = NewId();
  const auto barber = NewId();
  WsClient c1, c2, c3, c4, c5, c6, c7;
  EXPECT_EQ(c1.Connect(a_.port(), ClientPath(client)), 401u) << "no token";
  EXPECT_EQ(c2.Connect(a_.port(), ClientPath(client), "not-a-token"), 401u) << "garbage token";
  common::FakeClock long_ago(clock_.Now() - std::chrono::hours(3));
  const auto old_tokens = stack_.keys.Signer(long_ago);
  EXPECT_EQ(c3.Connect(a_.port(), ClientPath(client), *old_tokens.Issue(client, "customer", "session-1")), 401u)
      << "expired";
  EXPECT_EQ(c4.Connect(a_.port(), ClientPath(client), Token(NewId(), "customer")), 403u) << "someone else's stream";
  EXPECT_EQ(c5.Connect(a_.port(), BarberPath(barber), Token(client, "customer")), 403u) << "customer on a barber path";
  EXPECT_EQ(c6.Connect(a_.port(), "/websocket/nowhere/x/y", Token(client, "customer")), 404u);
  EXPECT_EQ(c7.Connect(a_.port(), ClientPath(client) + "?token=" + Token(client, "customer")), 101u)
      << "the token may come in the query";
}

TEST_F(RealtimeTest, RefusesATokenNotSignedWithTheCoresKey) {
  const auto client = NewId();
  for (const auto& [what, forged] : stack_.keys.ForgedTokens(client, "customer", clock_.Now())) {
    WsClient socket;
    EXPECT_EQ(socket.Connect(a_.port(), ClientPath(client), forged), 401u) << what;
    WsClient in_query;
    EXPECT_EQ(in_query.Connect(a_.port(), ClientPath(client) + "?token=" + forged), 401u) << what << " (in the query)";
  }
  WsClient real;
  EXPECT_EQ(real.Connect(a_.port(), ClientPath(client), Token(client, "customer")), 101u)
      << "the same claims signed with the core's key";
}

TEST_F(RealtimeTest, AnEventReachesExactlyTheRightUsersOnAnyCopy) {
  const auto barber = NewId();
  const auto client = NewId();
  auto barber_socket = std::make_unique<WsClient>();
  ASSERT_EQ(barber_socket->Connect(a_.port(), BarberPath(barber), Token(barber, "barber")), 101u);
  ASSERT_TRUE(barber_socket->NextMatching(OfType("welcome")));
  auto client_socket = ConnectClient(b_, client);
  auto bystander = ConnectClient(a_, NewId());

  const auto event = MakeEvent("appointment.confirmed", barber, client);
  Publish(event);
  const auto to_client = client_socket->Next();
  ASSERT_TRUE(to_client);
  EXPECT_EQ((*to_client)["type"], "appointment_confirmation");
  EXPECT_EQ((*to_client)["appointment_id"], event["appointment"]["id"]);
  EXPECT_EQ((*to_client)["message"], "Your appointment is confirmed for 2026-11-27 at 15:00.");
  EXPECT_FALSE((*to_client)["id"].get<std::string>().empty());
  const auto to_barber = barber_socket->Next();
  ASSERT_TRUE(to_barber);
  EXPECT_EQ((*to_barber)["type"], "appointment_confirmation");
  EXPECT_EQ((*to_barber)["client_id"], client);

  // The same event again (a redelivery): nobody gets it twice.
  Publish(event);
  const auto second = MakeEvent("appointment.canceled", barber, client, event["appointment"]["id"]);
  Publish(second);
  const auto next = client_socket->Next();
  ASSERT_TRUE(next);
  EXPECT_EQ((*next)["type"], "appointment_cancellation");
  EXPECT_FALSE(client_socket->Next(500ms)) << "a duplicate or stray message arrived";
  ASSERT_TRUE(barber_socket->NextMatching(OfType("appointment_cancellation")));
  EXPECT_FALSE(bystander->Next(300ms)) << "someone else's event reached a bystander";
}

TEST_F(RealtimeTest, ReconnectWithSinceReplaysWhatWasMissed) {
  const auto barber = NewId();
  const auto client = NewId();
  std::string position;
  auto socket = ConnectClient(a_, client, &position);
  socket->Close();
  // A socket of the same user elsewhere tells when all three are stored.
  auto watcher = ConnectClient(b_, client);
  for (const char* type : {"appointment.created", "appointment.confirmed", "appointment.modified"}) {
    Publish(MakeEvent(type, barber, client));
  }
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(watcher->Next()) << i;

  auto again = ConnectClient(b_, client, nullptr, "?since=" + position);
  // Compared as stream ids: as text, "...-10" would sort before "...-9".
  auto previous = hub::StreamId::Parse(position);
  ASSERT_TRUE(previous) << position;
  std::vector<std::string> types;
  for (int i = 0; i < 3; ++i) {
    auto message = again->Next();
    ASSERT_TRUE(message) << i;
    types.push_back((*message)["type"]);
    const auto id = hub::StreamId::Parse((*message)["id"].get<std::string>());
    ASSERT_TRUE(id) << (*message)["id"];
    EXPECT_GT(*id, *previous);
    previous = id;
  }
  EXPECT_EQ(types,
            (std::vector<std::string>{"appointment_created", "appointment_confirmation", "appointment_modified"}));
  // Then live messages follow.
  Publish(MakeEvent("appointment.completed", barber, client));
  auto live = again->Next();
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["type"], "appointment_completed");
}

TEST_F(RealtimeTest, ABurstOfChangesToOneAppointmentArrivesWholeInOrderAndOnce) {
  // Published back to back, the changes reach the copy faster than it hands each to the
  // socket alone: the copy hands what gathered meanwhile over together and writes it in one
  // go, a long run 32 frames at a time.  Whatever the grouping, each change arrives once,
  // in the order it was published.  60 stay under the copy's send queue of 64.
  const auto barber = NewId();
  const auto client = NewId();
  const auto appointment = NewId();
  auto socket = ConnectClient(a_, client);
  constexpr int kChanges = 60;  // one a minute from 09:00
  std::vector<std::string> starts;
  for (int i = 0; i < kChanges; ++i) {
    auto change = MakeEvent("appointment.modified", barber, client, appointment);
    starts.push_back("2026-11-27T09:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00+02:00");
    change["appointment"]["start"] = starts.back();
    change["appointment"]["end"] = "2026-11-27T23:00:00+02:00";
    Publish(change);
  }
  hub::StreamId previous;
  for (int i = 0; i < kChanges; ++i) {
    const auto message = socket->Next(10s);
    ASSERT_TRUE(message) << "change " << i << " of " << kChanges << " never arrived";
    EXPECT_EQ((*message)["type"], "appointment_modified");
    EXPECT_EQ((*message)["appointment_date_time"], starts[static_cast<std::size_t>(i)]) << "out of order at " << i;
    const auto id = hub::StreamId::Parse((*message)["id"].get<std::string>());
    ASSERT_TRUE(id) << (*message)["id"];
    EXPECT_GT(*id, previous);
    previous = *id;
  }
  EXPECT_FALSE(socket->Next(300ms)) << "a change arrived twice";
}

TEST_F(RealtimeTest, WhatWasPublishedWhileRedisPubSubWasAwayStillArrives) {
  const auto barber = NewId();
  const auto client = NewId();
  auto socket = ConnectClient(a_, client);

  // Cut every copy's pub/sub connection and keep them from reconnecting.
  PubSubOutage outage(stack_.redis_url, 1);
  ASSERT_FALSE(HasFatalFailure());

  // The event is stored in the user's inbox, but no copy hears it published.
  const auto missed = MakeEvent("appointment.confirmed", barber, client);
  Publish(missed);
  EXPECT_FALSE(socket->Next(1500ms)) << "the pub/sub connection was not down";

  // Redis takes connections again: the copy subscribes anew and catches its sockets up.
  outage.Restore();
  const auto caught_up = socket->Next(10s);
  ASSERT_TRUE(caught_up) << "the event published during the outage never arrived";
  EXPECT_EQ((*caught_up)["type"], "appointment_confirmation");
  EXPECT_EQ((*caught_up)["appointment_id"], missed["appointment"]["id"]);
  // Live messages follow, and the missed one does not come twice.
  Publish(MakeEvent("appointment.completed", barber, client, missed["appointment"]["id"]));
  const auto live = socket->Next(10s);
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["type"], "appointment_completed");
  EXPECT_FALSE(socket->Next(500ms)) << "a duplicate arrived";
}

TEST_F(RealtimeTest, SinceOlderThanTheStreamKeepsAsksForAResync) {
  const auto barber = NewId();
  const auto client = NewId();
  auto watcher = ConnectClient(a_, client);
  // 250 events (the stream keeps about 10), in rounds that the watcher reads before the
  // next: a burst of them all would outrun a busy test's reading and close the watcher as
  // slow (its copy queues at most 64).
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 25; ++i) Publish(MakeEvent("appointment.created", barber, client));
    for (int i = 0; i < 25; ++i) ASSERT_TRUE(watcher->Next()) << "round " << round << ", event " << i;
  }
  auto late = ConnectClient(b_, client, nullptr, "?since=1-0");
  auto message = late->Next();
  ASSERT_TRUE(message);
  EXPECT_EQ((*message)["type"], "resync_required");
}

TEST_F(RealtimeTest, NotificationsCanBeMarkedReadOnEverySocket) {
  const auto barber = NewId();
  const auto client = NewId();
  std::string position;
  auto first = ConnectClient(a_, client, &position);
  auto second = ConnectClient(b_, client);
  auto reminder = MakeEvent("appointment.reminder", barber, client);
  reminder["reminder"] = {{"minutes_before", 60}};
  Publish(reminder);
  auto notification = first->Next();
  ASSERT_TRUE(notification);
  EXPECT_EQ((*notification)["type"], "notification");
  EXPECT_EQ((*notification)["status"], "unread");
  ASSERT_TRUE(second->NextMatching(OfType("notification")));

  first->Send(json{{"type", "mark_read"}, {"notification_id", (*notification)["id"]}}.dump());
  for (auto* socket : {first.get(), second.get()}) {
    auto read = socket->Next();
    ASSERT_TRUE(read);
    EXPECT_EQ((*read)["type"], "notification_read");
    EXPECT_EQ((*read)["notification_id"], (*notification)["id"]);
  }
  auto again = ConnectClient(b_, client, nullptr, "?since=" + position);
  auto replayed = again->Next();
  ASSERT_TRUE(replayed);
  EXPECT_EQ((*replayed)["type"], "notification");
  EXPECT_EQ((*replayed)["status"], "read");
}

TEST_F(RealtimeTest, LastMinuteChangeBringsAnUrgentNotification) {
  const auto barber = NewId();
  const auto client = NewId();
  auto socket = ConnectClient(a_, client);
  auto event = MakeEvent("appointment.canceled", barber, client);
  event["last_minute"] = true;
  Publish(event);
  ASSERT_TRUE(socket->NextMatching(OfType("appointment_cancellation")));
  auto urgent = socket->NextMatching(OfType("notification"));
  ASSERT_TRUE(urgent);
  EXPECT_EQ((*urgent)["urgent"], true);
}

TEST_F(RealtimeTest, PoisonEventsGoToTheDeadLetterQueueWithTheirReason) {
  const auto marker = NewId();
  ASSERT_TRUE(publisher_.Publish("appointment.created", "{not json " + marker));
  // Nothing acknowledges the dead letter: it waits in the queue; look for it for a while.
  std::string reason;
  Eventually([&] {
    reason = publisher_.FindDeadLetterReason("barbershop.realtime.dead", marker);
    return !reason.empty();
  });
  EXPECT_EQ(reason, "bad_json");
}

TEST_F(RealtimeTest, BarberAndClientChatAcrossCopies) {
  const auto booked = BookAppointment(stack_);
  ASSERT_TRUE(booked) << "could not book an appointment through the core";
  // A signed-in customer of another appointment: refused whether the copy already knows
  // this appointment's parties (from its event) or asks the core.
  const auto other = BookAppointment(stack_);
  ASSERT_TRUE(other) << "could not book a second appointment through the core";
  WsClient barber, client, stranger;
  EXPECT_EQ(stranger.Connect(a_.port(), ChatPath(booked->id), other->client_token), 403u);
  ASSERT_EQ(client.Connect(b_.port(), ChatPath(booked->id), booked->client_token), 101u);
  ASSERT_TRUE(client.NextMatching(OfType("welcome")));
  ASSERT_EQ(barber.Connect(a_.port(), ChatPath(booked->id), Token(booked->barber_id, "barber")), 101u);
  ASSERT_TRUE(barber.NextMatching(OfType("welcome")));
  auto presence = client.NextMatching([&](const json& m) {
    return m.value("type", "") == "presence" && m.value("user_id", "") == booked->barber_id && m.value("online", false);
  });
  ASSERT_TRUE(presence) << "the client did not see the barber come online";
  EXPECT_EQ((*presence)["online"], true);

  barber.Send(R"({"type":"chat_message","message":"Can you come in 10 minutes earlier?"})");
  auto ack = barber.NextMatching(OfType("chat_ack"));
  ASSERT_TRUE(ack);
  auto received = client.NextMatching(OfType("chat_message"));
  ASSERT_TRUE(received);
  EXPECT_EQ((*received)["message"], "Can you come in 10 minutes earlier?");
  EXPECT_EQ((*received)["sender"], "barber");
  EXPECT_EQ((*received)["barber_id"], booked->barber_id);
  EXPECT_EQ((*received)["client_id"], booked->client_id);
  EXPECT_EQ((*received)["id"], (*ack)["id"]);

  client.Send(R"({"type":"chat_message","message":"Sure, see you then."})");
  auto reply = barber.NextMatching(OfType("chat_message"));
  ASSERT_TRUE(reply);
  if ((*reply)["sender"] == "barber") reply = barber.NextMatching(OfType("chat_message"));  // its own echo
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["sender"], "client");
  EXPECT_EQ((*reply)["message"], "Sure, see you then.");

  // Joining later replays the history; ?before pages further back.
  WsClient later;
  ASSERT_EQ(later.Connect(a_.port(), ChatPath(booked->id), booked->client_token), 101u);
  std::vector<json> history;
  while (auto m = later.NextMatching(OfType("chat_message"), 1s)) history.push_back(*m);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["sender"], "barber");
  EXPECT_EQ(history[1]["sender"], "client");
  WsClient paging;
  ASSERT_EQ(paging.Connect(a_.port(), ChatPath(booked->id) + "?before=" + history[1]["id"].get<std::string>(),
                           booked->client_token),
            101u);
  std::vector<json> older;
  while (auto m = paging.NextMatching(OfType("chat_message"), 1s)) older.push_back(*m);
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0]["id"], history[0]["id"]);
}

TEST_F(RealtimeTest, BadInputGetsAnErrorAndTheConnectionStaysUsable) {
  const auto booked = BookAppointment(stack_);
  ASSERT_TRUE(booked);
  WsClient client;
  ASSERT_EQ(client.Connect(a_.port(), ChatPath(booked->id), booked->client_token), 101u);
  ASSERT_TRUE(client.NextMatching(OfType("welcome")));
  const std::string too_long = json{{"type", "chat_message"}, {"message", std::string(5000, 'x')}}.dump();
  for (const auto& [frame, binary] : std::vector<std::pair<std::string, bool>>{
           {"not json", false},
           {R"({"type":"dance"})", false},
           {R"({"type":"chat_message"})", false},
           {too_long, false},
           {"{\"type\":\"chat_message\",\"message\":\"\xff\"}", true},
           {R"({"type":"mark_read","notification_id":"1-0"})", false},
           // An unknown type echoed back cut to 64 bytes, the cut falling inside the é.
           {"{\"type\":\"" + std::string(63, 'a') + "\xc3\xa9\"}", false}}) {
    client.Send(frame, binary);
    auto error = client.NextMatching(OfType("error"));
    ASSERT_TRUE(error) << frame.substr(0, 60);
    EXPECT_FALSE((*error)["code"].get<std::string>().empty());
    EXPECT_FALSE((*error)["message"].get<std::string>().empty());
  }
  client.Send(R"({"type":"chat_message","message":"still here"})");
  EXPECT_TRUE(client.NextMatching(OfType("chat_ack")));

  client.Send(std::string(std::size_t{70} * 1024, ' '));
  EXPECT_EQ(client.WaitClosed(), 1009u);
  EXPECT_EQ(HttpGet(a_.port(), "/healthz").first, 200u) << "the copy went down";
}

TEST_F(RealtimeTest, ARequestWithABodyIsRefusedBeforeItIsParsed) {
  // A chunked body cut after its last chunk's first line trips an assertion in Beast's
  // chunk parser (a debug build aborted on it): nothing past the header is read.
  const auto answer =
      RawExchange(a_.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
  EXPECT_EQ(RawExchange(a_.port(), "POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                .rfind("HTTP/1.1 413", 0),
            0u);
  EXPECT_EQ(HttpGet(a_.port(), "/healthz").first, 200u) << "the copy went down";
}

TEST_F(RealtimeTest, ATokenWithANulIsRefusedAndTheCopyStaysUp) {
  // A chat whose parties this copy has not cached: the upgrade asks the core, sending the
  // token on; a NUL in it would be invalid gRPC metadata.
  const auto booked = BookAppointment(stack_);
  ASSERT_TRUE(booked);
  WsClient nul, control, space;
  EXPECT_EQ(nul.Connect(a_.port(), ChatPath(booked->id) + "?token=" + booked->client_token + "%00"), 401u);
  EXPECT_EQ(control.Connect(a_.port(), ChatPath(booked->id) + "?token=" + booked->client_token + "%0d%0a"), 401u);
  EXPECT_EQ(space.Connect(a_.port(), ChatPath(booked->id) + "?token=%20" + booked->client_token), 401u);
  EXPECT_EQ(HttpGet(a_.port(), "/healthz").first, 200u) << "the copy went down";
  WsClient client;
  EXPECT_EQ(client.Connect(a_.port(), ChatPath(booked->id) + "?token=" + booked->client_token), 101u);
}

TEST_F(RealtimeTest, AnIdleSocketSetsItsStreamAsideAndWakesForWhateverItsClientSends) {
  using Client = HandFramedClient;
  const auto user = NewId();
  Client client;
  ASSERT_TRUE(client.Open(a_.port(), ClientPath(user), Token(user, "customer")));
  const auto is_text_of_type = [](const std::optional<std::pair<int, std::string>>& frame, const std::string& type) {
    return frame && frame->first == Client::kText && json::parse(frame->second).value("type", "") == type;
  };
  ASSERT_TRUE(is_text_of_type(client.Next(), "welcome"));
  // Between messages the socket is dormant: events are written to it without a stream.
  const auto wakes = [&] { return MetricValue({a_.port()}, "realtime_socket_wakes_total"); };
  const auto woken_before = wakes();
  Publish(MakeEvent("appointment.confirmed", NewId(), user));
  EXPECT_TRUE(is_text_of_type(client.Next(), "appointment_confirmation"));
  EXPECT_EQ(wakes(), woken_before);

  // A ping wakes it (a stream is made to read it); the pong comes back.
  client.Write(Client::Frame(0x89, "hi"));
  auto pong = client.Next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(*pong, (std::pair<int, std::string>{Client::kPong, "hi"}));
  EXPECT_EQ(wakes(), woken_before + 1);

  // Frames in one write, and a message in two fragments with a ping between them: each is
  // answered, in order, none lost to a stream set aside too early.
  client.Write(Client::Frame(0x89, "a") + Client::Frame(0x81, R"({"type":"dance"})") +
               Client::Frame(0x01, R"({"type":)") + Client::Frame(0x89, "b") + Client::Frame(0x80, R"("tango"})"));
  EXPECT_EQ(client.Next(), (std::optional<std::pair<int, std::string>>{{Client::kPong, "a"}}));
  auto error = client.Next();
  ASSERT_TRUE(is_text_of_type(error, "error"));
  EXPECT_NE(error->second.find("dance"), std::string::npos) << error->second;
  EXPECT_EQ(client.Next(), (std::optional<std::pair<int, std::string>>{{Client::kPong, "b"}}));
  error = client.Next();
  ASSERT_TRUE(is_text_of_type(error, "error"));
  EXPECT_NE(error->second.find("tango"), std::string::npos) << error->second;

  // Dormant again, it still hears events, and answers a close with a close.
  Publish(MakeEvent("appointment.confirmed", NewId(), user));
  EXPECT_TRUE(is_text_of_type(client.Next(), "appointment_confirmation"));
  client.Write(Client::Frame(0x88, std::string("\x03\xe8", 2)));
  auto close = client.Next();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->first, Client::kClose);
}

TEST_F(RealtimeTest, PingsKeepAnIdleClientAndFindADeadOne) {
  // A copy that pings after a second of silence and gives up after two.
  auto args = kCopyArgs;
  const auto timeout = std::find(args.begin(), args.end(), "--idle-timeout-seconds");
  ASSERT_NE(timeout, args.end());
  *std::next(timeout) = "2";
  RealtimeProcess quick{stack_, args};
  ASSERT_TRUE(quick.Start()) << "the copy did not become ready";

  const auto idle_user = NewId();
  auto idle = ConnectClient(quick, idle_user);  // reads, so it answers pings
  const auto dead_user = NewId();
  WsClient dead;  // never reads: a peer that went away without closing
  ASSERT_EQ(dead.Connect(quick.port(), ClientPath(dead_user), Token(dead_user, "customer"), 0, false), 101u);
  const auto open_sockets_are = [&](double n) {
    return Eventually([&] { return MetricValue({quick.port()}, "realtime_connections") == n; });
  };
  // The server counts a socket once its accept handler has run, which may be just after
  // the client has read the 101.
  ASSERT_TRUE(open_sockets_are(2));
  EXPECT_TRUE(open_sockets_are(1)) << "the silent socket was not closed";
  dead.StartReading();
  EXPECT_TRUE(dead.WaitClosed());
  // The idle one, silent as long but answering pings, is still served.
  Publish(MakeEvent("appointment.confirmed", NewId(), idle_user));
  EXPECT_TRUE(idle->NextMatching(OfType("appointment_confirmation"), 10s));
  EXPECT_EQ(MetricValue({quick.port()}, "realtime_connections"), 1);
}

TEST_F(RealtimeTest, ASlowClientIsCutOffWhileOthersKeepReceiving) {
  const auto booked = BookAppointment(stack_);
  ASSERT_TRUE(booked);
  WsClient slow;
  ASSERT_EQ(slow.Connect(a_.port(), ChatPath(booked->id), booked->client_token, 4096, /*read=*/false), 101u);
  WsClient barber;
  ASSERT_EQ(barber.Connect(a_.port(), ChatPath(booked->id), Token(booked->barber_id, "barber")), 101u);
  const std::string text(3500, 'z');
  const std::string frame = json{{"type", "chat_message"}, {"message", text}}.dump();
  int received = 0;
  // 64 queued messages of 3.5 KB plus small kernel buffers (16 KB at the server, 4 KB
  // at the client) overflow well before this many.
  constexpr int kMessages = 400;
  for (int i = 0; i < kMessages; ++i) {
    barber.Send(frame);
    if (!barber.NextMatching(OfType("chat_message"), 10s)) break;
    ++received;
  }
  EXPECT_EQ(received, kMessages) << "the fast socket missed messages";
  const auto metrics = HttpGet(a_.port(), "/metrics").second;
  EXPECT_NE(metrics.find("realtime_slow_disconnects_total 1\n"), std::string::npos) << metrics;
  slow.StartReading();
  const auto code = slow.WaitClosed(10s);
  ASSERT_TRUE(code) << "the slow socket was not closed";
  EXPECT_TRUE(*code == 4000u || *code == 0u) << *code;
}

TEST_F(RealtimeTest, AClientOfAKilledCopyReconnectsElsewhereAndMissesNothing) {
  const auto barber = NewId();
  const auto client = NewId();
  auto socket = ConnectClient(a_, client);
  Publish(MakeEvent("appointment.created", barber, client));
  auto first = socket->Next();
  ASSERT_TRUE(first);
  const std::string position = (*first)["id"];
  a_.Kill(SIGKILL);
  ASSERT_TRUE(a_.Wait(30s));
  EXPECT_TRUE(socket->WaitClosed(30s));
  // B, the copy left, stores both events before the client comes back to it.
  const std::string delivered = "realtime_events_total{result=\"delivered\"}";
  const double before = MetricValue({b_.port()}, delivered);
  Publish(MakeEvent("appointment.confirmed", barber, client));
  Publish(MakeEvent("appointment.modified", barber, client));
  ASSERT_TRUE(Eventually([&] { return MetricValue({b_.port()}, delivered) >= before + 2; }));
  auto again = ConnectClient(b_, client, nullptr, "?since=" + position);
  std::vector<std::string> types;
  for (int i = 0; i < 2; ++i) {
    auto message = again->Next();
    ASSERT_TRUE(message) << i;
    types.push_back((*message)["type"]);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"appointment_confirmation", "appointment_modified"}));
}

TEST_F(RealtimeTest, SigtermClosesSocketsWithGoingAwayAndExits) {
  auto socket = ConnectClient(b_, NewId());
  b_.Kill(SIGTERM);
  EXPECT_EQ(socket->WaitClosed(30s), 1001u);
  const auto status = b_.Wait(30s);
  ASSERT_TRUE(status) << "did not exit";
  EXPECT_EQ(*status, 0);
}

TEST_F(RealtimeTest, AnExpiredTokenClosesTheSocketWith1008) {
  const auto client = NewId();
  common::FakeClock almost(clock_.Now() - std::chrono::seconds(3600 - 2));
  const auto short_tokens = stack_.keys.Signer(almost);
  WsClient socket;
  ASSERT_EQ(socket.Connect(a_.port(), ClientPath(client), *short_tokens.Issue(client, "customer", "session-1")), 101u);
  EXPECT_EQ(socket.WaitClosed(30s), 1008u);
}

}  // namespace
}  // namespace barbershop::realtime::testing
