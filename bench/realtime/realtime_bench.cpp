// Load generator for barbershop-realtime: idle connections and memory, fan-out
// throughput and publish-to-receive latency.  Prints its figures; not a timed test.
//
//   realtime_bench idle   --port P --pid SERVER_PID --connections 15000 --addresses 8
//   realtime_bench fanout --port P --amqp URL --connections 10000 --users 200 --rate 1000 --seconds 20
// The token key comes from BARBERSHOP_JWT_SECRET.
#include <amqp.h>
#include <amqp_tcp_socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/ids.hpp"
#include "barbershop/common/tokens.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Options {
  std::string mode;
  unsigned short port = 8081;
  int pid = 0;
  int connections = 1000;
  int addresses = 8;
  int users = 200;
  int rate = 1000;
  int seconds = 10;
  std::string amqp = "amqp://guest:guest@127.0.0.1:55672/";
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
    if (name == "--amqp") o.amqp = value;
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

/// Latencies in microseconds, and how many messages arrived.
struct Stats {
  std::mutex mutex;
  std::vector<double> latencies_us;
  std::atomic<long> received{0};
  std::atomic<long> connected{0};
  std::atomic<long> failed{0};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Stats& stats) : ws_(asio::make_strand(io)), stats_(stats) {}

  void Start(const tcp::endpoint& local, const tcp::endpoint& server, std::string target, std::string token) {
    target_ = std::move(target);
    token_ = std::move(token);
    auto& socket = beast::get_lowest_layer(ws_).socket();
    beast::error_code ec;
    socket.open(tcp::v4(), ec);
    socket.set_option(asio::socket_base::reuse_address(true), ec);
    socket.bind(local, ec);
    if (ec) {
      ++stats_.failed;
      return;
    }
    beast::get_lowest_layer(ws_).async_connect(server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return void(++self->stats_.failed);
      beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true), ec);
      self->ws_.set_option(websocket::stream_base::decorator(
          [token = self->token_](websocket::request_type& r) { r.set(beast::http::field::authorization, "Bearer " + token); }));
      self->ws_.async_handshake("127.0.0.1", self->target_, [self](beast::error_code ec) {
        if (ec) return void(++self->stats_.failed);
        ++self->stats_.connected;
        self->DoRead();
      });
    });
  }

 private:
  void DoRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      const auto now = NowNs();
      const auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      // The generator puts the publish time into the event's client_name ("t<ns>").
      const auto at = text.find("\"client_name\":\"t");
      if (at != std::string::npos) {
        const auto sent = std::stoll(text.substr(at + 16));
        std::lock_guard lock(self->stats_.mutex);
        self->stats_.latencies_us.push_back(static_cast<double>(now - sent) / 1000.0);
        ++self->stats_.received;
      }
      self->DoRead();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  Stats& stats_;
  std::string target_;
  std::string token_;
};

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  const char* secret = std::getenv("BARBERSHOP_JWT_SECRET");
  if ((options.mode != "idle" && options.mode != "fanout") || secret == nullptr) {
    std::cerr << "usage: BARBERSHOP_JWT_SECRET=... realtime_bench idle|fanout --port P [--pid PID] ...\n";
    return 2;
  }
  barbershop::common::SystemClock clock;
  auto tokens = *barbershop::common::TokenService::Create(secret, std::chrono::hours(2), clock);

  asio::io_context io;
  Stats stats;
  const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), options.port);
  const int users = options.mode == "idle" ? options.connections : options.users;
  std::vector<std::string> user_ids(static_cast<std::size_t>(users));
  std::vector<std::string> user_tokens(user_ids.size());
  for (std::size_t i = 0; i < user_ids.size(); ++i) {
    user_ids[i] = barbershop::common::NewUuid();
    user_tokens[i] = *tokens.Issue(user_ids[i], "customer");
  }
  const long rss_before = options.pid > 0 ? ResidentKiB(options.pid) : -1;
  const auto started = Clock::now();
  std::vector<std::shared_ptr<Connection>> connections;
  for (int i = 0; i < options.connections; ++i) {
    const auto user = static_cast<std::size_t>(i % users);
    const tcp::endpoint local(asio::ip::make_address("127.0.0." + std::to_string(1 + i % options.addresses)), 0);
    auto c = std::make_shared<Connection>(io, stats);
    c->Start(local, server, "/websocket/client/" + user_ids[user] + "/appointments", user_tokens[user]);
    connections.push_back(std::move(c));
  }
  std::thread runner([&] { io.run(); });
  std::vector<std::thread> helpers;
  auto guard = asio::make_work_guard(io);
  helpers.emplace_back([&] { io.run(); });
  while (stats.connected + stats.failed < options.connections && Clock::now() - started < 120s) {
    std::this_thread::sleep_for(100ms);
  }
  const double connect_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("connections: %ld open, %ld failed, in %.1f s\n", stats.connected.load(), stats.failed.load(),
              connect_seconds);
  std::this_thread::sleep_for(2s);  // let welcomes and session records settle

  if (options.mode == "idle") {
    const long rss_after = ResidentKiB(options.pid);
    std::printf("server resident memory: %ld KiB before, %ld KiB after; %.2f KiB per connection\n", rss_before,
                rss_after, static_cast<double>(rss_after - rss_before) / static_cast<double>(stats.connected.load()));
  } else {
    // Publish events to random users at the given rate; each reaches the user's sockets.
    std::vector<char> url(options.amqp.begin(), options.amqp.end());
    url.push_back('\0');
    amqp_connection_info info;
    amqp_parse_url(url.data(), &info);
    auto amqp = amqp_new_connection();
    amqp_socket_open(amqp_tcp_socket_new(amqp), info.host, info.port);
    amqp_login(amqp, "/", 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password);
    amqp_channel_open(amqp, 1);
    std::mt19937 random{42};
    long published = 0;
    const auto publish_start = Clock::now();
    const auto publish_until = publish_start + std::chrono::seconds(options.seconds);
    while (Clock::now() < publish_until) {
      const auto due = publish_start + std::chrono::microseconds(published * 1000000 / options.rate);
      std::this_thread::sleep_until(due);
      const auto& a = user_ids[random() % user_ids.size()];
      const auto& b = user_ids[random() % user_ids.size()];
      const nlohmann::json event{
          {"event_id", barbershop::common::NewUuid()},
          {"type", "appointment.confirmed"},
          {"occurred_at", "2026-11-26T10:00:00+02:00"},
          {"appointment",
           {{"id", barbershop::common::NewUuid()}, {"barber_id", a}, {"barber_name", "Ana"}, {"client_id", b},
            {"client_name", "t" + std::to_string(NowNs())}, {"start", "2026-11-27T15:00:00+02:00"},
            {"end", "2026-11-27T15:30:00+02:00"}, {"status", "confirmed"}}},
          {"actor", {{"user_id", a}, {"role", "barber"}}}};
      const auto body = event.dump();
      amqp_basic_properties_t props;
      props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
      props.delivery_mode = 2;
      amqp_basic_publish(amqp, 1, amqp_cstring_bytes("barbershop.events"), amqp_cstring_bytes("appointment.confirmed"),
                         0, 0, &props, amqp_bytes_t{body.size(), const_cast<char*>(body.data())});
      ++published;
    }
    std::this_thread::sleep_for(3s);  // drain
    const double seconds = std::chrono::duration<double>(Clock::now() - publish_start).count() - 3.0;
    std::lock_guard lock(stats.mutex);
    const auto expected = published * 2 * (options.connections / users);
    std::printf("published %ld events in %.1f s (%.0f/s); delivered %ld of %ld expected messages (%.0f/s)\n", published,
                seconds, static_cast<double>(published) / seconds, stats.received.load(), expected,
                static_cast<double>(stats.received.load()) / seconds);
    std::printf("publish-to-receive latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                Percentile(stats.latencies_us, 0.50) / 1000, Percentile(stats.latencies_us, 0.99) / 1000,
                Percentile(stats.latencies_us, 1.0) / 1000);
    amqp_connection_close(amqp, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(amqp);
  }
  std::fflush(stdout);
  std::_Exit(0);  // thousands of sockets: let the kernel close them
}
