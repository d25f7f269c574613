#pragma once

#include <chrono>
#include <string>

namespace barbershop::core::app {

struct CoreConfig {
  std::string database_url = "postgresql://postgres@127.0.0.1:55432/barbershop";
  std::string grpc_address = "127.0.0.1:50051";
  std::string http_address = "127.0.0.1:8080";
  std::string jwt_secret;
  std::chrono::seconds token_lifetime{12 * 3600};
  std::string shop_timezone = "Europe/Chisinau";
  int appointment_minutes = 30;
  int db_pool_size = 16;
  int db_queue_limit = 4096;
  std::string log_level = "info";
  bool demo_data = false;
  int shutdown_grace_seconds = 10;
};

/// Reads flags and BARBERSHOP_* environment variables (flags win).  Prints help or a
/// message saying what to fix and exits on bad input.
CoreConfig ParseCoreConfig(int argc, char** argv);

}  // namespace barbershop::core::app
