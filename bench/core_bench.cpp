// Booking and listing throughput and latency of a running core service, with N
// concurrent clients each on its own channel, booking slots that never conflict.
#include <absl/synchronization/mutex.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
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

// A call in flight for one client: its context and whatever the call must keep alive
// (request, response, reader) until the completion queue hands its tag back.
struct Slot {
  std::unique_ptr<grpc::ClientContext> context;
  grpc::Status status;
  std::shared_ptr<void> call;
  Clock::time_point sent;
};

// Starts one call of client `i` on `queue`, to complete with tag `i`.
using AsyncCall = std::function<void(int i, Slot& slot, grpc::CompletionQueue& queue)>;

// Starts a unary call made by `prepare(context, queue)` (a stub's PrepareAsync method)
// and parks its reader and response in `slot` until it completes.
template <typename Response, typename Prepare>
void Start(int i, Slot& slot, grpc::CompletionQueue& queue, Prepare prepare) {
  struct State {
    Response response;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
  };
  auto state = std::make_shared<State>();
  state->reader = prepare(slot.context.get(), &queue);
  state->reader->StartCall();
  // The tag carries the client's index back from the completion queue.
  state->reader->Finish(&state->response, &slot.status,
                        reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));  // NOLINT(performance-no-int-to-ptr)
  slot.call = std::move(state);
}

// Starts a unary call of `method` with `request` on a generic stub, whose answer the
// generator takes as bytes without decoding them: for a big answer, whose decoding would
// otherwise take from the two cores what the service needs.
void StartUndecoded(int i, Slot& slot, grpc::CompletionQueue& queue, grpc::GenericStub& stub, const std::string& method,
                    const grpc::ByteBuffer& request) {
  struct State {
    grpc::ByteBuffer response;
    std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  };
  auto state = std::make_shared<State>();
  state->reader = stub.PrepareUnaryCall(slot.context.get(), method, request, &queue);
  state->reader->StartCall();
  state->reader->Finish(&state->response, &slot.status,
                        reinterpret_cast<void*>(static_cast<std::intptr_t>(i)));  // NOLINT(performance-no-int-to-ptr)
  slot.call = std::move(state);
}

// Keeps one call in flight per client for `seconds`, all driven by this one thread from a
// completion queue: the load generator needs no thread per client, hands nothing between
// threads, and leaves the cores to the service.
Figures Drive(int clients, double seconds, const AsyncCall& call) {
  grpc::CompletionQueue queue;
  std::vector<Slot> slots(static_cast<std::size_t>(clients));
  auto send = [&](int i) {
    auto& slot = slots[static_cast<std::size_t>(i)];
    slot.context = std::make_unique<grpc::ClientContext>();
    slot.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    slot.sent = Clock::now();
    call(i, slot, queue);
  };
  Figures all;
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; ++i) send(i);
  int in_flight = clients;
  void* tag = nullptr;
  bool ok = false;
  while (in_flight > 0 && queue.Next(&tag, &ok)) {
    const int i = static_cast<int>(reinterpret_cast<std::intptr_t>(tag));
    auto& slot = slots[static_cast<std::size_t>(i)];
    const auto now = Clock::now();
    all.latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - slot.sent).count());
    ++all.calls;
    if (!ok || !slot.status.ok()) ++all.errors;
    slot.call.reset();
    if (now < until) {
      send(i);
    } else {
      --in_flight;
    }
  }
  all.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return all;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

// Runs a measured phase and prints its figures, with the service's CPU per call when
// its process id is known.
Figures Measure(const char* name, int clients, double seconds, int core_pid, const AsyncCall& call) {
  Drive(clients, 1.0, call);  // warm-up: connections, prepared statements
  const double cpu_before = CpuSeconds(core_pid);
  const double own_before = CpuSeconds(getpid());
  auto f = Drive(clients, seconds, call);
  const double per_call = 1e6 / static_cast<double>(std::max(1L, f.calls));
  const double cpu_us = (CpuSeconds(core_pid) - cpu_before) * per_call;
  const double own_us = (CpuSeconds(getpid()) - own_before) * per_call;
  std::printf("%-26s clients=%d calls=%ld errors=%ld seconds=%.2f throughput=%.1f/s p50=%.2fms p99=%.2fms", name,
              clients, f.calls, f.errors, f.seconds, static_cast<double>(f.calls - f.errors) / f.seconds,
              f.Percentile(0.50), f.Percentile(0.99));
  if (core_pid > 0) std::printf(" service_cpu_per_call=%.0fus", cpu_us);
  std::printf(" generator_cpu_per_call=%.0fus", own_us);
  std::printf("\n");
  std::fflush(stdout);
  return f;
}

}  // namespace

