// PostgreSQL stopped and started again under a stream of bookings and lists: while it is
// down calls fail with UNAVAILABLE and the service says it is not ready; once it is back
// no call fails, the background loops are connected again, and every booking answered OK
// is in the database exactly once.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <pqxx/pqxx>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "barbershop/common/shop_time.hpp"
#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kClients = 8;
constexpr int kRounds = 2;
constexpr const char* kPostgresBin = "/usr/lib/postgresql/15/bin";

/// A PostgreSQL of the test's own, which it may stop and start: its data and its Unix
/// socket in a fresh folder, and no TCP port, so that nothing else can take its address.
class PrivatePostgres {
 public:
  PrivatePostgres() {
    char folder[] = "/tmp/barbershop-pg-XXXXXX";
    if (mkdtemp(folder) == nullptr) return;
    dir_ = folder;
    // PostgreSQL refuses to run as root: its folder belongs to the postgres user then.
    created_ = RunStackCommand("{ [ \"$(id -u)\" -ne 0 ] || chown postgres:postgres " + dir_ + "; } && as_postgres " +
                               kPostgresBin + "/initdb -D " + dir_ + "/data -U postgres -A trust -E UTF8 --no-sync >" +
                               dir_ + "/initdb.log 2>&1") &&
               Start();
    if (!created_) return;
    pqxx::connection admin(Url("postgres"));
    pqxx::nontransaction(admin).exec("CREATE DATABASE barbershop");
  }
  ~PrivatePostgres() {
    if (dir_.empty()) return;
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  bool created() const { return created_; }
  /// Returns once it accepts connections.
  bool Start() {
    return RunStackCommand(std::string("as_postgres ") + kPostgresBin + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                           "/postgres.log -w -t 60 -o \"-c listen_addresses= -k " + dir_ +
                           " -p 5432 -c fsync=off\" start >/dev/null");
  }
  /// A fast shutdown, as an operator's: open sessions are ended, in-flight transactions
  /// rolled back.  Returns once it is down.
  bool Stop() {
    return RunStackCommand(std::string("as_postgres ") + kPostgresBin + "/pg_ctl -D " + dir_ +
                           "/data -m fast -w stop >/dev/null");
  }
  std::string Url(const std::string& database = "barbershop") const {
    return "postgresql://postgres@/" + database + "?host=" + dir_ + "&port=5432";
  }
  std::string Log() const {
    std::ifstream in(dir_ + "/postgres.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string dir_;
  bool created_ = false;
};

/// Where clients wait after a failed call until the test says PostgreSQL is back, as a
/// client backing off would: while it is down, the service sees one call per client, and
/// most of its pool's connections sit idle through the restart, as in a quiet hour.
class Gate {
 public:
  void Close() {
    const std::lock_guard lock(mutex_);
    open_ = false;
  }
  void Open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  /// Returns once open, or once `abandoned`.
  void Pass(const std::atomic<bool>& abandoned) {
    std::unique_lock lock(mutex_);
    while (!open_ && !abandoned) opened_.wait_for(lock, std::chrono::milliseconds(20));
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = true;
};

/// One call a client made: when it started and ended, and how.
struct CallRecord {
  SteadyClock::time_point started;
  SteadyClock::time_point finished;
  const char* method;
  grpc::StatusCode code;
  std::string message;
};

/// A customer booking one barber's successive half hours, each under its own idempotency
/// key, and listing their appointments after each booking.  A booking that fails is
/// asked again under the same key until it is answered OK, as a client should; after a
/// failed call the client waits at `resume`.
class Client {
 public:
  Client(TestUser customer, TestUser barber, int grpc_port, Gate& resume)
      : customer_(std::move(customer)), barber_(std::move(barber)), resume_(resume) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
    stub_ = UserService::NewStub(
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(grpc_port), grpc::InsecureChannelCredentials(), args));
  }

  void Start(common::TimePoint first_slot) {
    thread_ = std::thread([this, first_slot] { Run(first_slot); });
  }
  ~Client() {
    abandoned_ = true;
    Stop();
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Stops after the booking in hand was answered OK.
  void Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

  const TestUser& customer() const { return customer_; }
  int booked() const { return booked_count_; }
  /// Whether a call of the client's is waiting for its answer.
  bool waiting() const { return waiting_; }
  /// The appointment ids answered OK, one per booking.
  const std::vector<std::string>& booked_ids() const { return booked_ids_; }
  std::vector<CallRecord> calls() const {
    const std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  void Run(common::TimePoint first_slot) {
    const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
    const auto deadline = SteadyClock::now() + std::chrono::minutes(2);
    bool in_hand = false;  // a booking not yet answered OK
    while ((in_hand || !stopping_) && !abandoned_ && SteadyClock::now() < deadline) {
      const int slot = static_cast<int>(booked_ids_.size());
      CreateAppointmentRequest book;
      book.set_barber_name(barber_.username);
      book.set_date_time(shop.Format(first_slot + std::chrono::minutes(30) * slot));
      auto context = Authed(customer_.token);
      context->AddMetadata("idempotency-key", "restart-" + std::to_string(slot));
      AppointmentResponse booked;
      auto started = SteadyClock::now();
      waiting_ = true;
      auto status = stub_->CreateAppointment(context.get(), book, &booked);
      waiting_ = false;
      Record(started, "CreateAppointment", status);
      in_hand = !status.ok();
      if (in_hand) {
        resume_.Pass(abandoned_);
        continue;
      }
      booked_ids_.push_back(booked.appointment_id());
      ++booked_count_;

      AppointmentsResponse list;
      started = SteadyClock::now();
      waiting_ = true;
      status = stub_->GetAppointments(Authed(customer_.token).get(), {}, &list);
      waiting_ = false;
      Record(started, "GetAppointments", status);
      if (!status.ok()) resume_.Pass(abandoned_);
    }
  }

  void Record(SteadyClock::time_point started, const char* method, const grpc::Status& status) {
    const std::lock_guard lock(mutex_);
    calls_.push_back({started, SteadyClock::now(), method, status.error_code(), status.error_message()});
  }

  TestUser customer_;
  TestUser barber_;
  Gate& resume_;
  std::unique_ptr<UserService::Stub> stub_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abandoned_{false};  ///< the test ended early: stop at once
  std::atomic<int> booked_count_{0};
  std::atomic<bool> waiting_{false};
  std::vector<std::string> booked_ids_;  ///< written by the thread, read after Stop
  mutable std::mutex mutex_;
  std::vector<CallRecord> calls_;
};

TEST(PostgresRestartTest, NoCallFailsOnceTheDatabaseIsBack) {
  PrivatePostgres postgres;
  ASSERT_TRUE(postgres.created()) << postgres.Log();

  auto config = TestConfig(postgres.Url());
  config.db_pool_size = 16;  // as many connections as `make up` has, each to be found dead
  config.reminder_interval_ms = 200;
  common::SystemClock clock;
  app::CoreApp core(config, clock);
  const auto started = core.Start();
  ASSERT_TRUE(started) << started.error().message;
  const int http_port = core.http_port();
  const auto ready = [http_port] { return HttpGet(http_port, "/readyz").first == 200; };
  const auto metric = [http_port](const std::string& series) {
    return MetricValue(HttpGet(http_port, "/metrics").second, series);
  };

  auto stub = UserService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(core.grpc_port()), grpc::InsecureChannelCredentials()));
  Gate resume;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kClients; ++i) {
    auto barber = NewBarber(*stub, /*auto_confirm=*/true, /*around_the_clock=*/true, postgres.Url());
    clients.push_back(std::make_unique<Client>(NewCustomer(*stub), std::move(barber), core.grpc_port(), resume));
  }
  ASSERT_FALSE(HasFailure());
  // Whole hours two days ahead: every half hour from there is bookable.
  const common::TimePoint first_slot = std::chrono::ceil<std::chrono::hours>(clock.Now() + std::chrono::hours(48));
  for (auto& client : clients) client->Start(first_slot);

  const auto booked = [&clients] {
    int total = 0;
    for (const auto& client : clients) total += client->booked();
    return total;
  };
  const auto calls_since = [&clients](SteadyClock::time_point from, bool failed_only) {
    int count = 0;
    for (const auto& client : clients) {
      for (const auto& call : client->calls()) {
        if (call.finished >= from && (!failed_only || call.code != grpc::StatusCode::OK)) ++count;
      }
    }
    return count;
  };

  // What the clients' calls since `from` came to: how many ended with each status, the
  // last failures' messages, and the calls still waiting for their answer.
  const auto outcomes_since = [&clients](SteadyClock::time_point from) {
    std::map<int, int> by_code;
    std::vector<std::string> failures;
    int waiting = 0;
    for (const auto& client : clients) {
      for (const auto& call : client->calls()) {
        if (call.finished < from) continue;
        ++by_code[static_cast<int>(call.code)];
        if (call.code != grpc::StatusCode::OK) failures.push_back(std::string(call.method) + ": " + call.message);
      }
      waiting += client->waiting() ? 1 : 0;
    }
    std::ostringstream text;
    text << "calls by status code:";
    for (const auto& [code, count] : by_code) text << " " << code << "=" << count;
    text << "; " << waiting << " of " << clients.size() << " clients waiting for an answer";
    const std::size_t shown = std::min<std::size_t>(failures.size(), 5);
    for (std::size_t i = failures.size() - shown; i < failures.size(); ++i) text << "\n  " << failures[i];
    return text.str();
  };

  // Calls made while PostgreSQL was up, from its start to its next stop, must all succeed.
  std::vector<std::pair<SteadyClock::time_point, SteadyClock::time_point>> healthy;
  for (int round = 1; round <= kRounds; ++round) {
    const int before = booked();
    ASSERT_TRUE(Eventually([&] { return booked() >= before + 3 * kClients; }, std::chrono::seconds(30)))
        << "round " << round << ": bookings do not go through";
    const auto down = SteadyClock::now();
    if (!healthy.empty()) healthy.back().second = down;
    resume.Close();
    ASSERT_TRUE(postgres.Stop()) << postgres.Log();
    EXPECT_TRUE(Eventually([&] { return !ready(); }, std::chrono::seconds(60)))
        << "round " << round << ": ready while PostgreSQL is down";
    EXPECT_TRUE(Eventually([&] { return calls_since(down, true) >= kClients; }, std::chrono::seconds(60)))
        << "round " << round << ": the clients did not notice PostgreSQL was down; " << outcomes_since(down);
    EXPECT_FALSE(ready()) << "round " << round << ": ready while PostgreSQL is down";
    // The JSON API answers the same calls with 503 and the gRPC code's name.
    const auto json = ::barbershop::testing::HttpCall(
        static_cast<std::uint16_t>(http_port), "POST", "/v1/sessions", {{"content-type", "application/json"}},
        R"({"email": "nobody@example.com", "password": "a-good-password"})");
    EXPECT_EQ(json.status, 503u) << "round " << round << ": " << json.body;
    EXPECT_NE(json.body.find(R"("code":"UNAVAILABLE")"), std::string::npos) << json.body;

    ASSERT_TRUE(postgres.Start()) << postgres.Log();
    const auto back = SteadyClock::now();
    resume.Open();
    EXPECT_TRUE(Eventually(ready, std::chrono::seconds(60))) << "round " << round << ": not ready once back";
    const auto ready_after = SteadyClock::now() - back;
    std::printf("round %d: ready %lld ms after PostgreSQL was back\n", round,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(ready_after).count()));
    // Enough calls after the restart to have used every connection of the pool.
    EXPECT_TRUE(Eventually([&] { return calls_since(back, false) >= 40 * kClients; }, std::chrono::seconds(30)))
        << "round " << round << ": the clients made too few calls after the restart; " << outcomes_since(back);
    healthy.emplace_back(back, SteadyClock::time_point::max());
  }
  for (auto& client : clients) client->Stop();

