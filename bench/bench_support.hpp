#pragma once
// What the load generators share: accounts made through the core's public API (or, for
// around-the-clock barbers, its account service) and latency figures.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "user_service.grpc.pb.h"

namespace barbershop::bench {

/// Calls, errors and latencies of one measured phase.
struct Figures {
  long calls = 0;
  long errors = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;

  /// The p-quantile (0..1) of the latencies; sorts them.
  double Percentile(double p);
};

/// A logged-in user with a channel of its own.
struct Client {
  std::unique_ptr<UserService::Stub> stub;
  std::string token;
  std::string id;
};

std::unique_ptr<UserService::Stub> NewStub(const std::string& address);
/// Signs up a new customer and logs in; throws when the core refuses.
Client NewClient(const std::string& address);
/// Logs in an existing account; throws when the core refuses.
Client LogIn(const std::string& address, const std::string& email, const std::string& password);

/// Barbers who work around the clock, so every half hour is a bookable slot; returns
/// their user names.  Each logs in with "<name>@bench.test" and kBarberPassword.
std::vector<std::string> NewBarbers(const std::string& database_url, int count);
inline constexpr const char* kBarberPassword = "bench-password";

}  // namespace barbershop::bench
