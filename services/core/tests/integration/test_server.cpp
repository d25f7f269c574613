#include "test_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>

#include "barbershop/common/ids.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "domain/accounts.hpp"
#include "storage/pg_repositories.hpp"

namespace barbershop::core::testing {

TestCore& TestCore::Get() {
  static TestCore* core = new TestCore();  // lives until exit: gRPC threads may outlast statics
  return *core;
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
  config.jwt_secret = kTestJwtSecret;
  config.shop_timezone = "Europe/Chisinau";
  config.db_pool_size = 8;
  app_ = std::make_unique<app::CoreApp>(config, clock_);
  if (auto ok = app_->Start(); !ok) {
    std::fprintf(stderr, "test core service did not start: %s\n", ok.error().message.c_str());
    std::abort();
  }
}

std::unique_ptr<UserService::Stub> TestCore::NewStub() const {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // a connection of its own
  return UserService::NewStub(grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(grpc_port()),
                                                        grpc::InsecureChannelCredentials(), args));
}

std::string Unique() { return common::NewUuid().substr(0, 8); }

namespace {

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

}  // namespace

TestUser NewCustomer(UserService::Stub& stub) {
  TestUser user;
  user.username = "client_" + Unique();
  user.email = user.username + "@example.com";
  user.password = "a-good-password";
  SignUpRequest request;
  request.set_username(user.username);
  request.set_email(user.email);
  request.set_password(user.password);
  SignUpResponse response;
  grpc::ClientContext context;
  const auto status = stub.SignUp(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  user.token = Login(stub, user.email, user.password, &user.id);
  EXPECT_EQ(user.id, response.user_id());
  return user;
}

TestUser NewBarber(UserService::Stub& stub, bool auto_confirm) {
  storage::Database db(TestCore::Get().database_url());
  storage::PgAccountRepository accounts(db);
  common::PasswordHasher hasher;
  common::SystemClock clock;
  const auto tokens = common::TokenService::Create(kTestJwtSecret, std::chrono::hours(1), clock).value();
  domain::AccountService service(accounts, hasher, tokens);
  std::vector<domain::WorkingHours> week;
  for (unsigned day = 1; day <= 6; ++day) week.push_back({day, 9 * 60, 18 * 60});
  TestUser barber;
  barber.username = "barber_" + Unique();
  barber.email = barber.username + "@example.com";
  barber.password = "a-good-password";
  const auto saved = service.SaveBarber(barber.username, barber.email, barber.password, barber.username, week,
                                        auto_confirm);
  EXPECT_TRUE(saved) << (saved ? "" : saved.error().message);
  barber.token = Login(stub, barber.email, barber.password, &barber.id);
  return barber;
}

TestUser NewAdmin(UserService::Stub& stub) {
  storage::Database db(TestCore::Get().database_url());
  storage::PgAccountRepository accounts(db);
  common::PasswordHasher hasher;
  TestUser admin;
  admin.username = "admin_" + Unique();
  admin.email = admin.username + "@example.com";
  admin.password = "a-good-password";
  const auto created = accounts.CreateUser(admin.username, admin.email, hasher.Hash(admin.password).value(),
                                           domain::Role::kAdmin);
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

std::unique_ptr<grpc::ClientContext> Authed(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                static_cast<unsigned short>(port)));
  http::request<http::empty_body> request(http::verb::get, path, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  return {static_cast<int>(response.result_int()), response.body()};
}

std::string QueryScalar(const std::string& sql) {
  pqxx::connection connection(TestCore::Get().database_url());
  pqxx::nontransaction tx(connection);
  const auto rows = tx.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) return {};
  return rows[0][0].as<std::string>();
}

}  // namespace barbershop::core::testing
