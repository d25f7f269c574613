#include "bench_client.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "barbershop/common/ids.hpp"

namespace barbershop::bench {
namespace {
// Signing up and logging in hash a password: slow under load, but never this slow.
constexpr std::chrono::seconds kAccountCallTimeout{30};
}  // namespace

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(index), values.end());
  return values[index];
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
  context.set_deadline(std::chrono::system_clock::now() + kAccountCallTimeout);
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
  context.set_deadline(std::chrono::system_clock::now() + kAccountCallTimeout);
  const auto status = stub->SignUp(&context, signup, &signed_up);
  if (!status.ok()) throw std::runtime_error("sign-up failed: " + status.error_message());
  return LogIn(address, name + "@bench.test", "bench-password");
}

}  // namespace barbershop::bench
