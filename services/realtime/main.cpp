#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "app/config.hpp"
#include "app/realtime_app.hpp"
#include "barbershop/common/logging.hpp"
#include "barbershop/common/url_settings.hpp"

int main(int argc, char** argv) {
  using namespace barbershop;
  // gRPC's mutexes (the calls to the core): no deadlock-cycle bookkeeping on every lock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto config = realtime::app::ParseRealtimeConfig(argc, argv);
  common::SetUpJsonLogging("realtime", config.log_level);
  common::LogUrlSettings(config.urls);

  // Signals are taken by sigwait below, never by a worker thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  common::SystemClock clock;
  realtime::app::RealtimeApp app(std::move(config), clock);
  if (auto started = app.Start(); !started) {
    spdlog::critical("cannot start: {}", started.error().message);
    std::cerr << "barbershop-realtime: " << started.error().message << "\n";
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received signal {}, closing sockets", signal);
  app.Shutdown();
  return 0;
}
