// Bookings through the whole platform as a shop runs it: each booking is committed by the
// core, relayed from its outbox to RabbitMQ, consumed by the real-time service (Redis)
// and shown on the barber's socket.  Measures how long after CreateAppointment returns
// the barber's socket shows the booking, and either at a fixed rate (--rate) or with
// every client keeping one booking in flight (--rate 0) the bookings per second, their
// latency and each named process's CPU per booking.
#include <absl/synchronization/mutex.h>
#include <CLI/CLI.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <unistd.h>

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

/// Each answered booking, and when a barber's socket got each appointment.
struct Timeline {
  std::mutex mutex;
  std::map<std::string, Booked> booked;
  std::map<std::string, Clock::time_point> shown;
  long errors = 0;
};

/// A process whose CPU time is reported per booking, with everything below it.
struct Watched {
  std::string name;
  int pid = 0;
  double cpu_at_start = 0;  ///< CPU seconds used before the measured seconds
  double cpu_used = 0;      ///< CPU seconds used during them
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

/// The barbers being booked, each with its own next free half hour.
class Barbers {
 public:
  explicit Barbers(std::vector<std::string> names) : names_(std::move(names)), next_(names_.size()) {}

  const std::string& Name(std::size_t i) const { return names_[i % names_.size()]; }
  std::size_t size() const { return names_.size(); }
  /// The barber's next half hour, from two days ahead on: no two bookings share one.
  std::string NextSlot(std::size_t i) {
    const long n = next_[i % names_.size()]++;
    return shop_.Format(base_ + std::chrono::minutes(30) * n);
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::atomic<long>> next_;
  common::ShopTime shop_ = common::ShopTime::ForZone("UTC").value();
  std::chrono::sys_seconds base_ =
      std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
};

/// One booking in flight.
struct Call {
  grpc::ClientContext context;
  CreateAppointmentRequest request;
  AppointmentResponse response;
  Clock::time_point sent;
};

/// Sends bookings and records them in the timeline; counts those in flight.
class Booker {
 public:
  Booker(std::vector<Client>& clients, Barbers& barbers, Timeline& timeline)
      : clients_(clients), barbers_(barbers), timeline_(timeline) {}

  /// Books the next half hour of client `i`'s barber; `then` runs after it returns.
  void Send(std::size_t i, std::function<void()> then = {}) {
    auto call = std::make_shared<Call>();
    auto& client = clients_[i % clients_.size()];
    call->context.AddMetadata("authorization", "Bearer " + client.token);
    call->request.set_barber_name(barbers_.Name(i));
    call->request.set_date_time(barbers_.NextSlot(i));
    ++pending_;
    call->sent = Clock::now();
    client.stub->async()->CreateAppointment(
        &call->context, &call->request, &call->response,
        [this, call, then = std::move(then)](const grpc::Status& status) {
          const auto at = Clock::now();
          if (call->sent >= measured_from_.load()) {
            const std::lock_guard lock(timeline_.mutex);
            if (status.ok()) {
              timeline_.booked.emplace(call->response.appointment_id(), Booked{call->sent, at});
            } else {
              ++timeline_.errors;
            }
          }
          if (then) then();
          --pending_;
        });
  }

  /// Bookings sent before this are warm-up: not recorded.
  void MeasureFrom(Clock::time_point at) { measured_from_ = at; }
  long Pending() const { return pending_; }

