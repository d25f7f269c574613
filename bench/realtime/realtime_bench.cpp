// Load generator for barbershop-realtime: idle connections and memory, fan-out
// throughput and publish-to-receive latency, chat round trips.  Prints its figures; not
// a timed test.
//
//   realtime_bench idle   --port P --pid SERVER_PID --connections 15000 --addresses 8
//   realtime_bench fanout --port P --amqp URL --connections 10000 --users 200 --rate 1000 --seconds 20 [--target
//   100000] realtime_bench chat   --port P --core HOST:PORT --pairs 20 --rate 200 --seconds 10 realtime_bench sessions
//   --port P --amqp URL --connections 2000 --addresses 8 --rate 500
// Sessions opens each socket with a login session of its own, then ends the sessions on
// the bus (session.ended, as the core's logout does) and times each socket's close.
// Tokens are signed with the core's key: BARBERSHOP_TOKEN_SIGNING_KEY (its PEM file) and
// BARBERSHOP_TOKEN_SIGNING_KEY_ID.  Chat books one appointment per pair
// through the core (a new customer with one of the core's barbers) and opens the chat
// of each as its barber and as its client.
#include <amqp.h>
#include <grpcpp/grpcpp.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "barbershop/common/amqp_connection.hpp"
#include "barbershop/common/clock.hpp"
#include "barbershop/common/ids.hpp"
#include "barbershop/common/tokens.hpp"
#include "bench_client.hpp"
#include "user_service.grpc.pb.h"

using barbershop::bench::CpuSeconds;
using barbershop::bench::Percentile;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Options {
  std::string mode;
  unsigned short port = 0;  // no defaults for servers: none points at a running platform
  int pid = 0;
  int connections = 1000;
  int addresses = 8;
  int users = 200;
  int rate = 1000;
  int seconds = 10;
  int settle = 2;
  int pairs = 20;
  int target = 0;  // fan-out: messages/s to judge the run against; 0, none
  std::string amqp;
  std::string core;
};

Options Parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--port") o.port = static_cast<unsigned short>(std::stoi(value));
    if (name == "--pid") o.pid = std::stoi(value);
    if (name == "--connections") o.connections = std::stoi(value);
    if (name == "--addresses") o.addresses = std::stoi(value);
    if (name == "--users") o.users = std::stoi(value);
    if (name == "--rate") o.rate = std::stoi(value);
    if (name == "--seconds") o.seconds = std::stoi(value);
    if (name == "--settle") o.settle = std::stoi(value);
    if (name == "--pairs") o.pairs = std::stoi(value);
    if (name == "--target") o.target = std::stoi(value);
    if (name == "--amqp") o.amqp = value;
    if (name == "--core") o.core = value;
  }
  return o;
}

long ResidentKiB(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

/// Finds one key in many messages.  A quote opens the key and is the commonest character
/// of JSON, so a plain `find` compares at every quote; the Boyer-Moore-Horspool search
/// skips ahead by the key's length.
class KeyFinder {
 public:
  explicit KeyFinder(std::string_view key) : key_(key), searcher_(key_.begin(), key_.end()) {}

  /// The number right after the key in `text` (e.g. the "t<ns>" stamp the generator sent).
  std::optional<std::int64_t> NumberAfter(std::string_view text) const {
    const auto found = std::search(text.begin(), text.end(), searcher_);
    if (found == text.end()) return std::nullopt;
    return Digits(text, static_cast<std::size_t>(found - text.begin()) + key_.size());
  }

 private:
  static std::optional<std::int64_t> Digits(std::string_view text, std::size_t i) {
    std::int64_t value = 0;
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) value = value * 10 + (text[i] - '0');
    return value;
  }

  std::string_view key_;
  std::boyer_moore_horspool_searcher<std::string_view::const_iterator> searcher_;
};

/// The generator puts the publish time into an event's client_name, a chat message's
/// text ("t<ns>").
const KeyFinder kEventStamp{"\"client_name\":\"t"};
const KeyFinder kChatStamp{"\"message\":\"t"};

