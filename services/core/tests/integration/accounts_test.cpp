#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() : stub_(TestCore::Get().NewStub()) {}

  grpc::Status SignUp(const std::string& username, const std::string& email, const std::string& password,
                      SignUpResponse* response) {
    SignUpRequest request;
    request.set_username(username);
    request.set_email(email);
    request.set_password(password);
    grpc::ClientContext context;
    return stub_->SignUp(&context, request, response);
  }
  grpc::Status Login(const std::string& email, const std::string& password, LoginResponse* response) {
    LoginRequest request;
    request.set_email(email);
    request.set_password(password);
    grpc::ClientContext context;
    return stub_->Login(&context, request, response);
  }

  std::unique_ptr<UserService::Stub> stub_;
};

TEST_F(AccountsTest, SignUpReturnsTheNewUserId) {
  SignUpResponse response;
  const auto name = "new_" + Unique();
  const auto status = SignUp(name, name + "@Example.COM", "long enough password", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(response.success());
  EXPECT_FALSE(response.message().empty());
  EXPECT_EQ(response.user_id().size(), 36u);
  // Stored lower-case, hashed with Argon2id, never in clear.
  EXPECT_EQ(QueryScalar("SELECT email FROM users WHERE id = '" + response.user_id() + "'"), name + "@example.com");
  const auto hash = QueryScalar("SELECT password_hash FROM users WHERE id = '" + response.user_id() + "'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find("long enough password"), std::string::npos);
}

TEST_F(AccountsTest, DuplicateEmailOrUsernameIsAlreadyExists) {
  SignUpResponse response;
  const auto name = "dup_" + Unique();
  ASSERT_TRUE(SignUp(name, name + "@example.com", "long enough password", &response).ok());
  auto again = SignUp("other_" + Unique(), name + "@EXAMPLE.com", "long enough password", &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(again.error_message().find("e-mail"), std::string::npos);
  again = SignUp(name, "other_" + Unique() + "@example.com", "long enough password", &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_NE(again.error_message().find("username"), std::string::npos);
}

TEST_F(AccountsTest, BadSignUpInputIsInvalidArgumentAndStoresNothing) {
  const auto name = "bad_" + Unique();
  struct Case {
    std::string username, email, password, mentions;
  };
  const Case cases[] = {
      {"ab", name + "@example.com", "long enough password", "username"},
      {"Has Spaces", name + "@example.com", "long enough password", "username"},
      {name, "not-an-email", "long enough password", "email"},
      {name, name + "@example.com", "short", "password"},
      {name, name + "@example.com", std::string(129, 'p'), "password"},
  };
  for (const auto& c : cases) {
    SignUpResponse response;
    const auto status = SignUp(c.username, c.email, c.password, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.username << " " << c.email;
    EXPECT_NE(status.error_message().find(c.mentions), std::string::npos) << status.error_message();
    EXPECT_FALSE(response.success());
  }
  EXPECT_EQ(QueryScalar("SELECT count(*) FROM users WHERE email = '" + name + "@example.com'"), "0");
}

TEST_F(AccountsTest, LoginGivesATokenWithRoleAndId) {
  const auto user = NewCustomer(*stub_);
  LoginResponse response;
  ASSERT_TRUE(Login("  " + user.email + " ", user.password, &response).ok());
  EXPECT_FALSE(response.token().empty());
  EXPECT_EQ(response.user_id(), user.id);
  EXPECT_EQ(response.role(), "customer");
  EXPECT_FALSE(response.expires_at().empty());
}

TEST_F(AccountsTest, LoginFailuresSayTheSameWhicheverPartWasWrong) {
  const auto user = NewCustomer(*stub_);
  LoginResponse response;
  const auto wrong_password = Login(user.email, "not the password", &response);
  const auto wrong_email = Login("nobody_" + Unique() + "@example.com", user.password, &response);
  EXPECT_EQ(wrong_password.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong_email.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong_password.error_message(), wrong_email.error_message());
  EXPECT_TRUE(response.token().empty());
}

TEST_F(AccountsTest, ProfileAcceptsTheTokenFieldOrMetadata) {
  const auto user = NewCustomer(*stub_);
  GetUserProfileRequest request;
  request.set_token(user.token);
  UserProfile profile;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetUserProfile(&context, request, &profile).ok());
  EXPECT_EQ(profile.username(), user.username);
  EXPECT_EQ(profile.email(), user.email);
  EXPECT_EQ(profile.user_id(), user.id);
  EXPECT_EQ(profile.role(), "customer");

  UserProfile by_metadata;
  ASSERT_TRUE(stub_->GetUserProfile(Authed(user.token).get(), GetUserProfileRequest{}, &by_metadata).ok());
  EXPECT_EQ(by_metadata.user_id(), user.id);
}

TEST_F(AccountsTest, MissingWrongOrExpiredTokenIsUnauthenticated) {
  UserProfile profile;
  EXPECT_EQ(stub_->GetUserProfile(Authed("").get(), GetUserProfileRequest{}, &profile).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetUserProfile(Authed("garbage.token.here").get(), GetUserProfileRequest{}, &profile).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  const auto user = NewCustomer(*stub_);
  common::FakeClock past(common::SystemClock().Now() - std::chrono::hours(48));
  const auto old_tokens = TestKeys().Signer(past);
  const auto expired = old_tokens.Issue(user.id, "customer", "session-1").value();
  const auto status = stub_->GetUserProfile(Authed(expired).get(), GetUserProfileRequest{}, &profile);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(status.error_message().find("expired"), std::string::npos);
}

TEST_F(AccountsTest, ATokenNotSignedWithTheCoresKeyIsUnauthenticated) {
  const auto admin = NewAdmin(*stub_);
  const auto now = common::SystemClock().Now();
  UserProfile profile;
  ASSERT_TRUE(stub_->GetUserProfile(Authed(admin.token).get(), GetUserProfileRequest{}, &profile).ok());
  // The same claims as the admin's real token, signed otherwise.
  for (const auto& [what, forged] : TestKeys().ForgedTokens(admin.id, "admin", now)) {
    const auto status = stub_->GetUserProfile(Authed(forged).get(), GetUserProfileRequest{}, &profile);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << what;
    EXPECT_EQ(status.error_message(), "the token is not valid") << what;
  }
  // The stack's own key signing the same claims, in the admin's session, is accepted: only
  // the signature differed.
  auto claims = ::barbershop::testing::TokenPayload(admin.id, "admin", now);
  claims["sid"] =
      QueryScalar("SELECT id::text FROM sessions WHERE user_id = '" + admin.id + "' ORDER BY created_at DESC LIMIT 1");
  const auto real = ::barbershop::testing::SignRawToken(
      "ES256", common::ReadP256KeyFile(TestKeys().signing_key_file, true).value(), TestKeys().key_id, claims);
  const auto status = stub_->GetUserProfile(Authed(real).get(), GetUserProfileRequest{}, &profile);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(profile.user_id(), admin.id);
}

// A core whose tokens nobody would accept does not start: its key id must have a public
// key in the folder, and that key must check what the signing key signs.
TEST(CoreStartTest, RefusesASigningKeyWithoutItsPublicKey) {
  const auto dir = std::filesystem::temp_directory_path() / ("barbershop-public-keys-" + Unique());
  std::filesystem::create_directories(dir);
  const auto own_name = dir / (TestKeys().key_id + ".pem");
  std::ofstream(own_name) << ::barbershop::testing::NewEcKeyPair().public_pem;
  const auto start = [&] {
    auto config = TestConfig(TestCore::Get().database_url());
    config.token_public_keys = dir.string();
    common::SystemClock clock;
    app::CoreApp core(config, clock);
    const auto started = core.Start();
    return started ? std::string() : started.error().message;
  };
  EXPECT_NE(start().find("does not match the token signing key"), std::string::npos) << start();
  std::filesystem::rename(own_name, dir / "another-key.pem");
  EXPECT_NE(start().find("has no public key"), std::string::npos) << start();
  std::filesystem::remove_all(dir);
}

TEST_F(AccountsTest, ListBarbersNamesEachBarberWithHours) {
  const auto customer = NewCustomer(*stub_);
  const auto barber = NewBarber(*stub_);
  ListBarbersResponse response;
  ASSERT_TRUE(stub_->ListBarbers(Authed(customer.token).get(), ListBarbersRequest{}, &response).ok());
  bool found = false;
  for (const auto& b : response.barbers()) {
    if (b.name() != barber.username) continue;
    found = true;
    EXPECT_EQ(b.barber_id(), barber.id);
    ASSERT_EQ(b.hours_size(), 6);
    EXPECT_EQ(b.hours(0).weekday(), 1);
    EXPECT_EQ(b.hours(0).opens(), "09:00");
    EXPECT_EQ(b.hours(0).closes(), "18:00");
  }
  EXPECT_TRUE(found);
}

TEST_F(AccountsTest, ProbesAndMetricsAreServed) {
  const int port = TestCore::Get().http_port();
  EXPECT_EQ(HttpGet(port, "/healthz").first, 200);
  EXPECT_EQ(HttpGet(port, "/readyz").first, 200);
  EXPECT_EQ(HttpGet(port, "/nothing-here").first, 404);
  LoginResponse response;
  (void)Login("nobody_" + Unique() + "@example.com", "whatever-password", &response);
  const auto [status, body] = HttpGet(port, "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("barbershop_grpc_calls_total{method=\"Login\",code=\"UNAUTHENTICATED\"}"), std::string::npos)
      << body;
  EXPECT_NE(body.find("barbershop_grpc_call_duration_seconds_bucket{method=\"Login\",code=\"UNAUTHENTICATED\",le="),
            std::string::npos);
  EXPECT_NE(body.find("barbershop_db_connections_in_use"), std::string::npos);
}

// Argon2id runs on hashing threads of its own, never on a database worker: while a
// burst of logins, six times the pool's two workers, waits for its hashes, a read still
// gets a worker at once.  With hashing on the workers, the read would queue behind the
// logins and come back after most of them.
TEST(AccountsBurstTest, ABurstOfLoginsDoesNotHoldUpReads) {
  ScratchCore core([](app::CoreConfig& c) {
    c.db_pool_size = 2;
    c.relay = false;
  });
  auto stub = core.NewStub();
  const auto customer = NewCustomer(*stub);
  constexpr int kLogins = 12;
  std::atomic<int> finished{0};
  std::vector<std::thread> logins;
  for (int i = 0; i < kLogins; ++i) {
    logins.emplace_back([&] {
      LoginRequest request;
      request.set_email(customer.email);
      request.set_password(customer.password);
      LoginResponse response;
      grpc::ClientContext context;
      const auto status = core.NewStub()->Login(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      ++finished;
    });
  }
  // Every login is in the service, and hashes are running.
  Eventually([&] {
    const auto metrics = HttpGet(core.http_port(), "/metrics").second;
    return MetricValue(metrics, "barbershop_grpc_calls_in_flight") + finished.load() >= kLogins &&
           MetricValue(metrics, "barbershop_password_hashes_running") > 0;
  });
  const int finished_before = finished.load();
  GetAppointmentsRequest request;
  AppointmentsResponse response;
  const auto status = stub->GetAppointments(Authed(customer.token).get(), request, &response);
  const int finished_after = finished.load();
  for (auto& login : logins) login.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(finished.load(), kLogins);
  EXPECT_LT(finished_after - finished_before, kLogins / 2)
      << "the read waited for " << finished_after - finished_before << " logins";
}

}  // namespace
}  // namespace barbershop::core::testing
