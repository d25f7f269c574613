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
  const int grpc_port = FreePort();
  const int http_port = FreePort();
  const std::string grpc_address = "127.0.0.1:" + std::to_string(grpc_port);
  const pid_t pid = SpawnCore({
      "BARBERSHOP_DATABASE_URL=" + TestCore::Get().database_url(),
      "BARBERSHOP_GRPC_ADDRESS=" + grpc_address,
      "BARBERSHOP_HTTP_ADDRESS=127.0.0.1:" + std::to_string(http_port),
      "BARBERSHOP_DB_POOL_SIZE=1",  // calls queue up behind one another
      "BARBERSHOP_AMQP_URL=none",
      "BARBERSHOP_RELAY=false",
  });
  ASSERT_GT(pid, 0);
  auto channel = grpc::CreateChannel(grpc_address, grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60)));
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
  for (int i = 0; i < 3000; ++i) {
    const auto metrics = HttpGet(http_port, "/metrics").second;
    in_flight = static_cast<int>(MetricValue(metrics, "barbershop_grpc_calls_in_flight"));
    const auto answered =
        static_cast<int>(MetricValue(metrics, "barbershop_grpc_calls_total{method=\"SignUp\",code=\"OK\"}"));
    if (in_flight + answered == kCalls) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GT(in_flight, 0) << "every call was answered before the signal could be sent";
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  for (auto& t : threads) t.join();
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
  for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
}

}  // namespace
}  // namespace barbershop::core::testing
