// The core binary on SIGTERM: calls already in flight finish with their answers, then
// the process exits cleanly.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "test_server.hpp"

namespace barbershop::core::testing {
namespace {

TEST(ShutdownTest, InFlightCallsFinishBeforeExit) {
  ChildProcess core;
  ASSERT_TRUE(SpawnCore(core, {
                                  "BARBERSHOP_DATABASE_URL=" + TestCore::Get().database_url(),
                                  "BARBERSHOP_DB_POOL_SIZE=1",  // calls queue up behind one another
                                  "BARBERSHOP_AMQP_URL=none",
                                  "BARBERSHOP_RELAY=false",
                              }));
  const int http_port = core.port("http");
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(core.port("grpc")), grpc::InsecureChannelCredentials());
  auto stub = UserService::NewStub(channel);

  // Sign-ups hash passwords with Argon2id: with one worker, 8 of them take a while.
  constexpr int kCalls = 8;
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<std::thread> threads;
  std::atomic<int> sent{0};
  for (int i = 0; i < kCalls; ++i) {
    threads.emplace_back([&, i] {
      SignUpRequest request;
      const auto name = "drain_" + Unique();
      request.set_username(name);
      request.set_email(name + "@example.com");
      request.set_password("a-good-password");
      SignUpResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      ++sent;
      statuses[i] = stub->SignUp(&context, request, &response);
    });
  }
  // SIGTERM once the service holds every call (a call still on its way would be refused,
  // not drained) and some are still being worked on.
  int in_flight = 0;
  Eventually([&] {
    const auto metrics = HttpGet(http_port, "/metrics").second;
    in_flight = static_cast<int>(MetricValue(metrics, "barbershop_grpc_calls_in_flight"));
    const auto answered =
        static_cast<int>(MetricValue(metrics, "barbershop_grpc_calls_total{method=\"SignUp\",code=\"OK\"}"));
    return in_flight + answered == kCalls;
  });
  ASSERT_GT(in_flight, 0) << "every call was answered before the signal could be sent";
  core.Kill(SIGTERM);
  for (auto& t : threads) t.join();
  EXPECT_EQ(core.Wait(std::chrono::seconds(60)), 0);
  for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

}  // namespace
}  // namespace barbershop::core::testing
