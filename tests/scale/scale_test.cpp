// Many copies on one machine, as a shop's cluster runs them: the gateway in front of two
// core copies and three real-time copies on loopback.  A thousand barbers keep a socket
// open through the gateway while customers book at a steady 100 bookings a second for
// 30 s through the gateway's gRPC port.  Meanwhile one real-time copy (the one consuming
// the events) is killed with SIGKILL; the core copies are restarted one after the other
// (out of the gateway, SIGTERM, started again, back in), as a rolling update does; and
// then one core copy is killed with SIGKILL and started again.
//
// Afterwards:
// - every booking a customer was told of is in PostgreSQL, once;
// - every booking's appointment_created reached its barber's socket exactly once, counting
//   what a socket cut off with the killed copy got again by reconnecting through the
//   gateway with ?since=;
// - the customers saw no error but UNAVAILABLE, and a retry (same idempotency key)
//   completed every call that got one.
//
// The barbers and customers are made with SQL (a thousand sign-ups would measure Argon2id),
// and their tokens signed with the tests' key.  The real-time copies consume the shared
// events queue: CTest runs this test alone (RUN_SERIAL in CMakeLists.txt).
#include <grpc/support/time.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <pqxx/pqxx>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/testing/own_gateway.hpp"
#include "harness.hpp"
#include "user_service.grpc.pb.h"

namespace barbershop::realtime::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using ::barbershop::testing::OwnGateway;

constexpr int kBarbers = 1000;  // one socket each
constexpr int kCustomers = 300;
constexpr int kBookingsPerSecond = 100;
constexpr auto kRun = 30s;
constexpr int kBookingThreads = 24;
// The load books at least kRun's worth, and goes on at the same rate until every fault
// has struck and the copies are back: on a slow machine the faults come later than
// planned (a rolling update has taken two and a half minutes on a busy machine), and they
// must strike while customers are booking.  kMostBookings only bounds the load's memory:
// ten times kRun's worth, 30,000 bookings in 100 slots, four of the shop's days.
constexpr int kLeastBookings = kBookingsPerSecond * static_cast<int>(kRun.count());
constexpr int kMostBookings = 10 * kLeastBookings;
// Where the faults strike: the real-time copy consuming the events dies at this event (a
// third of the way into kRun), and a core copy started in the rolling update dies at its
// this-many-th booking, committed but not yet answered.
constexpr int kEventsBeforeDeath = kLeastBookings * 3 / 10;
constexpr int kBookingsBeforeCrash = 80;
// How long a fault may take to strike once the load is running.
constexpr auto kFaultWait = 120s;
// Slots of the shop's day the bookings take.  Booking k takes slot k / kCustomers: the
// kCustomers bookings of one slot have a customer each and as many barbers (kCustomers is
// less than kBarbers), so no two bookings overlap, for a barber or a customer.
constexpr int kSlotsPerDay = 28;  // 09:00 to 22:30, every 30 minutes
static_assert(kCustomers <= kBarbers);

/// A barber's socket through the gateway, reconnecting with ?since= after it is cut off,
/// and counting the appointment_created messages it receives.
class BarberSocket : public std::enable_shared_from_this<BarberSocket> {
 public:
  BarberSocket(asio::io_context& io, std::uint16_t port, std::string barber_id, std::string token,
               std::string forwarded_for)
      : io_(io),
        port_(port),
        barber_id_(std::move(barber_id)),
        token_(std::move(token)),
        forwarded_for_(std::move(forwarded_for)),
        timer_(io) {}

  void Open() {
    asio::post(io_, [self = shared_from_this()] { self->Connect(); });
  }
  void Stop() {
    asio::post(io_, [self = shared_from_this()] {
      self->stopping_ = true;
      self->timer_.cancel();
      // Closed outright, whatever it is doing: every pending operation ends with an error.
      if (self->ws_) beast::get_lowest_layer(*self->ws_).close();
    });
  }