 private:
  std::vector<Client>& clients_;
  Barbers& barbers_;
  Timeline& timeline_;
  std::atomic<long> pending_{0};
  std::atomic<Clock::time_point> measured_from_{Clock::time_point::min()};
};

/// "name=pid" pairs into processes to watch.
std::vector<Watched> ParseProcesses(const std::vector<std::string>& specs) {
  std::vector<Watched> out;
  for (const auto& spec : specs) {
    const auto equals = spec.find('=');
    if (equals == std::string::npos) throw std::runtime_error("--process wants name=pid, not " + spec);
    out.push_back({spec.substr(0, equals), std::stoi(spec.substr(equals + 1)), 0});
  }
  return out;
}

}  // namespace

// Only the options' set-up runs outside the try below, and it throws only on a mistake in it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // gRPC's mutexes: no deadlock-cycle bookkeeping on every lock in the load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string core;
  std::string database_url;
  std::string realtime;
  int clients = 16;
  int barber_count = 1;
  int rate = 200;
  double seconds = 10;
  double warm_up = 1;
  std::vector<std::string> process_specs;
  CLI::App cli{"platform_bench: bookings through the whole platform, from the client to the barber's socket"};
  cli.add_option("--core", core, "the core's gRPC address")->required();
  cli.add_option("--database-url", database_url, "the core's database, to create around-the-clock barbers")->required();
  cli.add_option("--realtime", realtime, "the real-time service's host:port")->required();
  cli.add_option("--clients", clients, "clients booking, each on its own channel")->capture_default_str();
  cli.add_option("--barbers", barber_count, "barbers booked (client i books barber i mod this), each watched")
      ->capture_default_str();
  cli.add_option("--rate", rate, "bookings per second, all clients together; 0: each keeps one in flight")
      ->capture_default_str();
  cli.add_option("--seconds", seconds, "how long to book, after the warm-up")->capture_default_str();
  cli.add_option("--warm-up", warm_up,
                 "seconds of bookings, as fast as they go, before the database is vacuumed and analyzed and the "
                 "measured run starts")
      ->capture_default_str();
  cli.add_option("--process", process_specs, "name=pid: report this process's CPU (with its children) per booking");
  CLI11_PARSE(cli, argc, argv);