struct Stats {
  std::atomic<long> connected{0};
  std::atomic<long> failed{0};
  /// Fan-out: when the publisher stopped (steady clock, ns); messages received by then
  /// count towards the rate the sockets kept up with.
  std::atomic<std::int64_t> publishing_ended_ns{std::numeric_limits<std::int64_t>::max()};
};

/// A socket bound to its io_context's own executor: no type-erased executor to copy and
/// destroy with every operation of every message.
using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

/// One WebSocket client.  Each keeps its own latencies (no lock shared by thousands of
/// sockets, so that the generator costs the two cores as little as it can).
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  /// What the connection measures in each message it receives.
  enum class Measure { kNothing, kEvent, kChat, kClose };

  /// `io` runs on one thread: the connection needs no strand.
  Connection(asio::io_context& io, Stats& stats, Measure measure, std::string user_id = {})
      : ws_(io.get_executor()), stats_(stats), measure_(measure), user_id_(std::move(user_id)) {}

  void Start(const tcp::endpoint& local, const tcp::endpoint& server, std::string target, std::string token) {
    target_ = std::move(target);
    token_ = std::move(token);
    auto& socket = ws_.next_layer();
    beast::error_code ec;
    socket.open(tcp::v4(), ec);
    socket.set_option(asio::socket_base::reuse_address(true), ec);
    socket.bind(local, ec);
    if (ec) {
      ++stats_.failed;
      return;
    }
    socket.async_connect(server, [self = shared_from_this()](beast::error_code connect_error) {
      if (connect_error) return void(++self->stats_.failed);
      self->ws_.next_layer().set_option(tcp::no_delay(true), connect_error);
      self->ws_.set_option(websocket::stream_base::decorator([token = self->token_](websocket::request_type& r) {
        r.set(beast::http::field::authorization, "Bearer " + token);
      }));
      self->ws_.async_handshake("127.0.0.1", self->target_, [self](beast::error_code handshake_error) {
        if (handshake_error) return void(++self->stats_.failed);
        ++self->stats_.connected;
        self->DoRead();
      });
    });
  }

  /// Chat: sends a message stamped with the time now (from any thread).
  void SendChat() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      const auto sent = NowNs();
      self->pending_acks_.push_back(sent);
      self->outbox_.push_back(nlohmann::json{{"type", "chat_message"}, {"message", "t" + std::to_string(sent)}}.dump());
      ++self->sent_;
      if (self->outbox_.size() == 1) self->DoWrite();
    });
  }

  std::vector<double> latencies_us;        ///< fan-out: publish to receive; chat: send to the other party receiving
  std::atomic<std::int64_t> closed_ns{0};  ///< sessions: when the server's close arrived
  std::atomic<unsigned> close_code{0};
  std::vector<double> ack_us;  ///< chat: send to the sender's chat_ack
  long received = 0;
  long received_while_publishing = 0;
  long sent_ = 0;

 private:
  void DoWrite() {
    ws_.text(true);
    ws_.async_write(asio::buffer(outbox_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->outbox_.pop_front();
      if (!self->outbox_.empty()) self->DoWrite();
    });
  }

  void DoRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        if (self->measure_ == Measure::kClose && ec == websocket::error::closed) {
          self->close_code = self->ws_.reason().code;
          self->closed_ns = NowNs();
        }
        return;
      }
      self->OnMessage(std::string_view(static_cast<const char*>(self->buffer_.data().data()), self->buffer_.size()));
      self->buffer_.consume(self->buffer_.size());
      self->DoRead();
    });
  }

  void OnMessage(std::string_view text) {
    const auto now = NowNs();
    if (measure_ == Measure::kEvent) {
      // The generator puts the publish time into the event's client_name ("t<ns>").
      if (const auto sent = kEventStamp.NumberAfter(text)) {
        latencies_us.push_back(static_cast<double>(now - *sent) / 1000.0);
        ++received;
        if (now <= stats_.publishing_ended_ns.load(std::memory_order_relaxed)) ++received_while_publishing;
      }
    } else if (measure_ == Measure::kChat) {
      if (text.find("\"type\":\"chat_ack\"") != std::string_view::npos && !pending_acks_.empty()) {
        ack_us.push_back(static_cast<double>(now - pending_acks_.front()) / 1000.0);
        pending_acks_.pop_front();
      } else if (text.find("\"type\":\"chat_message\"") != std::string_view::npos &&
                 text.find("\"sender_id\":\"" + user_id_ + "\"") == std::string_view::npos) {
        if (const auto sent = kChatStamp.NumberAfter(text)) {
          latencies_us.push_back(static_cast<double>(now - *sent) / 1000.0);
          ++received;
        }
      }
    }
  }

  websocket::stream<Socket> ws_;
  beast::flat_buffer buffer_;
  Stats& stats_;
  Measure measure_;
  std::string user_id_;
  std::string target_;
  std::string token_;
  std::deque<std::string> outbox_;
  std::deque<std::int64_t> pending_acks_;
};

