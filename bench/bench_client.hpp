#pragma once
// What every load generator shares, through the core's public API only: accounts made by
// signing up and logging in, and latency figures.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "user_service.grpc.pb.h"

namespace barbershop::bench {

/// The p-quantile (0..1) of `values` (reorders them); 0 when there are none.
double Percentile(std::vector<double>& values, double p);

/// Calls, errors and latencies of one measured phase.
struct Figures {
  long calls = 0;
  long errors = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;

  double Percentile(double p) { return bench::Percentile(latencies_ms, p); }
};

/// A logged-in user with a channel of its own.
struct Client {
  std::unique_ptr<UserService::Stub> stub;
  std::string token;
  std::string id;
};

std::unique_ptr<UserService::Stub> NewStub(const std::string& address);
/// Signs up a new customer and logs in; throws when the core refuses or does not answer.
Client NewClient(const std::string& address);
/// Logs in an existing account; throws when the core refuses or does not answer.
Client LogIn(const std::string& address, const std::string& email, const std::string& password);

/// CPU seconds (user and system) a process has used so far; 0 when it cannot be read.
double CpuSeconds(int pid);
/// The same for a process and every process below it, with the children they have
/// reaped: a database server with its backends, a broker started through a launcher.
double TreeCpuSeconds(int root);

/// The whole machine's CPU seconds so far, from /proc/stat: spent running anything
/// (user, system, interrupts), and taken by the host for others (steal).
struct MachineCpu {
  double busy = 0;
  double stolen = 0;
};
MachineCpu MachineCpuSeconds();

}  // namespace barbershop::bench
