#include "test_server.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <unistd.h>

#include <cstdlib>
#include <set>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "domain/accounts.hpp"
#include "storage/pg_accounts.hpp"
#include "storage/pg_barbers.hpp"

namespace barbershop::core::testing {

TestCore* TestCore::instance_ = nullptr;

TestCore& TestCore::Get() {
  if (instance_ == nullptr) instance_ = new TestCore();
  return *instance_;
}

void TestCore::StopIfStarted() {
  if (instance_ != nullptr) instance_->app_->Shutdown();
}

namespace {
// The relay and reminder threads must stop before static destructors run.
class StopCoreAtExit final : public ::testing::Environment {
 public:
  void TearDown() override { TestCore::StopIfStarted(); }
};
[[maybe_unused]] const auto* const kStopCoreAtExit = ::testing::AddGlobalTestEnvironment(new StopCoreAtExit);
}  // namespace

const ::barbershop::testing::TokenKeys& TestKeys() {
  static const auto keys = ::barbershop::testing::TokenKeys::FromEnvironment();
  if (!keys.complete()) {
    std::fprintf(stderr, "BARBERSHOP_TEST_TOKEN_* (the token keys) are not set: run the tests with `make test`\n");
    std::abort();
  }
  return keys;
}

void UseTestKeys(app::CoreConfig& config) {
  config.token_signing_key = TestKeys().signing_key_file;
  config.token_signing_key_id = TestKeys().key_id;
  config.token_public_keys = TestKeys().public_keys_dir;
}

void WithoutAddressLimits(app::CoreConfig& config) {
  config.signups_per_address = 0;
  config.login_failures_per_address = 0;
  config.max_live_bookings = 0;
  config.waitlist_max_entries = 100;
}

TestCore::TestCore() {
  const char* url = std::getenv("BARBERSHOP_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "BARBERSHOP_TEST_DATABASE_URL is not set: run the tests with `make test`\n");
    std::abort();
  }
  database_url_ = url;
  app::CoreConfig config;
  config.database_url = database_url_;
  config.grpc_address = "127.0.0.1:0";
  config.http_address = "127.0.0.1:0";
  UseTestKeys(config);
  config.shop_timezone = "Europe/Chisinau";
  config.db_pool_size = 8;
  config.amqp_url = TestAmqpUrl();
  WithoutAddressLimits(config);
  app_ = std::make_unique<app::CoreApp>(config, clock_);
  if (auto ok = app_->Start(); !ok) {
    std::fprintf(stderr, "test core service did not start: %s\n", ok.error().message.c_str());
    std::abort();
  }
}

std::unique_ptr<UserService::Stub> TestCore::NewStub() const {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
  return UserService::NewStub(
      grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(grpc_port()), grpc::InsecureChannelCredentials(), args));
}

std::string Unique() { return common::NewUuid().substr(0, 8); }

bool SpawnCore(ChildProcess& child, const std::vector<std::string>& settings) {
  auto env = ::barbershop::testing::TestCoreSettings(TestKeys());
  env.insert(env.end(), settings.begin(), settings.end());
  return child.Spawn({BARBERSHOP_CORE_BINARY}, env, "http", "barbershop-core-test");
}

std::string TestAmqpUrl() {
  const char* url = std::getenv("BARBERSHOP_TEST_AMQP_URL");
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "BARBERSHOP_TEST_AMQP_URL is not set: run the tests with `make test`\n");
    std::abort();
  }
  return url;
}

namespace {
void AdminSql(const std::string& sql) {
  pqxx::connection connection(TestCore::Get().database_url());
  pqxx::nontransaction tx(connection);
  tx.exec(sql);
}
}  // namespace

app::CoreConfig TestConfig(const std::string& database_url) {
  app::CoreConfig config;
  config.database_url = database_url;
  config.grpc_address = "127.0.0.1:0";
  config.http_address = "127.0.0.1:0";
  UseTestKeys(config);
  config.db_pool_size = 4;
  config.amqp_url = TestAmqpUrl();
  config.outbox_sweep_ms = 200;
  WithoutAddressLimits(config);
  return config;
}

app::CoreConfig ScratchCore::Config() const { return TestConfig(database_url_); }

