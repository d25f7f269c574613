#include "bench_client.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include "barbershop/common/ids.hpp"

namespace barbershop::bench {
namespace {
// Signing up and logging in hash a password: slow under load, but never this slow.
constexpr std::chrono::seconds kAccountCallTimeout{30};

/// What /proc/PID/stat says of a process's parent and CPU time, in clock ticks.
struct ProcStat {
  int parent = 0;
  double own_ticks = 0;       // utime + stime
  double children_ticks = 0;  // cutime + cstime: children it has reaped
};

bool ReadStat(const std::string& pid, ProcStat& out) {
  std::ifstream stat("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  if (after_name == std::string::npos || after_name + 2 > text.size()) return false;
  std::istringstream fields(text.substr(after_name + 2));
  std::string state;
  fields >> state >> out.parent;
  std::string skip;
  for (int field = 5; field < 14; ++field) fields >> skip;  // pgrp .. cmajflt
  double user = 0;
  double system = 0;
  double children_user = 0;
  double children_system = 0;
  fields >> user >> system >> children_user >> children_system;
  out.own_ticks = user + system;
  out.children_ticks = children_user + children_system;
  return static_cast<bool>(fields);
}

double Ticks() { return static_cast<double>(sysconf(_SC_CLK_TCK)); }
}  // namespace

double CpuSeconds(int pid) {
  ProcStat stat;
  if (pid <= 0 || !ReadStat(std::to_string(pid), stat)) return 0;
  return stat.own_ticks / Ticks();
}

MachineCpu MachineCpuSeconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  if (!stat || cpu != "cpu") return {};
  return MachineCpu{(user + nice + system + irq + softirq) / Ticks(), steal / Ticks()};
}

double TreeCpuSeconds(int root) {
  if (root <= 0) return 0;
  std::map<int, ProcStat> all;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ignored)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    if (ReadStat(name, stat)) all.emplace(std::stoi(name), stat);
  }
  double ticks = 0;
  std::vector<int> pending{root};
  while (!pending.empty()) {
    const int pid = pending.back();
    pending.pop_back();
    const auto found = all.find(pid);
    if (found == all.end()) continue;
    ticks += found->second.own_ticks + found->second.children_ticks;
    for (const auto& [child, stat] : all) {
      if (stat.parent == pid) pending.push_back(child);
    }
  }
  return ticks / Ticks();
}

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