/// Two io_contexts, each on a thread of its own, the sockets dealt out between them and
/// spread over local addresses.  A socket's handlers all run on its context's one thread,
/// so none takes a strand or a lock: the generator costs the two cores it shares with the
/// server as little as it can.
struct Sockets {
  static constexpr int kThreads = 2;
  /// Each context is run by one thread, and says so (the hint 1): its scheduler then
  /// skips what it does to share work between threads.
  std::array<asio::io_context, kThreads> io{{asio::io_context(1), asio::io_context(1)}};
  Stats stats;
  std::vector<std::shared_ptr<Connection>> all;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> threads;
  Clock::time_point first_open;

  Sockets() {
    for (auto& context : io) {
      guards.push_back(asio::make_work_guard(context));
      threads.emplace_back([&context] { context.run(); });
    }
  }

  /// Handshakes under way at once, at most.  Thousands of connects in the same instant
  /// overflow the kernel's queue of connections not yet accepted (4,096), and those are
  /// dropped and retried by TCP after seconds, or fail: clients that come back after an
  /// outage spread out their tries, and so does the generator.
  static constexpr long kMaxOpening = 512;

  void Open(unsigned short port, int addresses, std::string target, std::string token, Connection::Measure measure,
            std::string user_id = {}) {
    if (all.empty()) first_open = Clock::now();
    while (static_cast<long>(all.size()) - stats.connected - stats.failed >= kMaxOpening) {
      std::this_thread::sleep_for(1ms);
    }
    const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
    const auto index = static_cast<int>(all.size());
    const tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
    const tcp::endpoint spread(asio::ip::make_address("127.0.0." + std::to_string(1 + index % addresses)), 0);
    auto c = std::make_shared<Connection>(io[all.size() % io.size()], stats, measure, std::move(user_id));
    c->Start(addresses > 1 ? spread : local, server, std::move(target), std::move(token));
    all.push_back(std::move(c));
  }

  /// Waits until every socket is open or failed; prints how it went, timed from the first
  /// socket opened.
  void AwaitOpen() {
    const auto started = Clock::now();
    const auto wanted = static_cast<long>(all.size());
    while (stats.connected + stats.failed < wanted && Clock::now() - started < 120s) std::this_thread::sleep_for(50ms);
    std::printf("connections: %ld open, %ld failed, in %.1f s\n", stats.connected.load(), stats.failed.load(),
                std::chrono::duration<double>(Clock::now() - first_open).count());
  }

  /// Stops the io threads so that the connections' figures can be read.
  void Stop() {
    guards.clear();
    for (auto& context : io) context.stop();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }

  ~Sockets() { Stop(); }
};

/// Publishes `body` to the events exchange as the core's relay does (persistent).
void PublishEvent(amqp_connection_state_t amqp, const char* routing_key, const std::string& body) {
  amqp_basic_properties_t props;
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode = 2;
  amqp_basic_publish(amqp, barbershop::common::kAmqpChannel, amqp_cstring_bytes("barbershop.events"),
                     amqp_cstring_bytes(routing_key), 0, 0, &props,
                     amqp_bytes_t{body.size(), const_cast<char*>(body.data())});
}

// ---- chat: appointments booked through the core ----