  try {
    auto watched = ParseProcesses(process_specs);
    Barbers barbers(NewBarbers(database_url, barber_count));
    std::vector<Client> bookers;
    for (int i = 0; i < clients; ++i) bookers.push_back(NewClient(core));

    Timeline timeline;
    const auto colon = realtime.rfind(':');
    std::vector<std::unique_ptr<BarberScreen>> screens;
    for (std::size_t i = 0; i < barbers.size(); ++i) {
      const auto barber = LogIn(core, barbers.Name(i) + "@bench.test", kBarberPassword);
      screens.push_back(
          std::make_unique<BarberScreen>(realtime.substr(0, colon), realtime.substr(colon + 1), barber, timeline));
    }

    Booker booker(bookers, barbers, timeline);
    Clock::time_point measured_from;
    Clock::time_point measured_to;
    // With --rate 0, each client books again as soon as its booking returns, until stopped.
    std::atomic<bool> stop{false};
    std::function<void(std::size_t)> loop = [&](std::size_t i) {
      booker.Send(i, [&, i] {
        if (!stop) loop(i);
      });
    };
    // The warm-up books as the run does, unrecorded; then the database is settled as a
    // shop's is between busy hours: its appointments in it, vacuumed and analyzed.  The
    // planner's choices during the run are then those of a running shop.  Settled while
    // still empty, the tables' statistics said so, and every connection kept plans made
    // for an empty table (the foreign keys' and the buffer rule's lookups as sequential
    // scans) until autovacuum's first analyze: each booking read the whole table.
    booker.MeasureFrom(Clock::time_point::max());
    if (warm_up > 0) {
      for (int i = 0; i < clients; ++i) loop(static_cast<std::size_t>(i));
      std::this_thread::sleep_for(std::chrono::duration<double>(warm_up));
      stop = true;
      while (booker.Pending() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      stop = false;
    }
    SettleDatabase(database_url);
    // Beside the named processes, this one (the clients and the barbers' screens) and the
    // machine as a whole: how near the run came to using every core.
    Watched generator{"load generator", static_cast<int>(getpid())};
    MachineCpu machine_from;
    MachineCpu machine_used;
    const auto measure_cpu_from = [&] {
      for (auto& process : watched) process.cpu_at_start = TreeCpuSeconds(process.pid);
      generator.cpu_at_start = CpuSeconds(generator.pid);
      machine_from = MachineCpuSeconds();
    };
    const auto measure_cpu_to = [&] {
      for (auto& process : watched) process.cpu_used = TreeCpuSeconds(process.pid) - process.cpu_at_start;
      generator.cpu_used = CpuSeconds(generator.pid) - generator.cpu_at_start;
      const auto machine_to = MachineCpuSeconds();
      machine_used = MachineCpu{machine_to.busy - machine_from.busy, machine_to.stolen - machine_from.stolen};
    };
    if (rate > 0) {
      const long total = static_cast<long>(seconds * rate);
      measured_from = Clock::now();
      booker.MeasureFrom(measured_from);
      measure_cpu_from();
      for (long n = 0; n < total; ++n) {
        std::this_thread::sleep_until(measured_from + std::chrono::microseconds(n * 1'000'000 / rate));
        booker.Send(static_cast<std::size_t>(n));
      }
      measured_to = Clock::now();
      measure_cpu_to();
    } else {
      measured_from = Clock::now();
      booker.MeasureFrom(measured_from);
      for (int i = 0; i < clients; ++i) loop(static_cast<std::size_t>(i));
      measure_cpu_from();
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      measured_to = Clock::now();
      measure_cpu_to();
      stop = true;
    }
    // Every answered booking should reach the screen; wait for the last ones a while.
    const auto give_up = Clock::now() + std::chrono::seconds(15);
    for (;;) {
      {
        const std::lock_guard lock(timeline.mutex);
        if (booker.Pending() == 0 &&
            std::all_of(timeline.booked.begin(), timeline.booked.end(),
                        [&timeline](const auto& booked) { return timeline.shown.count(booked.first) > 0; })) {
          break;
        }
      }
      if (Clock::now() > give_up) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    const std::lock_guard lock(timeline.mutex);
    Figures booking;
    Figures after_return;
    Figures after_send;
    long missing = 0;
    long before_reply = 0;
    long in_window = 0;
    for (const auto& [id, booked] : timeline.booked) {
      if (booked.returned <= measured_to) ++in_window;
      booking.latencies_ms.push_back(Ms(booked.returned - booked.sent));
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
    const double window = std::chrono::duration<double>(measured_to - measured_from).count();
    std::printf(
        "booked %ld appointments in %.1f s (%.0f/s, %ld refused) by %d clients for %zu barbers; %ld never "
        "reached the barber's screen\n",
        in_window, window, static_cast<double>(in_window) / window, timeline.errors, clients, barbers.size(), missing);
    std::printf("booking latency (CreateAppointment sent -> returned): p50 %.2f ms, p99 %.2f ms\n",
                booking.Percentile(0.50), booking.Percentile(0.99));
    std::printf(
        "commit to screen (CreateAppointment returned -> barber's socket): p50 %.2f ms, p99 %.2f ms, max %.2f ms"
        " (%ld shown before the reply arrived)\n",
        after_return.Percentile(0.50), after_return.Percentile(0.99), after_return.Percentile(1.0), before_reply);
    std::printf("booking to screen (CreateAppointment sent -> barber's socket): p50 %.2f ms, p99 %.2f ms\n",
                after_send.Percentile(0.50), after_send.Percentile(0.99));
    double total_us = 0;
    for (const auto& process : watched) {
      const double us = process.cpu_used * 1e6 / static_cast<double>(std::max(1L, in_window));
      total_us += us;
      std::printf("cpu per booking: %s %.0f us (%.2f cores)\n", process.name.c_str(), us, process.cpu_used / window);
    }
    if (!watched.empty()) std::printf("cpu per booking: all named %.0f us\n", total_us);
    std::printf("load generator's cpu per booking: %.0f us (%.2f cores)\n",
                generator.cpu_used * 1e6 / static_cast<double>(std::max(1L, in_window)), generator.cpu_used / window);
    std::printf("machine: %.2f of %ld cores busy during the measured seconds, %.2f taken by the host\n",
                machine_used.busy / window, sysconf(_SC_NPROCESSORS_ONLN), machine_used.stolen / window);
    std::fflush(stdout);
    return missing == 0 && timeline.errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "platform_bench: %s\n", e.what());
    return 1;
  }
}