// Only the options' set-up runs outside the try below, and it throws only on a mistake in it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  // gRPC's mutexes: no deadlock-cycle bookkeeping on every lock in the load generator.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string address;
  std::string database_url;
  int clients = 16;
  double seconds = 10;
  std::string pairs_out;
  int core_pid = 0;
  bool list_only = false;
  int logins = 0;
  CLI::App cli{
      "core_bench: CreateAppointment, GetAppointments, GetAvailableSlots and GetBarberSchedule against a running core "
      "service"};
  cli.add_option("--core", address, "the core's gRPC address")->required();
  cli.add_option("--database-url", database_url, "the core's database, to create around-the-clock barbers")->required();
  cli.add_option("--clients", clients, "concurrent clients, each on its own channel")->capture_default_str();
  cli.add_option("--seconds", seconds, "length of each measured phase")->capture_default_str();
  cli.add_option("--pairs-out", pairs_out, "write each client's barber name and user id here (for pgbench)");
  std::string token_out;
  cli.add_option("--token-out", token_out, "write a listing client's token here (for h2load)");
  cli.add_option("--core-pid", core_pid, "the core's process id, to report its CPU time per call");
  cli.add_flag("--list-only", list_only, "measure GetAppointments only");
  cli.add_option("--logins", logins,
                 "then measure GetAppointments again while this many more clients log in over and over (0: skip)");
  std::string shop_timezone = "Europe/Chisinau";
  cli.add_option("--shop-timezone", shop_timezone, "the core's shop time zone")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  try {
    const auto barbers = NewBarbers(database_url, clients);
    std::vector<Client> bookers;
    for (int i = 0; i < clients; ++i) bookers.push_back(NewClient(address));
    if (!pairs_out.empty()) {
      std::string pairs;
      for (int i = 0; i < clients; ++i) pairs += barbers[i] + " " + bookers[i].id + "\n";
      WriteFile(pairs_out, pairs);
    }
    const auto shop = common::ShopTime::ForZone(shop_timezone).value();
    const auto base = std::chrono::floor<std::chrono::hours>(common::SystemClock().Now()) + std::chrono::hours(48);
    std::vector<long> next_slot(clients, 0);
    auto book = [&](int i, Slot& slot, grpc::CompletionQueue& queue) {
      slot.context->AddMetadata("authorization", "Bearer " + bookers[i].token);
      CreateAppointmentRequest request;
      request.set_barber_name(barbers[i]);
      request.set_date_time(shop.Format(base + std::chrono::minutes(30) * next_slot[i]++));
      Start<AppointmentResponse>(i, slot, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
        return bookers[i].stub->PrepareAsyncCreateAppointment(context, request, q);
      });
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
    if (!token_out.empty()) WriteFile(token_out, listers[0].token + "\n");
    SettleDatabase(database_url);
    const GetAppointmentsRequest own_list;  // the caller's own bookings
    auto list = [&](int i, Slot& slot, grpc::CompletionQueue& queue) {
      slot.context->AddMetadata("authorization", "Bearer " + listers[i].token);
      Start<AppointmentsResponse>(i, slot, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
        return listers[i].stub->PrepareAsyncGetAppointments(context, own_list, q);
      });
    };
    const auto listing = Measure("GetAppointments", clients, seconds, core_pid, list);

    // Reading a barber's days.  A barber's full week: Monday to Saturday 09:00 to 19:00,
    // every half hour booked (120 appointments), asked for a day's free slots by someone
    // not signed in, and for the week's schedule by the barber (with who booked) and by
    // someone not signed in (busy and free).  Then the same for a barber booked every
    // half hour around the clock (336 appointments), a heavier week than a shop's.
    // 1970-01-01 was a Thursday: three days on, the day count is a multiple of 7 on Mondays.
    const auto today = std::chrono::floor<std::chrono::days>(base);
    const auto since = today.time_since_epoch().count();
    const auto monday =
        std::chrono::time_point_cast<std::chrono::seconds>(today + std::chrono::days((7 - (since + 3) % 7) % 7 + 14));
    bool reads_ok = true;
    for (const bool shop_week : {true, false}) {
      const auto week_barber = NewBarbers(database_url, 1, shop_week).front();
      const auto week_client = NewClient(address);
      // The shop's calendar day `i` days after the week's Monday, as text in its zone.
      const auto day_of = [&](int i) { return shop.Format(monday + std::chrono::hours(12 + 24 * i)).substr(0, 10); };
      for (int day = 0; day < (shop_week ? 6 : 7); ++day) {
        for (int k = 0; k < (shop_week ? 20 : 48); ++k) {
          const int minute = (shop_week ? 9 * 60 : 0) + 30 * k;
          char at[8];
          std::snprintf(at, sizeof at, "T%02d:%02d", minute / 60, minute % 60);
          CreateAppointmentRequest request;
          request.set_barber_name(week_barber);
          request.set_date_time(day_of(day) + at);
          AppointmentResponse response;
          grpc::ClientContext context;
          context.AddMetadata("authorization", "Bearer " + week_client.token);
          const auto status = week_client.stub->CreateAppointment(&context, request, &response);
          if (!status.ok()) throw std::runtime_error("filling the week: " + status.error_message());
        }
      }
      const auto barber_session = LogIn(address, week_barber + "@bench.test", kBarberPassword);
      SettleDatabase(database_url);
      const std::string suffix = shop_week ? "" : " 24h";
      auto slots = [&](int i, Slot& slot, grpc::CompletionQueue& queue) {
        GetAvailableSlotsRequest request;
        request.set_barber_name(week_barber);
        request.set_date(day_of(i % 6));  // Monday to Saturday
        Start<GetAvailableSlotsResponse>(i, slot, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
          return listers[i].stub->PrepareAsyncGetAvailableSlots(context, request, q);
        });
      };
      // The barber's own (`token`), or anyone's when it is empty.
      auto schedule_of = [&](const std::string& token) {
        return [&, token](int i, Slot& slot, grpc::CompletionQueue& queue) {
          if (!token.empty()) slot.context->AddMetadata("authorization", "Bearer " + token);
          GetBarberScheduleRequest request;
          request.set_barber_name(week_barber);
          request.set_from(day_of(0));
          Start<BarberScheduleResponse>(i, slot, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
            return listers[i].stub->PrepareAsyncGetBarberSchedule(context, request, q);
          });
        };
      };
      // The barber's week as bytes: the same calls, the answers left undecoded.  One answer
      // is decoded first, to check that it holds the whole week.
      GetBarberScheduleRequest week_request;
      week_request.set_barber_name(week_barber);
      week_request.set_from(day_of(0));
      {
        BarberScheduleResponse week;
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + barber_session.token);
        const auto status = listers[0].stub->GetBarberSchedule(&context, week_request, &week);
        if (!status.ok() || week.appointments_size() != (shop_week ? 6 * 20 : 7 * 48)) {
          throw std::runtime_error("the barber's week is not whole: " + status.error_message());
        }
      }
      grpc::ByteBuffer week_bytes;
      bool own_buffer = false;
      if (!grpc::GenericSerialize<grpc::ProtoBufferWriter, GetBarberScheduleRequest>(week_request, &week_bytes,
                                                                                     &own_buffer)
               .ok()) {
        throw std::runtime_error("cannot serialise the schedule request");
      }
      std::vector<std::unique_ptr<grpc::GenericStub>> generic;
      for (int i = 0; i < clients; ++i) {
        grpc::ChannelArguments args;
        args.SetInt("grpc.use_local_subchannel_pool", 1);
        generic.push_back(std::make_unique<grpc::GenericStub>(
            grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
      }
      auto undecoded = [&](int i, Slot& slot, grpc::CompletionQueue& queue) {
        slot.context->AddMetadata("authorization", "Bearer " + barber_session.token);
        StartUndecoded(i, slot, queue, *generic[static_cast<std::size_t>(i)], "/UserService/GetBarberSchedule",
                       week_bytes);
      };

      auto slot_reads = Measure(("GetAvailableSlots" + suffix).c_str(), clients, seconds, core_pid, slots);
      auto own = Measure(("GetBarberSchedule" + suffix).c_str(), clients, seconds, core_pid, undecoded);
      Measure(("GetBarberSchedule decoded" + suffix).c_str(), clients, seconds, core_pid,
              schedule_of(barber_session.token));
      auto anyones =
          Measure(("GetBarberSchedule anyone" + suffix).c_str(), clients, seconds, core_pid, schedule_of(""));
      reads_ok = reads_ok && slot_reads.errors == 0 && own.errors == 0 && anyones.errors == 0;
      if (shop_week) {
        const std::pair<const char*, Figures*> targets[] = {
            {"GetAvailableSlots", &slot_reads}, {"GetBarberSchedule", &own}, {"GetBarberSchedule anyone", &anyones}};
        for (const auto& [name, read] : targets) {
          const double p99 = read->Percentile(0.99);
          std::printf("target: %s p99 <= 5 ms for a full shop week: %s (%.2f ms)\n", name,
                      p99 <= 5.0 ? "met" : "missed", p99);
        }
      }
    }
    if (logins == 0) return booking.errors == 0 && listing.errors == 0 && reads_ok ? 0 : 1;

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
    return booking.errors == 0 && listing.errors == 0 && reads_ok && beside_logins.errors == 0 && login_errors == 0 ? 0
                                                                                                                    : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "core_bench: %s\n", e.what());
    return 1;
  }
}
