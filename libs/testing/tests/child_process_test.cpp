// ChildProcess against this test binary run as a small service: with --serve it listens
// on port 0, answers /readyz, writes its port file and runs until signalled.
#include "barbershop/testing/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "barbershop/common/http_server.hpp"
#include "barbershop/common/listen.hpp"
#include "barbershop/testing/eventually.hpp"

namespace {

std::string self;  // this binary

int Serve() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  barbershop::common::HttpServer server;
  server.Handle("/readyz", [] { return barbershop::common::HttpReply{200, "text/plain", "ready\n"}; });
  if (!server.Start("127.0.0.1", 0)) return 3;
  const char* port_file = std::getenv("BARBERSHOP_PORT_FILE");
  if (port_file == nullptr || !barbershop::common::WritePortFile(port_file, {{"http", server.port()}})) return 4;
  int signal = 0;
  sigwait(&signals, &signal);
  server.Stop();
  return 0;
}

}  // namespace

namespace barbershop::testing {
namespace {

TEST(ChildProcessTest, LearnsThePortsTheChildPickedAndWaitsForItToBeReady) {
  ChildProcess child;
  ASSERT_TRUE(child.Spawn({self, "--serve"}, {}, "http", "child-process-test"));
  ASSERT_NE(child.port("http"), 0);
  EXPECT_EQ(child.port("grpc"), 0);
  EXPECT_EQ(HttpGet(child.port("http"), "/readyz").first, 200u);
  child.Kill(SIGTERM);
  EXPECT_EQ(child.Wait(std::chrono::seconds(30)), 0);
  EXPECT_FALSE(child.running());
}

TEST(ChildProcessTest, AChildThatExitsBeforeItIsReadyFailsAtOnce) {
  ChildProcess child;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(child.Spawn({"/bin/false"}, {}, "http", "child-process-test", std::chrono::seconds(120)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60)) << "it waited for the deadline";
  EXPECT_FALSE(child.running());
}

TEST(ChildProcessTest, TheChildSeesTheSettingsInsteadOfOurServiceVariables) {
  setenv("BARBERSHOP_SHOULD_NOT_PASS", "1", 1);
  ChildProcess child;
  EXPECT_FALSE(child.Spawn({"/bin/sh", "-c", "echo \"given=$BARBERSHOP_GIVEN leaked=$BARBERSHOP_SHOULD_NOT_PASS\""},
                           {"BARBERSHOP_GIVEN=yes"}, "http", "child-process-test"));
  unsetenv("BARBERSHOP_SHOULD_NOT_PASS");
  std::ifstream log(child.log_path());
  std::string line;
  std::getline(log, line);
  EXPECT_EQ(line, "given=yes leaked=");
}

TEST(EventuallyTest, ReturnsOnceTheConditionHoldsAndFalseAtTheDeadline) {
  int calls = 0;
  EXPECT_TRUE(Eventually([&] { return ++calls == 3; }));
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(Eventually([] { return false; }, std::chrono::milliseconds(20)));
}

}  // namespace
}  // namespace barbershop::testing

int main(int argc, char** argv) {
  self = argv[0];
  if (argc > 1 && std::strcmp(argv[1], "--serve") == 0) return Serve();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