struct ChatPair {
  std::string appointment_id;
  std::string barber_id;
  std::string client_id;
  std::string client_token;
};

/// A new customer of the core, logged in; nullopt (and why on stderr) when the core refuses.
std::optional<barbershop::bench::Client> NewCustomer(const std::string& core) {
  try {
    return barbershop::bench::NewClient(core);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return std::nullopt;
  }
}

/// Pair `index` books the first free slot from its own starting point: a weekday at
/// least three days ahead, working hours, with the barbers taken in turn.
std::optional<ChatPair> BookPair(const std::string& core, UserService::Stub& stub,
                                 const std::vector<std::string>& barbers, int index) {
  auto customer = NewCustomer(core);
  if (!customer) return std::nullopt;
  using namespace std::chrono;
  const auto first_day = floor<days>(system_clock::now()) + days(3);
  for (int slot = index * 7; slot < index * 7 + 400; ++slot) {
    const auto day = first_day + days(slot / 16);
    if (weekday(day) == Sunday || weekday(day) == Saturday) continue;
    const year_month_day date(day);
    char when[32];
    std::snprintf(when, sizeof when, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), 9 + (slot % 16) / 2,
                  (slot % 2) * 30);
    grpc::ClientContext context;
    context.set_deadline(system_clock::now() + 20s);
    context.AddMetadata("authorization", "Bearer " + customer->token);
    CreateAppointmentRequest request;
    request.set_user_id(customer->id);
    request.set_date_time(when);
    request.set_barber_name(barbers[static_cast<std::size_t>(index + slot) % barbers.size()]);
    AppointmentResponse response;
    if (stub.CreateAppointment(&context, request, &response).ok()) {
      return ChatPair{response.appointment_id(), response.appointment().barber_id(), customer->id, customer->token};
    }
  }
  std::fprintf(stderr, "no free slot found for a chat pair\n");
  return std::nullopt;
}

