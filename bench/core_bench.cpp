// Booking and listing throughput and latency of a running core service, with N
// concurrent clients each on its own channel, booking slots that never conflict.
#include <CLI/CLI.hpp>
#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/shop_time.hpp"
#include "bench_support.hpp"

namespace {

using namespace barbershop;
using namespace barbershop::bench;
using Clock = std::chrono::steady_clock;

// One call of client `i`; it reports through `done(ok)` on gRPC's own threads.
using AsyncCall = std::function<void(int i, std::function<void(bool ok)> done)>;

// Keeps one call in flight per client for `seconds`, from gRPC's callback threads: the
// load generator needs no thread per client and leaves the cores to the service.
Figures Drive(int clients, double seconds, const AsyncCall& call) {
  struct Lane {
    Figures figures;
    Clock::time_point sent;
  };
  std::vector<Lane> lanes(clients);
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable idle;
  int in_flight = clients;
  std::function<void(int)> next = [&](int i) {
    lanes[i].sent = Clock::now();
    call(i, [&, i](bool ok) {
      auto& lane = lanes[i];
      lane.figures.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - lane.sent).count());
      ++lane.figures.calls;
      if (!ok) ++lane.figures.errors;
      if (!stop.load(std::memory_order_relaxed)) return next(i);
      const std::lock_guard lock(mutex);
      if (--in_flight == 0) idle.notify_one();
    });
  };
  const auto start = Clock::now();
  for (int i = 0; i < clients; ++i) next(i);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  std::unique_lock lock(mutex);
  idle.wait(lock, [&] { return in_flight == 0; });
  Figures all;
  all.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& lane : lanes) {
    all.calls += lane.figures.calls;
    all.errors += lane.figures.errors;
    all.latencies_ms.insert(all.latencies_ms.end(), lane.figures.latencies_ms.begin(),
                            lane.figures.latencies_ms.end());
  }
  return all;
}