  const std::string& barber_id() const { return barber_id_; }
  bool welcomed() const { return welcomed_.load(); }
  int reconnects() const { return reconnects_.load(); }
  int resyncs() const { return resyncs_.load(); }
  /// appointment id -> how often its appointment_created arrived.
  std::map<std::string, int> Created() const {
    std::lock_guard lock(mutex_);
    return created_;
  }

 private:
  void Connect() {
    if (stopping_) return;
    ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(io_);
    std::string target = "/websocket/barber/" + barber_id_ + "/appointments";
    if (!last_id_.empty()) target += "?since=" + last_id_;
    ws_->set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
      request.set(beast::http::field::authorization, "Bearer " + token_);
      request.set("X-Forwarded-For", forwarded_for_);
    }));
    ws_->read_message_max(1 << 20);
    // Handshake and close within 30 s; no idle timeout (the copies ping).
    ws_->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    beast::get_lowest_layer(*ws_).async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
                                                [self = shared_from_this(), target](beast::error_code ec) {
                                                  if (ec) return self->Retry();
                                                  self->ws_->async_handshake("127.0.0.1", target,
                                                                             [self](beast::error_code handshake) {
                                                                               if (handshake) return self->Retry();
                                                                               self->failures_ = 0;
                                                                               self->Read();
                                                                             });
                                                });
  }

  void Read() {
    ws_->async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Retry();
      self->Handle(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void Handle(const std::string& text) {
    const auto message = json::parse(text, nullptr, false);
    if (!message.is_object()) return;
    const auto type = message.value("type", "");
    if (message.contains("id") && message["id"].is_string()) last_id_ = message["id"].get<std::string>();
    if (type == "welcome") welcomed_ = true;
    if (type == "resync_required") ++resyncs_;
    if (type == "appointment_created" && message.value("barber_id", "") == barber_id_) {
      std::lock_guard lock(mutex_);
      ++created_[message.value("appointment_id", "")];
    }
  }

  /// Cut off, or refused (the gateway answers 502 while its copy is gone): again, after a
  /// pause that grows with each failure, resuming after the last message read.
  void Retry() {
    if (stopping_) return;
    if (welcomed_) ++reconnects_;
    welcomed_ = false;
    ++failures_;
    timer_.expires_after(std::chrono::milliseconds(std::min(50 << std::min(failures_, 5), 1000)));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Connect();
    });
  }

  asio::io_context& io_;
  std::uint16_t port_;
  std::string barber_id_;
  std::string token_;
  std::string forwarded_for_;
  asio::steady_timer timer_;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
  beast::flat_buffer buffer_;
  std::string last_id_;
  int failures_ = 0;
  bool stopping_ = false;
  std::atomic<bool> welcomed_{false};
  std::atomic<int> reconnects_{0};
  std::atomic<int> resyncs_{0};
  mutable std::mutex mutex_;
  std::map<std::string, int> created_;
};

/// The sockets and their I/O thread; on destruction the sockets close and the thread ends.
struct Fleet {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::vector<std::shared_ptr<BarberSocket>> sockets;
  std::thread thread{[this] { io.run(); }};

  // join() throws only when the thread cannot be joined, which ends the test anyway.
  ~Fleet() {  // NOLINT(bugprone-exception-escape)
    for (const auto& socket : sockets) socket->Stop();
    work.reset();
    thread.join();
  }
};

struct Party {
  std::string id;
  std::string name;
  std::string token;
};

/// A booking the load made: its customer, barber, key, and what the core answered.
struct Booking {
  int customer = 0;
  int barber = 0;
  std::string idempotency_key;
  std::string appointment_id;
  bool made = false;    ///< the load got to it
  int unavailable = 0;  ///< UNAVAILABLE answers before the call completed
  std::string error;    ///< any other failure
  double finished = 0;  ///< seconds from the start of the load
};

/// "YYYY-MM-DDTHH:MM" in the shop's zone: the `slot`-th slot, from two days after `today`.
std::string SlotTime(std::chrono::sys_days today, int slot) {
  using namespace std::chrono;
  const year_month_day date(today + days(2 + slot / kSlotsPerDay));
  const int minute = 9 * 60 + (slot % kSlotsPerDay) * 30;
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), minute / 60, minute % 60);
  return text;
}

