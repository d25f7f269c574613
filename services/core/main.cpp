#include <absl/synchronization/mutex.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

#include "app/config.hpp"
#include "app/core_app.hpp"
#include "barbershop/common/logging.hpp"
#include "barbershop/common/url_settings.hpp"

int main(int argc, char** argv) {
  using namespace barbershop;
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto config = core::app::ParseCoreConfig(argc, argv);
  common::SetUpJsonLogging("core", config.log_level);
  common::LogUrlSettings(config.urls);

  // Signals are taken by sigwait below, never by a worker thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  common::SystemClock clock;
  core::app::CoreApp app(std::move(config), clock);
  if (auto started = app.Start(); !started) {
    spdlog::critical("cannot start: {}", started.error().message);
    std::cerr << "barbershop-core: " << started.error().message << "\n";
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("received signal {}, finishing in-flight calls", signal);
  app.Shutdown();
  return 0;
}
