#include "bench_support.hpp"

#include <algorithm>
#include <stdexcept>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/ids.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/tokens.hpp"
#include "domain/accounts.hpp"
#include "storage/pg_repositories.hpp"

namespace barbershop::bench {

double Figures::Percentile(double p) {
  if (latencies_ms.empty()) return 0;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(latencies_ms.size() - 1));
  return latencies_ms[i];
}

std::unique_ptr<UserService::Stub> NewStub(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return UserService::NewStub(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
}

Client LogIn(const std::string& address, const std::string& email, const std::string& password) {
  Client client{NewStub(address), {}, {}};
  LoginRequest login;
  login.set_email(email);
  login.set_password(password);
  LoginResponse logged_in;
  grpc::ClientContext context;
  const auto status = client.stub->Login(&context, login, &logged_in);
  if (!status.ok()) throw std::runtime_error("login of " + email + " failed: " + status.error_message());
  client.token = logged_in.token();
  client.id = logged_in.user_id();
  return client;
}

Client NewClient(const std::string& address) {
  const auto name = "bench_" + common::NewUuid().substr(0, 12);
  auto stub = NewStub(address);
  SignUpRequest signup;
  signup.set_username(name);
  signup.set_email(name + "@bench.test");
  signup.set_password("bench-password");
  SignUpResponse signed_up;
  grpc::ClientContext context;
  const auto status = stub->SignUp(&context, signup, &signed_up);
  if (!status.ok()) throw std::runtime_error("sign-up failed: " + status.error_message());
  return LogIn(address, name + "@bench.test", "bench-password");
}

std::vector<std::string> NewBarbers(const std::string& database_url, int count) {
  core::storage::Database db(database_url);
  core::storage::PgAccountRepository accounts(db);
  common::PasswordHasher hasher;
  common::SystemClock clock;
  const auto tokens = common::TokenService::Create(std::string(40, 'b'), std::chrono::hours(1), clock).value();
  core::domain::AccountService service(accounts, hasher, tokens);
  std::vector<core::domain::WorkingHours> always;
  for (unsigned day = 1; day <= 7; ++day) always.push_back({day, 0, 24 * 60});
  std::vector<std::string> names;
  for (int i = 0; i < count; ++i) {
    const auto name = "benchbarber_" + common::NewUuid().substr(0, 12);
    const auto saved = service.SaveBarber(name, name + "@bench.test", kBarberPassword, name, always, false);
    if (!saved) throw std::runtime_error("cannot create a barber: " + saved.error().message);
    names.push_back(name);
  }
  return names;
}

}  // namespace barbershop::bench