/// Books `booking`, retrying a call answered UNAVAILABLE with the same idempotency key.
void Book(UserService::Stub& stub, const Party& customer, const Party& barber, const std::string& slot,
          Booking& booking) {
  CreateAppointmentRequest request;
  request.set_date_time(slot);
  request.set_barber_name(barber.name);
  auto pause = 50ms;
  const auto give_up = std::chrono::steady_clock::now() + 120s;
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    context.AddMetadata("authorization", "Bearer " + customer.token);
    context.AddMetadata("idempotency-key", booking.idempotency_key);
    AppointmentResponse response;
    const auto status = stub.CreateAppointment(&context, request, &response);
    if (status.ok()) {
      booking.appointment_id = response.appointment_id();
      return;
    }
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || std::chrono::steady_clock::now() > give_up) {
      booking.error = std::to_string(status.error_code()) + " " + status.error_message();
      return;
    }
    ++booking.unavailable;
    std::this_thread::sleep_for(pause);  // a client's backoff, not a wait for the test
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
}

class ScaleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!stack_.complete() || stack_.database_url.empty()) {
      GTEST_SKIP() << "needs the stack of scripts/test.sh (BARBERSHOP_TEST_* variables)";
    }
    tokens_.emplace(stack_.keys.Signer(clock_, std::chrono::hours(2)));
  }

  /// Adds `count` users of `role` (barbers with a chair open 08:00 to 23:00 every day)
  /// with SQL, each with a login session, and signs each a token.
  std::vector<Party> AddUsers(const std::string& role, int count) {
    const auto run = NewId().substr(0, 8);
    std::vector<Party> parties;
    pqxx::connection db(stack_.database_url);
    pqxx::work tx(db);
    for (int i = 0; i < count; ++i) {
      Party party{NewId(), "scale-" + run + "-" + role.substr(0, 1) + std::to_string(i), ""};
      tx.exec_params(
          "INSERT INTO users (id, username, email, password_hash, role) VALUES ($1, $2, $2 || '@scale.test', "
          "'!no-login', $3)",
          party.id, party.name, role);
      if (role == "barber") {
        tx.exec_params("INSERT INTO barbers (user_id, display_name) VALUES ($1, $2)", party.id, party.name);
        tx.exec_params(
            "INSERT INTO working_hours (barber_id, weekday, opens_minute, closes_minute) "
            "SELECT $1, d, 480, 1380 FROM generate_series(1, 7) d",
            party.id);
      }
      // Each party's login session, as a login starts it: the core checks it on every call.
      const auto session_id = NewId();
      tx.exec_params("INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, now())", session_id, party.id);
      party.token = *tokens_->Issue(party.id, role, session_id);
      parties.push_back(std::move(party));
    }
    tx.commit();
    return parties;
  }

  TestStack stack_ = TestStack::FromEnvironment();
  common::SystemClock clock_;
  std::optional<common::TokenSigner> tokens_;
};

/// The gateway's errors and warnings, and the calls it logged with a gRPC status other than OK.
std::string GatewayTrouble(const OwnGateway& gateway) {
  std::istringstream log(gateway.Log());
  std::string trouble;
  for (std::string line; std::getline(log, line);) {
    const bool failed_call =
        line.find("grpc_status=") != std::string::npos && line.find("grpc_status=0") == std::string::npos;
    const bool logged_error = line.find(" [error] ") != std::string::npos || line.find(" [warn] ") != std::string::npos;
    if (failed_call || logged_error) trouble += line + "\n";
  }
  return trouble;
}

