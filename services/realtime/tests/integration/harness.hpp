#pragma once

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "barbershop/testing/child_process.hpp"
#include "barbershop/testing/eventually.hpp"
#include "barbershop/testing/own_broker.hpp"
#include "barbershop/testing/stack.hpp"
#include "barbershop/testing/token_keys.hpp"
#include "store/redis_client.hpp"

namespace barbershop::realtime::testing {

using nlohmann::json;
using namespace std::chrono_literals;

/// The stack that scripts/test.sh starts (BARBERSHOP_TEST_* variables); empty fields
/// when a variable is missing.
struct TestStack {
  std::string redis_url;
  std::string amqp_url;
  std::string core_address;
  ::barbershop::testing::TokenKeys keys;  ///< the core's signing key and the public keys
  std::string database_url;               ///< the running core's database (for replicas of the core)
  static TestStack FromEnvironment();
  bool complete() const { return !redis_url.empty() && !amqp_url.empty() && !core_address.empty() && keys.complete(); }
};

using ::barbershop::testing::ChildProcess;
using ::barbershop::testing::Eventually;
using ::barbershop::testing::HttpGet;
using ::barbershop::testing::RawExchange;

/// A copy of barbershop-realtime run as a child process on a port it picks.
class RealtimeProcess : public ChildProcess {
 public:
  RealtimeProcess(const TestStack& stack, std::vector<std::string> extra_args = {});

  /// Starts it and waits until /readyz answers 200.
  bool Start(std::chrono::seconds timeout = 60s);
  using ChildProcess::port;
  std::uint16_t port() const { return port("ws"); }

 private:
  const TestStack& stack_;
  std::vector<std::string> extra_args_;
};

/// A replica of barbershop-core run as a child process on ports it picks, against the
/// running core's database and the test broker, signing with the tests' key.
class CoreProcess : public ChildProcess {
 public:
  /// `settings` ("NAME=value") add to or override the defaults.
  CoreProcess(const TestStack& stack, std::vector<std::string> settings = {});

  /// Starts it and waits until its /readyz answers 200.
  bool Start(std::chrono::seconds timeout = 60s);
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(port("grpc")); }
  std::uint16_t http_port() const { return port("http"); }

 private:
  const TestStack& stack_;
  std::vector<std::string> settings_;
};

using ::barbershop::testing::OwnBroker;

/// A database of the test's own beside the test stack's (same server), dropped when
/// destroyed.
class OwnDatabase {
 public:
  explicit OwnDatabase(const std::string& stack_database_url);
  ~OwnDatabase();
  OwnDatabase(const OwnDatabase&) = delete;
  OwnDatabase& operator=(const OwnDatabase&) = delete;

  bool created() const { return created_; }
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
  bool created_ = false;
};

/// The sum of a Prometheus sample's values over copies, e.g.
/// `realtime_events_total{result="duplicate"}`; 0 when absent.
double MetricValue(const std::vector<std::uint16_t>& ports, const std::string& sample);

/// A WebSocket client with its own I/O thread that collects every message it receives.
class WsClient {
 public:
  WsClient();
  ~WsClient();  // NOLINT(bugprone-exception-escape): see harness.cpp

  /// Adds a header to the upgrade request of the next Connect (X-Forwarded-For, say).
  void AddHeader(const std::string& name, const std::string& value);
  /// Opens the socket; the HTTP status of the handshake's answer (101 on success).
  unsigned Connect(std::uint16_t port, const std::string& target, const std::string& bearer = "",
                   int receive_buffer = 0, bool read = true);
  /// Starts reading (for a client connected with read = false).
  void StartReading();
  void Send(const std::string& text, bool binary = false);
  /// The next message, or nullopt after `timeout`.
  std::optional<json> Next(std::chrono::milliseconds timeout = 5s);
  /// The next message satisfying `match`, skipping others; nullopt after `timeout`.
  std::optional<json> NextMatching(const std::function<bool(const json&)>& match,
                                   std::chrono::milliseconds timeout = 5s);
  /// Waits for the connection to end; the close code (0 if closed without one).
  std::optional<unsigned> WaitClosed(std::chrono::milliseconds timeout = 5s);
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A message that a test expects a socket to deliver once: (type, appointment id).
using MessageKey = std::pair<std::string, std::string>;
using MessageKeys = std::set<MessageKey>;
/// How often each expected message arrived.
using MessageCounts = std::map<MessageKey, int>;

/// Counts into `seen` the messages about `expected` that `socket` receives, until each of
/// them has come (or `timeout`), then for `quiet` longer, to catch late duplicates.  The
/// id of the last message read goes to `last_id` when given.
void CollectDeliveries(WsClient& socket, const MessageKeys& expected, MessageCounts& seen,
                       std::chrono::milliseconds timeout, std::chrono::milliseconds quiet,
                       std::string* last_id = nullptr);

/// The messages in `expected` that did not arrive exactly once, e.g.
/// "appointment_created 1f2e... x2; ", or empty.
std::string NotExactlyOnce(const MessageKeys& expected, const MessageCounts& seen);

/// Publishes to the events exchange (declares it first), as the core's relay does.
class EventPublisher {
 public:
  explicit EventPublisher(const std::string& amqp_url);
  ~EventPublisher();
  /// Persistent, as JSON; with `message_id` (the core sends the event id) when given.
  bool Publish(const std::string& routing_key, const std::string& body, const std::string& message_id = "");
  /// The first message in `queue` whose body contains `needle`: its x-reason header, or
  /// empty.  Reads (and requeues) at most `max` messages.
  std::string FindDeadLetterReason(const std::string& queue, const std::string& needle, int max = 1000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A fresh appointment made through the core (a new customer books a demo barber).
struct BookedAppointment {
  std::string id;
  std::string barber_id;
  std::string client_id;
  std::string client_token;
};
std::optional<BookedAppointment> BookAppointment(const TestStack& stack);

/// An event payload like the core's, with a fresh event id unless given.
json MakeEvent(const std::string& type, const std::string& barber_id, const std::string& client_id,
               const std::string& appointment_id = "", const std::string& event_id = "");

std::string NewId();

/// Cuts every Redis pub/sub connection (each copy's subscriber) and keeps them from
/// connecting again while it lasts: Redis's maxclients is lowered to the connections that
/// stay open, and restored by Restore or the destructor.  Fails the test (fatally) when
/// fewer than `at_least` pub/sub connections are there to cut.
class PubSubOutage {
 public:
  PubSubOutage(const std::string& redis_url, long at_least);
  ~PubSubOutage() { Restore(); }
  PubSubOutage(const PubSubOutage&) = delete;
  PubSubOutage& operator=(const PubSubOutage&) = delete;

  /// A command on the outage's own connection (a test failure when it fails).
  store::RedisValue Command(const std::vector<std::string>& args);
  /// Redis takes connections again: the copies' subscribers come back.
  void Restore();

 private:
  void Cut(long at_least);

  store::RedisConnection redis_;
  std::string original_limit_;
};

}  // namespace barbershop::realtime::testing
