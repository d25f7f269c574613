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
#include <string>
#include <thread>
#include <vector>

namespace barbershop::realtime::testing {

using nlohmann::json;
using namespace std::chrono_literals;

/// The stack that scripts/test.sh starts (BARBERSHOP_TEST_* variables); empty fields
/// when a variable is missing.
struct TestStack {
  std::string redis_url;
  std::string amqp_url;
  std::string core_address;
  std::string jwt_secret;
  static TestStack FromEnvironment();
  bool complete() const { return !redis_url.empty() && !amqp_url.empty() && !core_address.empty() && !jwt_secret.empty(); }
};

/// A copy of barbershop-realtime run as a child process on a free port.
class RealtimeProcess {
 public:
  RealtimeProcess(const TestStack& stack, std::vector<std::string> extra_args = {});
  ~RealtimeProcess();

  /// Starts it and waits until /readyz answers 200.
  bool Start(std::chrono::seconds timeout = 60s);
  void Kill(int signal);
  /// Waits for the process to end; its exit status, or nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  std::uint16_t port() const { return port_; }
  bool running() const { return pid_ > 0; }

 private:
  const TestStack& stack_;
  std::vector<std::string> extra_args_;
  std::uint16_t port_ = 0;
  int pid_ = -1;
};

/// GET on 127.0.0.1:port; (status, body), status 0 when unreachable.
std::pair<unsigned, std::string> HttpGet(std::uint16_t port, const std::string& target);

/// A WebSocket client with its own I/O thread that collects every message it receives.
class WsClient {
 public:
  WsClient();
  ~WsClient();

  /// Opens the socket; the HTTP status of the handshake's answer (101 on success).
  unsigned Connect(std::uint16_t port, const std::string& target, const std::string& bearer = "",
                   int receive_buffer = 0, bool read = true);
  /// Starts reading (for a client connected with read = false).
  void StartReading();
  void Send(const std::string& text, bool binary = false);
  /// The next message, or nullopt after `timeout`.
  std::optional<json> Next(std::chrono::milliseconds timeout = 5s);
  /// The next message satisfying `match`, skipping others; nullopt after `timeout`.
  std::optional<json> NextMatching(const std::function<bool(const json&)>& match, std::chrono::milliseconds timeout = 5s);
  /// Waits for the connection to end; the close code (0 if closed without one).
  std::optional<unsigned> WaitClosed(std::chrono::milliseconds timeout = 5s);
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Publishes to the events exchange (declares it first), as the core's relay does.
class EventPublisher {
 public:
  explicit EventPublisher(const std::string& amqp_url);
  ~EventPublisher();
  bool Publish(const std::string& routing_key, const std::string& body);
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

/// An event payload like the core's (DESIGN.md), with a fresh event id unless given.
json MakeEvent(const std::string& type, const std::string& barber_id, const std::string& client_id,
               const std::string& appointment_id = "", const std::string& event_id = "");

std::string NewId();

}  // namespace barbershop::realtime::testing