  int after_restart = 0;
  int failed_after_restart = 0;
  for (const auto& client : clients) {
    for (const auto& call : client->calls()) {
      for (const auto& [from, to] : healthy) {
        if (call.started < from || call.finished >= to) continue;
        ++after_restart;
        if (call.code == grpc::StatusCode::OK) continue;
        if (++failed_after_restart <= 5) {
          ADD_FAILURE() << call.method << " failed after PostgreSQL was back: " << call.code << " " << call.message;
        }
      }
    }
  }
  std::printf("%d calls after the restarts, %d failed\n", after_restart, failed_after_restart);
  EXPECT_EQ(failed_after_restart, 0);

  // Every booking answered OK is there, once; there is no other.
  pqxx::connection db(postgres.Url());
  for (const auto& client : clients) {
    std::multiset<std::string> stored;
    pqxx::nontransaction tx(db);
    for (const auto& row :
         tx.exec_params("SELECT id::text FROM appointments WHERE client_id = $1", client->customer().id)) {
      stored.insert(row[0].as<std::string>());
    }
    const std::multiset<std::string> answered(client->booked_ids().begin(), client->booked_ids().end());
    EXPECT_EQ(stored, answered) << "client " << client->customer().username;
    EXPECT_EQ(std::set<std::string>(answered.begin(), answered.end()).size(), answered.size())
        << "one appointment answered for two bookings";
  }

  // The loops with connections of their own came back by themselves, once per restart.
  for (const char* loop : {"relay", "reminders", "list_cache"}) {
    const std::string series = std::string("barbershop_db_reconnects_total{connection=\"") + loop + "\"}";
    EXPECT_TRUE(Eventually([&] { return metric(series) >= kRounds; }, std::chrono::seconds(60))) << series;
  }
  EXPECT_GE(metric("barbershop_db_reconnects_total{connection=\"pool\"}"), 1);
  EXPECT_TRUE(Eventually([&] { return metric("barbershop_list_cache_online") == 1; }, std::chrono::seconds(60)));
  // The relay publishes again: the events of every booking leave the outbox.
  if (std::getenv("BARBERSHOP_TEST_AMQP_URL") != nullptr) {
    const auto unsent = [&db] {
      return pqxx::nontransaction(db).exec("SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0].as<int>();
    };
    EXPECT_TRUE(Eventually([&] { return unsent() == 0; }, std::chrono::seconds(30))) << unsent() << " events unsent";
  }
}

}  // namespace
}  // namespace barbershop::core::testing