/// Books `count` appointments on a few threads (signing up hashes a password: slow).
std::vector<ChatPair> BookPairs(const std::string& core, int count) {
  auto stub = UserService::NewStub(grpc::CreateChannel(core, grpc::InsecureChannelCredentials()));
  std::vector<std::string> barbers;
  {
    // Any signed-up user may list the barbers.
    auto lister = NewCustomer(core);
    if (!lister) {
      std::fprintf(stderr, "cannot sign up at the core at %s\n", core.c_str());
      return {};
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 20s);
    context.AddMetadata("authorization", "Bearer " + lister->token);
    ListBarbersResponse listed;
    if (!stub->ListBarbers(&context, ListBarbersRequest{}, &listed).ok() || listed.barbers_size() == 0) {
      std::fprintf(stderr, "the core has no barbers to book\n");
      return {};
    }
    for (const auto& barber : listed.barbers()) barbers.push_back(barber.name());
  }
  std::mutex mutex;
  std::vector<ChatPair> pairs;
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int index = next++; index < count; index = next++) {
        if (auto pair = BookPair(core, *stub, barbers, index)) {
          std::lock_guard lock(mutex);
          pairs.push_back(std::move(*pair));
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  return pairs;
}

int RunChat(const Options& options, const barbershop::common::TokenSigner& tokens) {
  const auto booking_started = Clock::now();
  const auto pairs = BookPairs(options.core, options.pairs);
  if (static_cast<int>(pairs.size()) < options.pairs) {
    std::fprintf(stderr, "booked only %zu of %d appointments\n", pairs.size(), options.pairs);
    return 1;
  }
  std::printf("booked %zu appointments through the core in %.1f s\n", pairs.size(),
              std::chrono::duration<double>(Clock::now() - booking_started).count());
  Sockets sockets;
  for (const auto& pair : pairs) {
    const auto target = "/websocket/appointment/" + pair.appointment_id + "/chat";
    sockets.Open(options.port, 1, target, *tokens.Issue(pair.barber_id, "barber", "bench-session"),
                 Connection::Measure::kChat, pair.barber_id);
    sockets.Open(options.port, 1, target, pair.client_token, Connection::Measure::kChat, pair.client_id);
  }
  sockets.AwaitOpen();
  if (sockets.stats.failed > 0) return 1;
  std::this_thread::sleep_for(std::chrono::seconds(options.settle));  // history and presence first

  // Each message goes from one party to the other, turn about, over every pair.
  const auto started = Clock::now();
  const auto until = started + std::chrono::seconds(options.seconds);
  long sent = 0;
  while (Clock::now() < until) {
    std::this_thread::sleep_until(started + std::chrono::microseconds(sent * 1000000 / options.rate));
    sockets.all[static_cast<std::size_t>(sent) % sockets.all.size()]->SendChat();
    ++sent;
  }
  std::this_thread::sleep_for(2s);  // drain
  sockets.Stop();
  std::vector<double> delivered;
  std::vector<double> acked;
  for (const auto& c : sockets.all) {
    delivered.insert(delivered.end(), c->latencies_us.begin(), c->latencies_us.end());
    acked.insert(acked.end(), c->ack_us.begin(), c->ack_us.end());
  }
  std::printf(
      "chat: %ld messages sent over %zu appointments in %d s (%.0f/s); %zu acknowledged, %zu received by the other "
      "party\n",
      sent, pairs.size(), options.seconds, static_cast<double>(sent) / options.seconds, acked.size(), delivered.size());
  std::printf("chat round trip, send to the sender's chat_ack: p50 %.2f ms, p99 %.2f ms\n",
              Percentile(acked, 0.50) / 1000, Percentile(acked, 0.99) / 1000);
  std::printf("chat delivery, send to the other party's chat_message: p50 %.2f ms, p99 %.2f ms\n",
              Percentile(delivered, 0.50) / 1000, Percentile(delivered, 0.99) / 1000);
  return acked.size() == static_cast<std::size_t>(sent) && delivered.size() == static_cast<std::size_t>(sent) ? 0 : 1;
}

// ---- idle and fan-out: self-issued tokens for made-up users ----

int RunIdleOrFanOut(const Options& options, const barbershop::common::TokenSigner& tokens) {
  const bool idle = options.mode == "idle";
  const int users = idle ? options.connections : options.users;
  std::vector<std::string> user_ids(static_cast<std::size_t>(users));
  std::vector<std::string> user_tokens(user_ids.size());
  for (std::size_t i = 0; i < user_ids.size(); ++i) {
    user_ids[i] = barbershop::common::NewUuid();
    user_tokens[i] = *tokens.Issue(user_ids[i], "customer", "bench-session");
  }
  const long rss_before = options.pid > 0 ? ResidentKiB(options.pid) : -1;
  const double cpu_before = options.pid > 0 ? CpuSeconds(options.pid) : 0;
  Sockets sockets;
  for (int i = 0; i < options.connections; ++i) {
    const auto user = static_cast<std::size_t>(i % users);
    sockets.Open(options.port, options.addresses, "/websocket/client/" + user_ids[user] + "/appointments",
                 user_tokens[user], idle ? Connection::Measure::kNothing : Connection::Measure::kEvent);
  }
  sockets.AwaitOpen();
  std::this_thread::sleep_for(std::chrono::seconds(options.settle));  // let welcomes and session records settle
  if (options.pid > 0 && sockets.stats.connected > 0) {
    // Each opening is a handshake, a token's first check, the user's session record and
    // the welcome: what a copy pays when its clients come back at once.
    const double cpu = CpuSeconds(options.pid) - cpu_before;
    std::printf("server CPU to open them (settled): %.1f s, %.0f us per socket\n", cpu,
                cpu * 1e6 / static_cast<double>(sockets.stats.connected.load()));
  }

  if (idle) {
    const long rss_after = ResidentKiB(options.pid);
    std::printf("server resident memory: %ld KiB before, %ld KiB after; %.2f KiB per connection\n", rss_before,
                rss_after,
                static_cast<double>(rss_after - rss_before) / static_cast<double>(sockets.stats.connected.load()));
    return 0;
  }
  // Publish events to random users at the given rate; each reaches the user's sockets.
  const auto connection = barbershop::common::AmqpConnection::Open(options.amqp, {});
  if (!connection) {
    std::fprintf(stderr, "RabbitMQ: %s\n", connection.error().c_str());
    return 1;
  }
  auto* const amqp = connection.state();
  std::mt19937 random{42};
  long published = 0;
  const auto publish_start = Clock::now();
  const auto publish_until = publish_start + std::chrono::seconds(options.seconds);
  while (Clock::now() < publish_until) {
    const auto due = publish_start + std::chrono::microseconds(published * 1000000 / options.rate);
    std::this_thread::sleep_until(due);
    const auto& a = user_ids[random() % user_ids.size()];
    const auto& b = user_ids[random() % user_ids.size()];
    const nlohmann::json event{{"event_id", barbershop::common::NewUuid()},
                               {"type", "appointment.confirmed"},
                               {"occurred_at", "2026-11-26T10:00:00+02:00"},
                               {"appointment",
                                {{"id", barbershop::common::NewUuid()},
                                 {"barber_id", a},
                                 {"barber_name", "Ana"},
                                 {"client_id", b},
                                 {"client_name", "t" + std::to_string(NowNs())},
                                 {"start", "2026-11-27T15:00:00+02:00"},
                                 {"end", "2026-11-27T15:30:00+02:00"},
                                 {"status", "confirmed"}}},
                               {"actor", {{"user_id", a}, {"role", "barber"}}}};
    PublishEvent(amqp, "appointment.confirmed", event.dump());
    ++published;
  }
  sockets.stats.publishing_ended_ns = NowNs();
  const double publishing = std::chrono::duration<double>(Clock::now() - publish_start).count();
  std::this_thread::sleep_for(3s);  // drain
  const double seconds = std::chrono::duration<double>(Clock::now() - publish_start).count() - 3.0;
  sockets.Stop();
  std::vector<double> latencies;
  long received = 0;
  long received_while_publishing = 0;
  for (const auto& c : sockets.all) {
    latencies.insert(latencies.end(), c->latencies_us.begin(), c->latencies_us.end());
    received += c->received;
    received_while_publishing += c->received_while_publishing;
  }
  const auto expected = published * 2 * (options.connections / users);
  std::printf("published %ld events in %.1f s (%.0f/s); delivered %ld of %ld expected messages (%.0f/s)\n", published,
              seconds, static_cast<double>(published) / seconds, received, expected,
              static_cast<double>(received) / seconds);
  // A queue that grows while publishing shows here, not in the total: what the sockets
  // received while the publisher ran, over its time.
  const double kept_up = static_cast<double>(received_while_publishing) / publishing;
  std::printf("fan-out while publishing: %.0f messages/s received of %.0f offered; %s", kept_up,
              static_cast<double>(expected) / publishing,
              received == expected ? "every message delivered" : "not every message delivered");
  if (options.target > 0) {
    std::printf(" (target at least %d/s, every message delivered: %s)", options.target,
                kept_up >= options.target && received == expected ? "met" : "not met");
  }
  std::printf("\n");
  std::printf("publish-to-receive latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", Percentile(latencies, 0.50) / 1000,
              Percentile(latencies, 0.99) / 1000, Percentile(latencies, 1.0) / 1000);
  return 0;
}

// ---- session ends: every socket a login session of its own ----

int RunSessions(const Options& options, const barbershop::common::TokenSigner& tokens) {
  constexpr unsigned kSessionEndedCode = 4001;
  constexpr double kTargetMs = 1000;
  struct Login {
    std::string user_id;
    std::string session_id;
  };
  std::vector<Login> logins(static_cast<std::size_t>(options.connections));
  Sockets sockets;
  for (auto& login : logins) {
    login = {barbershop::common::NewUuid(), barbershop::common::NewUuid()};
    sockets.Open(options.port, options.addresses, "/websocket/client/" + login.user_id + "/appointments",
                 *tokens.Issue(login.user_id, "customer", login.session_id), Connection::Measure::kClose);
  }
  sockets.AwaitOpen();
  if (sockets.stats.failed > 0) return 1;
  std::this_thread::sleep_for(std::chrono::seconds(options.settle));  // welcomes first

  const auto connection = barbershop::common::AmqpConnection::Open(options.amqp, {});
  if (!connection) {
    std::fprintf(stderr, "RabbitMQ: %s\n", connection.error().c_str());
    return 1;
  }
  std::vector<std::int64_t> published_ns(logins.size());
  const auto publish_start = Clock::now();
  for (std::size_t i = 0; i < logins.size(); ++i) {
    std::this_thread::sleep_until(publish_start +
                                  std::chrono::microseconds(static_cast<long>(i) * 1000000 / options.rate));
    const nlohmann::json event{{"event_id", barbershop::common::NewUuid()},
                               {"type", "session.ended"},
                               {"occurred_at", "2026-11-26T10:00:00+02:00"},
                               {"session_id", logins[i].session_id},
                               {"user_id", logins[i].user_id},
                               {"reason", "logout"}};
    published_ns[i] = NowNs();
    PublishEvent(connection.state(), "session.ended", event.dump());
  }
  const auto all_closed = [&] {
    return std::all_of(sockets.all.begin(), sockets.all.end(), [](const auto& c) { return c->closed_ns.load() != 0; });
  };
  const auto wait_until = Clock::now() + 10s;
  while (!all_closed() && Clock::now() < wait_until) std::this_thread::sleep_for(10ms);
  sockets.Stop();
  std::vector<double> latencies;
  long closed = 0;
  for (std::size_t i = 0; i < logins.size(); ++i) {
    const auto& c = *sockets.all[i];
    if (c.closed_ns.load() == 0 || c.close_code.load() != kSessionEndedCode) continue;
    ++closed;
    latencies.push_back(static_cast<double>(c.closed_ns.load() - published_ns[i]) / 1000.0);
  }
  const double max_ms = Percentile(latencies, 1.0) / 1000;
  std::printf(
      "session ended on the bus to its socket closed (%u): %ld of %zu sockets, %d sessions/s; p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms (target: every socket within %.0f ms: %s)\n",
      kSessionEndedCode, closed, logins.size(), options.rate, Percentile(latencies, 0.50) / 1000,
      Percentile(latencies, 0.99) / 1000, max_ms, kTargetMs,
      closed == static_cast<long>(logins.size()) && max_ms <= kTargetMs ? "met" : "missed");
  return closed == static_cast<long>(logins.size()) ? 0 : 1;
}

}  // namespace

