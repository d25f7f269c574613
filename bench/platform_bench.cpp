// Commit to screen: how long after CreateAppointment returns the barber's socket shows
// the booking, through the whole platform (the core's outbox and relay, RabbitMQ, the
// real-time service, Redis, the WebSocket).  Bookings are made at a fixed rate by
// several clients; the barber watches their appointments stream.
#include <absl/synchronization/mutex.h>
#include <CLI/CLI.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "bench_support.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace barbershop;
using namespace barbershop::bench;

/// When a booking was sent and when its call returned.
struct Booked {
  Clock::time_point sent;
  Clock::time_point returned;
};

/// Each answered booking, and when the barber's socket got each appointment.
struct Timeline {
  std::mutex mutex;
  std::map<std::string, Booked> booked;
  std::map<std::string, Clock::time_point> shown;
  long errors = 0;
};

/// The barber's appointments stream; records when each appointment_created arrives.
class BarberScreen {
 public:
  BarberScreen(const std::string& host, const std::string& port, const Client& barber, Timeline& timeline)
      : ws_(io_), timeline_(timeline) {
    tcp::resolver resolver(io_);
    asio::connect(ws_.next_layer(), resolver.resolve(host, port));
    ws_.next_layer().set_option(tcp::no_delay(true));
    ws_.set_option(websocket::stream_base::decorator([token = barber.token](websocket::request_type& request) {
      request.set(beast::http::field::authorization, "Bearer " + token);
    }));
    ws_.handshake(host, "/websocket/barber/" + barber.id + "/appointments");
    reader_ = std::thread([this] { Read(); });
  }

  ~BarberScreen() {
    beast::error_code ignored;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    reader_.join();
  }

 private:
  void Read() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
      ws_.read(buffer, ec);
      if (ec) return;
      const auto at = Clock::now();
      const auto message = nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
      buffer.consume(buffer.size());
      if (!message.is_object() || message.value("type", "") != "appointment_created") continue;
      const std::lock_guard lock(timeline_.mutex);
      timeline_.shown.emplace(message.value("appointment_id", ""), at);
    }
  }

  asio::io_context io_;
  websocket::stream<tcp::socket> ws_;
  Timeline& timeline_;
  std::thread reader_;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

// Only the options' set-up runs outside the try below, and it throws only on a mistake in it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // gRPC's mutexes: no deadlock-cycle bookkeeping on every lock in the load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string core;
  std::string database_url;
  std::string realtime;
  int clients = 16;
  int rate = 200;
  double seconds = 10;
  CLI::App cli{"platform_bench: from CreateAppointment returning to the barber's socket showing the booking"};
  cli.add_option("--core", core, "the core's gRPC address")->required();
  cli.add_option("--database-url", database_url, "the core's database, to create an around-the-clock barber")
      ->required();
  cli.add_option("--realtime", realtime, "the real-time service's host:port")->required();
  cli.add_option("--clients", clients, "clients booking, each on its own channel")->capture_default_str();
  cli.add_option("--rate", rate, "bookings per second, all clients together")->capture_default_str();
  cli.add_option("--seconds", seconds, "how long to book")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  try {
    const auto barber_name = NewBarbers(database_url, 1).front();
    const auto barber = LogIn(core, barber_name + "@bench.test", kBarberPassword);
    std::vector<Client> bookers;
    for (int i = 0; i < clients; ++i) bookers.push_back(NewClient(core));

    Timeline timeline;
    const auto colon = realtime.rfind(':');
    BarberScreen screen(realtime.substr(0, colon), realtime.substr(colon + 1), barber, timeline);

    // Every booking takes the barber's next half hour, so none conflicts.
    const auto shop = common::ShopTime::ForZone("UTC").value();
    const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
    const long total = static_cast<long>(seconds * rate);
    std::atomic<long> pending{0};
    const auto start = Clock::now();
    for (long n = 0; n < total; ++n) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(n * 1'000'000 / rate));
      struct Call {
        grpc::ClientContext context;
        CreateAppointmentRequest request;
        AppointmentResponse response;
        Clock::time_point sent;
      };
      auto call = std::make_shared<Call>();
      auto& booker = bookers[static_cast<std::size_t>(n % clients)];
      call->context.AddMetadata("authorization", "Bearer " + booker.token);
      call->request.set_barber_name(barber_name);
      call->request.set_date_time(shop.Format(base + std::chrono::minutes(30) * n));
      ++pending;
      call->sent = Clock::now();
      booker.stub->async()->CreateAppointment(
          &call->context, &call->request, &call->response, [call, &timeline, &pending](const grpc::Status& status) {
            const auto at = Clock::now();
            {
              const std::lock_guard lock(timeline.mutex);
              if (status.ok()) {
                timeline.booked.emplace(call->response.appointment_id(), Booked{call->sent, at});
              } else {
                ++timeline.errors;
              }
            }
            --pending;
          });
    }
    const double booking_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    // Every answered booking should reach the screen; wait for the last ones a while.
    const auto give_up = Clock::now() + std::chrono::seconds(15);
    for (;;) {
      {
        const std::lock_guard lock(timeline.mutex);
        if (pending == 0 && timeline.shown.size() >= timeline.booked.size()) break;
      }
      if (Clock::now() > give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    const std::lock_guard lock(timeline.mutex);
    Figures after_return;
    Figures after_send;
    long missing = 0;
    long before_reply = 0;
    for (const auto& [id, booked] : timeline.booked) {
      const auto shown = timeline.shown.find(id);
      if (shown == timeline.shown.end()) {
        ++missing;
        continue;
      }
      // The event may reach the screen before the booking's reply reaches the client.
      if (shown->second < booked.returned) ++before_reply;
      after_return.latencies_ms.push_back(std::max(0.0, Ms(shown->second - booked.returned)));
      after_send.latencies_ms.push_back(Ms(shown->second - booked.sent));
    }
    std::printf("booked %zu appointments in %.1f s (%.0f/s, %ld refused); %ld never reached the barber's screen\n",
                timeline.booked.size(), booking_seconds, static_cast<double>(timeline.booked.size()) / booking_seconds,
                timeline.errors, missing);
    std::printf(
        "commit to screen (CreateAppointment returned -> barber's socket): p50 %.2f ms, p99 %.2f ms, max %.2f ms"
        " (%ld shown before the reply arrived)\n",
        after_return.Percentile(0.50), after_return.Percentile(0.99), after_return.Percentile(1.0), before_reply);
    std::printf("booking to screen (CreateAppointment sent -> barber's socket): p50 %.2f ms, p99 %.2f ms\n",
                after_send.Percentile(0.50), after_send.Percentile(0.99));
    std::fflush(stdout);
    return missing == 0 && timeline.errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "platform_bench: %s\n", e.what());
    return 1;
  }
}