ScratchCore::ScratchCore(const std::function<void(app::CoreConfig&)>& tweak) : name_("scratch_" + Unique()) {
  AdminSql("CREATE DATABASE " + name_);
  const auto& base = TestCore::Get().database_url();
  database_url_ = base.substr(0, base.rfind('/') + 1) + name_;
  auto config = Config();
  if (tweak) tweak(config);
  app_ = std::make_unique<app::CoreApp>(config, clock_);
  if (auto ok = app_->Start(); !ok) throw std::runtime_error("scratch core did not start: " + ok.error().message);
}

ScratchCore::~ScratchCore() {
  app_.reset();
  AdminSql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

std::unique_ptr<UserService::Stub> ScratchCore::NewStub() const {
  return UserService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(app_->grpc_port()), grpc::InsecureChannelCredentials()));
}

std::unique_ptr<app::CoreApp> ScratchCore::StartReplica(const std::function<void(app::CoreConfig&)>& tweak) const {
  auto config = Config();
  if (tweak) tweak(config);
  auto replica = std::make_unique<app::CoreApp>(config, clock_);
  if (auto ok = replica->Start(); !ok) throw std::runtime_error("replica did not start: " + ok.error().message);
  return replica;
}

std::string Login(UserService::Stub& stub, const std::string& email, const std::string& password, std::string* id) {
  LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  LoginResponse response;
  grpc::ClientContext context;
  const auto status = stub.Login(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  if (id != nullptr) *id = response.user_id();
  return response.token();
}

grpc::Status SignUp(UserService::Stub& stub, const TestUser& user, SignUpResponse* response) {
  SignUpRequest request;
  request.set_username(user.username);
  request.set_email(user.email);
  request.set_password(user.password);
  grpc::ClientContext context;
  return stub.SignUp(&context, request, response);
}

TestUser NewCustomer(UserService::Stub& stub) {
  TestUser user;
  user.username = "client_" + Unique();
  user.email = user.username + "@example.com";
  user.password = "a-good-password";
  SignUpResponse response;
  const auto status = SignUp(stub, user, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  user.token = Login(stub, user.email, user.password, &user.id);
  EXPECT_EQ(user.id, response.user_id());
  return user;
}

TestUser NewBarber(UserService::Stub& stub, bool auto_confirm, bool around_the_clock, const std::string& database_url) {
  storage::Database db(database_url.empty() ? TestCore::Get().database_url() : database_url);
  storage::PgAccountRepository accounts(db);
  storage::PgBarberRepository barbers(db);
  common::PasswordHasher hasher;
  domain::AccountService service(accounts, barbers, hasher);
  std::vector<domain::WorkingHours> week;
  for (unsigned day = 1; day <= (around_the_clock ? 7u : 6u); ++day) {
    week.push_back(around_the_clock ? domain::WorkingHours{day, 0, 24 * 60}
                                    : domain::WorkingHours{day, 9 * 60, 18 * 60});
  }
  TestUser barber;
  barber.username = "barber_" + Unique();
  barber.email = barber.username + "@example.com";
  barber.password = "a-good-password";
  const auto saved =
      service.SaveBarber(barber.username, barber.email, barber.password, barber.username, week, auto_confirm);
  EXPECT_TRUE(saved) << (saved ? "" : saved.error().message);
  barber.token = Login(stub, barber.email, barber.password, &barber.id);
  return barber;
}

TestUser NewAdmin(UserService::Stub& stub, const std::string& database_url) {
  storage::Database db(database_url.empty() ? TestCore::Get().database_url() : database_url);
  storage::PgAccountRepository accounts(db);
  common::PasswordHasher hasher;
  TestUser admin;
  admin.username = "admin_" + Unique();
  admin.email = admin.username + "@example.com";
  admin.password = "a-good-password";
  const auto created =
      accounts.CreateUser(admin.username, admin.email, hasher.Hash(admin.password).value(), domain::Role::kAdmin);
  EXPECT_TRUE(created);
  admin.token = Login(stub, admin.email, admin.password, &admin.id);
  return admin;
}

std::string Slot(unsigned iso_weekday, int hour, int minute, int weeks_ahead) {
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  common::SystemClock clock;
  auto day = shop.ToLocal(clock.Now() + std::chrono::hours(36));
  // Walk forward to the wanted weekday, then whole weeks.
  auto instant = shop.AtLocalMinute(day, 12 * 60);
  while (shop.ToLocal(instant).iso_weekday != iso_weekday) instant += std::chrono::hours(24);
  instant += std::chrono::hours(24 * 7 * (weeks_ahead - 1));
  const auto local = shop.ToLocal(instant);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", local.year, local.month, local.day, hour, minute);
  return buf;
}

AppointmentResponse BookAs(UserService::Stub& stub, const TestUser& client, const TestUser& barber,
                           const std::string& at) {
  CreateAppointmentRequest request;
  request.set_barber_name(barber.username);
  request.set_date_time(at);
  AppointmentResponse response;
  const auto status = stub.CreateAppointment(Authed(client.token).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

std::unique_ptr<grpc::ClientContext> Authed(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

double MetricValue(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::strtod(text.c_str() + at + series.size() + 2, nullptr);
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  auto [status, body] = ::barbershop::testing::HttpGet(static_cast<std::uint16_t>(port), path);
  return {static_cast<int>(status), std::move(body)};
}

std::string QueryScalar(const std::string& sql, const std::string& database_url) {
  pqxx::connection connection(database_url.empty() ? TestCore::Get().database_url() : database_url);
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) return {};
  return rows[0][0].as<std::string>();
}

std::vector<nlohmann::json> ScheduleChanges(const TestUser& barber) {
  pqxx::connection connection(TestCore::Get().database_url());
  pqxx::nontransaction tx(connection);
  std::vector<nlohmann::json> payloads;
  for (const auto& row : tx.exec_params(
           "SELECT event_id::text, routing_key, payload::text FROM outbox WHERE aggregate_id = $1 ORDER BY id",
           barber.id)) {
    payloads.push_back(nlohmann::json::parse(row[2].as<std::string>()));
    EXPECT_EQ(row[1].as<std::string>(), "barber.schedule_changed");
    EXPECT_EQ(payloads.back().value("event_id", ""), row[0].as<std::string>());
  }
  return payloads;
}

::testing::AssertionResult IsScheduleChange(const nlohmann::json& event, const TestUser& barber,
                                            const std::string& barber_name, const std::string& change) {
  const bool time_off = change == "time_off_added" || change == "time_off_removed";
  std::set<std::string> fields{"event_id", "type", "occurred_at", "barber", "change"};
  if (time_off) fields.insert({"from", "to"});
  std::set<std::string> given;
  for (const auto& [key, value] : event.items()) given.insert(key);
  // Shop time with its offset, as the core writes it: "2026-12-07T10:30:00+02:00".
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto is_instant = [&](const char* key) {
    if (!event.contains(key) || !event[key].is_string()) return false;
    const auto text = event[key].get<std::string>();
    return text.size() == 25 && (text[19] == '+' || text[19] == '-') && static_cast<bool>(shop.Parse(text));
  };
  const nlohmann::json about = {{"id", barber.id}, {"name", barber_name}};
  if (given != fields || event["type"] != "barber.schedule_changed" || event["change"] != change ||
      event["barber"] != about || !is_instant("occurred_at") ||
      (time_off && !(is_instant("from") && is_instant("to"))) || !event["event_id"].is_string() ||
      event["event_id"].get<std::string>().size() != 36) {
    return ::testing::AssertionFailure() << "not a " << change << " of " << about.dump() << ": " << event.dump();
  }
  return ::testing::AssertionSuccess();
}

std::string StartedAppointment(const TestUser& barber, const TestUser& client, const std::string& status,
                               const std::string& ago) {
  return QueryScalar(
      "INSERT INTO appointments (id, barber_id, client_id, starts_at, ends_at, status, barber_name, client_name) "
      "VALUES (gen_random_uuid(), '" +
      barber.id + "', '" + client.id + "', date_trunc('minute', now()) - interval '" + ago +
      "', date_trunc('minute', now()) - interval '" + ago + "' + interval '30 minutes', '" + status + "', '" +
      barber.username + "', '" + client.username + "') RETURNING id");
}

}  // namespace barbershop::core::testing