// An exception here ends the run, as it should in a load generator: nothing to clean up.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  const auto options = Parse(argc, argv);
  const char* key_file = std::getenv("BARBERSHOP_TOKEN_SIGNING_KEY");
  const char* key_id = std::getenv("BARBERSHOP_TOKEN_SIGNING_KEY_ID");
  if ((options.mode != "idle" && options.mode != "fanout" && options.mode != "chat" && options.mode != "sessions") ||
      key_file == nullptr || key_id == nullptr || options.port == 0 ||
      ((options.mode == "fanout" || options.mode == "sessions") && options.amqp.empty()) ||
      (options.mode == "chat" && options.core.empty())) {
    std::cerr << "usage: BARBERSHOP_TOKEN_SIGNING_KEY=FILE BARBERSHOP_TOKEN_SIGNING_KEY_ID=KID realtime_bench "
                 "idle|fanout|chat|sessions --port P [--pid PID] ...\n"
                 "  fanout and sessions need --amqp URL, chat needs --core HOST:PORT\n";
    return 2;
  }
  barbershop::common::SystemClock clock;
  auto pem = barbershop::common::ReadP256KeyFile(key_file, true);
  auto signer = pem ? barbershop::common::TokenSigner::Create(*pem, key_id, std::chrono::hours(2), clock) : pem.error();
  if (!signer) {
    std::cerr << signer.error().message << "\n";
    return 2;
  }
  const auto& tokens = *signer;
  const int status = options.mode == "chat"       ? RunChat(options, tokens)
                     : options.mode == "sessions" ? RunSessions(options, tokens)
                                                  : RunIdleOrFanOut(options, tokens);
  std::fflush(stdout);
  std::_Exit(status);  // thousands of sockets: let the kernel close them
}