// A unary call's state, alive until its callback ran.
template <typename Request, typename Response>
struct Pending {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// CPU seconds (user and system) a process has used so far; 0 when it cannot be read.
double CpuSeconds(int pid) {
  if (pid <= 0) return 0;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(text.substr(after_name + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // fields 3..13: state .. cmajflt
  double user = 0;
  double system = 0;
  fields >> user >> system;
  return (user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Runs a measured phase and prints its figures, with the service's CPU per call when
// its process id is known.
Figures Measure(const char* name, int clients, double seconds, int core_pid, const AsyncCall& call) {
  Drive(clients, 1.0, call);  // warm-up: connections, prepared statements
  const double cpu_before = CpuSeconds(core_pid);
  auto f = Drive(clients, seconds, call);
  const double cpu_us = (CpuSeconds(core_pid) - cpu_before) * 1e6 / static_cast<double>(std::max(1L, f.calls));
  std::printf("%-18s clients=%d calls=%ld errors=%ld seconds=%.2f throughput=%.1f/s p50=%.2fms p99=%.2fms", name,
              clients, f.calls, f.errors, f.seconds, static_cast<double>(f.calls - f.errors) / f.seconds,
              f.Percentile(0.50), f.Percentile(0.99));
  if (core_pid > 0) std::printf(" service_cpu_per_call=%.0fus", cpu_us);
  std::printf("\n");
  std::fflush(stdout);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  // gRPC's mutexes: no deadlock-cycle bookkeeping on every lock in the load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string address = "127.0.0.1:50051";
  std::string database_url;
  int clients = 16;
  double seconds = 10;
  std::string pairs_out;
  int core_pid = 0;
  bool list_only = false;
  int logins = 0;
  CLI::App cli{"core_bench: CreateAppointment and GetAppointments against a running core service"};
  cli.add_option("--core", address, "the core's gRPC address")->capture_default_str();
  cli.add_option("--database-url", database_url, "the core's database, to create around-the-clock barbers")
      ->required();
  cli.add_option("--clients", clients, "concurrent clients, each on its own channel")->capture_default_str();
  cli.add_option("--seconds", seconds, "length of each measured phase")->capture_default_str();
  cli.add_option("--pairs-out", pairs_out, "write each client's barber name and user id here (for pgbench)");
  cli.add_option("--core-pid", core_pid, "the core's process id, to report its CPU time per call");
  cli.add_flag("--list-only", list_only, "measure GetAppointments only");
  cli.add_option("--logins", logins,
                 "then measure GetAppointments again while this many more clients log in over and over (0: skip)");
  CLI11_PARSE(cli, argc, argv);

  try {
    const auto barbers = NewBarbers(database_url, clients);
    std::vector<Client> bookers;
    for (int i = 0; i < clients; ++i) bookers.push_back(NewClient(address));
    if (!pairs_out.empty()) {
      std::FILE* out = std::fopen(pairs_out.c_str(), "w");
      if (out == nullptr) throw std::runtime_error("cannot write " + pairs_out);
      for (int i = 0; i < clients; ++i) std::fprintf(out, "%s %s\n", barbers[i].c_str(), bookers[i].id.c_str());
      std::fclose(out);
    }
    const auto shop = common::ShopTime::ForZone("UTC").value();
    const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
    std::vector<long> next_slot(clients, 0);
    auto book = [&](int i, std::function<void(bool)> done) {
      auto call = std::make_shared<Pending<CreateAppointmentRequest, AppointmentResponse>>();
      call->context.AddMetadata("authorization", "Bearer " + bookers[i].token);
      call->request.set_barber_name(barbers[i]);
      call->request.set_date_time(shop.Format(base + std::chrono::minutes(30) * next_slot[i]++));
      bookers[i].stub->async()->CreateAppointment(&call->context, &call->request, &call->response,
                                                  [call, done](const grpc::Status& s) { done(s.ok()); });
    };
    Figures booking;
    if (!list_only) booking = Measure("CreateAppointment", clients, seconds, core_pid, book);

    // Listing: fresh clients with a realistic handful of bookings each.
    std::vector<Client> listers;
    for (int i = 0; i < clients; ++i) {
      listers.push_back(NewClient(address));
      for (int k = 0; k < 8; ++k) {
        CreateAppointmentRequest request;
        request.set_barber_name(barbers[i]);
        request.set_date_time(shop.Format(base + std::chrono::minutes(30) * next_slot[i]++));
        AppointmentResponse response;
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + listers[i].token);
        (void)listers[i].stub->CreateAppointment(&context, request, &response);
      }
    }
    auto list = [&](int i, std::function<void(bool)> done) {
      auto call = std::make_shared<Pending<GetAppointmentsRequest, AppointmentsResponse>>();
      call->context.AddMetadata("authorization", "Bearer " + listers[i].token);
      listers[i].stub->async()->GetAppointments(&call->context, &call->request, &call->response,
                                                [call, done](const grpc::Status& s) { done(s.ok()); });
    };
    const auto listing = Measure("GetAppointments", clients, seconds, core_pid, list);
    if (logins == 0) return booking.errors == 0 && listing.errors == 0 ? 0 : 1;

    // The same listing while a burst of logins (Argon2id) goes on beside it.
    std::atomic<bool> stop{false};
    std::atomic<long> logged_in{0};
    std::atomic<long> login_errors{0};
    std::vector<std::thread> loggers;
    for (int i = 0; i < logins; ++i) {
      loggers.emplace_back([&, i] {
        while (!stop) {
          try {
            (void)LogIn(address, barbers[static_cast<std::size_t>(i % clients)] + "@bench.test", kBarberPassword);
            ++logged_in;
          } catch (const std::exception&) {
            ++login_errors;
          }
        }
      });
    }
    const auto started = Clock::now();
    const auto beside_logins = Measure("GetAppointments+logins", clients, seconds, core_pid, list);
    const double login_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    stop = true;
    for (auto& t : loggers) t.join();
    std::printf("logins beside it: %d clients, %.1f logins/s, %ld errors\n", logins,
                static_cast<double>(logged_in) / login_seconds, login_errors.load());
    return booking.errors == 0 && listing.errors == 0 && beside_logins.errors == 0 && login_errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "core_bench: %s\n", e.what());
    return 1;
  }
}