std::string Address(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

TEST_F(ScaleTest, AThousandSocketsAndSteadyBookingsThroughTheGatewayWhileCopiesDieAndRestart) {
  const auto barbers = AddUsers("barber", kBarbers);
  const auto customers = AddUsers("customer", kCustomers);

  // Two core copies, three real-time copies that believe the gateway's X-Forwarded-For
  // (each barber's socket comes from an address of its own, as from a shop's phones).
  std::vector<std::unique_ptr<CoreProcess>> cores;
  for (int i = 0; i < 2; ++i) {
    cores.push_back(std::make_unique<CoreProcess>(stack_));
    ASSERT_TRUE(cores.back()->Start()) << "core copy " << i << " did not become ready";
  }
  std::vector<std::unique_ptr<RealtimeProcess>> realtimes;
  for (int i = 0; i < 3; ++i) {
    // The first copy started is the events queue's single active consumer: it dies
    // (SIGKILL) at its kEventsBeforeDeath-th event, after storing and fanning it out,
    // before acknowledging it, so that the broker delivers that event again to another.
    std::vector<std::string> args{"--trusted-proxies", "127.0.0.1"};
    if (i == 0) args.insert(args.end(), {"--failpoints", "events.before_ack=" + std::to_string(kEventsBeforeDeath)});
    realtimes.push_back(std::make_unique<RealtimeProcess>(stack_, args));
    ASSERT_TRUE(realtimes.back()->Start()) << "real-time copy " << i << " did not become ready";
  }
  const auto core_addresses = [&] {
    std::vector<std::string> addresses;
    for (const auto& core : cores) addresses.push_back(core->grpc_address());
    return addresses;
  };
  std::vector<std::string> realtime_addresses;
  std::vector<std::uint16_t> realtime_ports;
  for (const auto& copy : realtimes) {
    realtime_addresses.push_back(Address(copy->port()));
    realtime_ports.push_back(copy->port());
  }
  OwnGateway gateway;
  ASSERT_TRUE(gateway.Start(core_addresses(), realtime_addresses)) << gateway.Log();

  // The barbers' sockets, all on one I/O thread.
  Fleet fleet;
  for (int i = 0; i < kBarbers; ++i) {
    const auto forwarded_for = "198.18." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    fleet.sockets.push_back(
        std::make_shared<BarberSocket>(fleet.io, gateway.http_port(), barbers[i].id, barbers[i].token, forwarded_for));
    fleet.sockets.back()->Open();
  }
  const auto& sockets = fleet.sockets;
  const auto welcomed = [&] {
    return std::count_if(sockets.begin(), sockets.end(), [](const auto& s) { return s->welcomed(); });
  };
  ASSERT_TRUE(Eventually([&] { return welcomed() == kBarbers; }, 120s))
      << welcomed() << " of " << kBarbers << " sockets opened";
  std::vector<double> held;
  for (const auto port : realtime_ports) held.push_back(MetricValue({port}, "realtime_connections"));
  std::cout << "sockets per real-time copy: " << held[0] << ", " << held[1] << ", " << held[2] << "\n";

  // The load: booking k is due k / 100 s after the start, in slot k / kCustomers; a
  // customer books many barbers, a barber is booked by many customers.  It runs until the faults
  // are over (and for kRun at least).
  std::vector<Booking> bookings(kMostBookings);
  for (int k = 0; k < kMostBookings; ++k) {
    bookings[k].customer = k % kCustomers;
    bookings[k].barber = k % kBarbers;
    bookings[k].idempotency_key = NewId();
  }
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto stub = UserService::NewStub(grpc::CreateChannel(gateway.grpc_address(), grpc::InsecureChannelCredentials()));
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::atomic<bool> faults_over{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::jthread> load;
  for (int t = 0; t < kBookingThreads; ++t) {
    load.emplace_back([&] {
      for (int k = next++; k < kMostBookings && (k < kLeastBookings || !faults_over); k = next++) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(1000000LL * k / kBookingsPerSecond));
        bookings[k].made = true;
        Book(*stub, customers[bookings[k].customer], barbers[bookings[k].barber], SlotTime(today, k / kCustomers),
             bookings[k]);
        bookings[k].finished = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        ++done;
      }
    });
  }

  std::ostringstream timeline;  // what happened when, for a failure's message
  const auto mark = [&](const std::string& what) {
    timeline << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s " << what << " ("
             << done << " bookings done); ";
  };
  // A third of the way in, the copy that consumes the events dies; its sockets reconnect
  // through the gateway to the others, and another copy takes over the queue.
  EXPECT_EQ(realtimes[0]->Wait(kFaultWait), 128 + SIGKILL)
      << "the events' consumer did not die at its failpoint; " << done << " bookings done";
  mark("real-time copy 0 died");
  const int done_at_kill = done;

  // Then a rolling update of the core, as Kubernetes does it: each copy in turn leaves
  // the gateway (as a terminating pod leaves its Service's endpoints, which its preStop
  // pause waits for), stops on SIGTERM (finishing its calls), starts again, and the
  // gateway sends calls to it again.  The gateway must drop a copy before it stops: a gRPC
  // server that is shutting down cancels the calls that reach it meanwhile (CANCELLED,
  // which a client cannot tell from its own cancellation).  The second copy comes back
  // with a fault armed: it dies at a booking it has committed but not answered, as a
  // crash would, and a supervisor starts it again.  The gateway answers that call
  // UNAVAILABLE, and the customer's retry gets the booking made.
  const auto at = [&](double fraction) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<std::chrono::milliseconds>(kRun * fraction));
  };
  const auto others = [&](std::size_t leaving) {
    auto addresses = core_addresses();
    addresses.erase(addresses.begin() + static_cast<std::ptrdiff_t>(leaving));
    return addresses;
  };
  const auto start_again = [&](std::size_t i, std::vector<std::string> settings) {
    cores[i] = std::make_unique<CoreProcess>(stack_, std::move(settings));
    EXPECT_TRUE(cores[i]->Start()) << "core copy " << i << " did not start again";
    EXPECT_TRUE(gateway.Reload(core_addresses(), realtime_addresses)) << gateway.Log();
    mark("core copy " + std::to_string(i) + " started again, back in the gateway");
  };
  for (std::size_t i = 0; i < cores.size(); ++i) {
    at(0.4 + 0.15 * static_cast<double>(i));
    mark("core copy " + std::to_string(i) + " leaving the gateway");
    EXPECT_TRUE(gateway.Reload(others(i), realtime_addresses)) << gateway.Log();
    mark("core copy " + std::to_string(i) + " out of the gateway, stopping");
    cores[i]->Kill(SIGTERM);
    EXPECT_EQ(cores[i]->Wait(60s), 0) << "core copy " << i << " did not stop cleanly";
    const bool last = i + 1 == cores.size();
    start_again(i, last ? std::vector<std::string>{"BARBERSHOP_FAILPOINTS=booking.after_commit=" +
                                                   std::to_string(kBookingsBeforeCrash)}
                        : std::vector<std::string>{});
  }
  EXPECT_EQ(cores.back()->Wait(kFaultWait), 128 + SIGKILL)
      << "the last core copy did not die at its failpoint; while: " << timeline.str();
  mark("core copy " + std::to_string(cores.size() - 1) + " died");
  start_again(cores.size() - 1, {});
  faults_over = true;
  for (auto& thread : load) thread.join();
  const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto made = std::count_if(bookings.begin(), bookings.end(), [](const Booking& b) { return b.made; });
  mark("the load over");

  // The customers: nothing but UNAVAILABLE, and every call completed by a retry.
  int unavailable = 0;
  int calls_retried = 0;
  std::vector<std::string> errors;
  for (const auto& booking : bookings) {
    unavailable += booking.unavailable;
    calls_retried += booking.unavailable > 0 ? 1 : 0;
    if (!booking.error.empty()) errors.push_back(std::to_string(booking.finished) + " s: " + booking.error);
  }
  EXPECT_TRUE(errors.empty()) << errors.size() << " bookings failed: " << ::testing::PrintToString(errors)
                              << "\nwhile: " << timeline.str() << "\n"
                              << GatewayTrouble(gateway);

  // PostgreSQL: every booking the customers were told of, once, and no other.
  std::set<std::string> barber_ids;
  for (const auto& barber : barbers) barber_ids.insert(barber.id);
  std::map<std::string, int> stored;
  {
    pqxx::connection db(stack_.database_url);
    pqxx::nontransaction tx(db);
    std::string list;
    for (const auto& id : barber_ids) list += (list.empty() ? "{" : ",") + id;
    for (const auto& row :
         tx.exec_params("SELECT id FROM appointments WHERE barber_id = ANY($1::uuid[])", list + "}")) {
      ++stored[row[0].as<std::string>()];
    }
  }
  int booked = 0;
  int not_stored = 0;
  for (const auto& booking : bookings) {
    if (booking.appointment_id.empty()) continue;
    ++booked;
    if (stored.count(booking.appointment_id) == 0) ++not_stored;
  }
  EXPECT_EQ(not_stored, 0) << "bookings the customers were told of are not in PostgreSQL";
  EXPECT_EQ(static_cast<int>(stored.size()), booked) << "PostgreSQL holds bookings no customer was told of";

  // The sockets: each booking's appointment_created on its barber's socket exactly once.
  std::map<std::string, std::string> barber_of;  // appointment id -> barber id
  for (const auto& booking : bookings) {
    if (!booking.appointment_id.empty()) barber_of[booking.appointment_id] = barbers[booking.barber].id;
  }
  int missing = 0;
  int twice = 0;
  const auto tally = [&] {
    std::map<std::string, std::map<std::string, int>> created;  // barber id -> what its socket got
    for (const auto& socket : sockets) created[socket->barber_id()] = socket->Created();
    missing = twice = 0;
    for (const auto& [appointment, barber] : barber_of) {
      const auto count = created[barber].count(appointment) ? created[barber][appointment] : 0;
      missing += count == 0 ? 1 : 0;
      twice += count > 1 ? 1 : 0;
    }
    return missing == 0;
  };
  EXPECT_TRUE(Eventually(tally, 120s)) << missing << " bookings' events reached no socket";
  // A duplicate would come from an event redelivered when the killed copy's connection
  // to the broker closed, long before the last booking: the tally taken once every event
  // has arrived holds it.
  EXPECT_EQ(missing, 0) << "events that reached no socket";
  EXPECT_EQ(twice, 0) << "events a socket showed more than once";
  std::vector<std::uint16_t> live_ports(realtime_ports.begin() + 1, realtime_ports.end());
  const std::string duplicates = "realtime_events_total{result=\"duplicate\"}";
  int reconnects = 0;
  int resyncs = 0;
  for (const auto& socket : sockets) {
    reconnects += socket->reconnects();
    resyncs += socket->resyncs();
  }
  EXPECT_EQ(resyncs, 0) << "a socket was told to resync: its replay was lost";
  // The faults struck where they were aimed.
  EXPECT_GE(calls_retried, 1) << "no call was answered UNAVAILABLE: the core copy's crash after a commit went unseen; "
                              << "while: " << timeline.str();
  EXPECT_GE(MetricValue(live_ports, duplicates), 1) << "the killed copy's unacknowledged event was not delivered again";
  EXPECT_GT(reconnects, 0) << "no socket was on the killed copy";

  std::cout << "scale: " << kBarbers << " sockets (" << held[0] << ", " << held[1] << ", " << held[2]
            << " per real-time copy), " << booked << " of " << made << " bookings in " << took << " s; " << done_at_kill
            << " done when the events' consumer was killed; " << calls_retried << " calls retried after " << unavailable
            << " UNAVAILABLE; " << errors.size() << " other errors; " << stored.size() << " rows in PostgreSQL; "
            << reconnects << " sockets reconnected with ?since=; " << MetricValue(live_ports, duplicates)
            << " redelivered events recognised; " << missing << " events missing, " << twice << " shown twice\n"
            << "timeline: " << timeline.str() << "\n";
}

}  // namespace
}  // namespace barbershop::realtime::testing
