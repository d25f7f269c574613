#include "config.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

namespace barbershop::core::app {

CoreConfig ParseCoreConfig(int argc, char** argv) {
  CoreConfig config;
  CLI::App cli{"barbershop-core: accounts, barbers and appointments over gRPC, on PostgreSQL"};
  long long token_seconds = config.token_lifetime.count();
  cli.add_option("--database-url", config.database_url, "PostgreSQL connection URL")
      ->envname("BARBERSHOP_DATABASE_URL")
      ->capture_default_str();
  cli.add_option("--grpc-address", config.grpc_address, "gRPC listen address")
      ->envname("BARBERSHOP_GRPC_ADDRESS")
      ->capture_default_str();
  cli.add_option("--http-address", config.http_address, "HTTP listen address for /healthz, /readyz, /metrics")
      ->envname("BARBERSHOP_HTTP_ADDRESS")
      ->capture_default_str();
  cli.add_option("--jwt-secret", config.jwt_secret, "token signing key, at least 32 bytes (required)")
      ->envname("BARBERSHOP_JWT_SECRET");
  cli.add_option("--token-lifetime-seconds", token_seconds, "how long a login token is valid")
      ->envname("BARBERSHOP_TOKEN_LIFETIME_SECONDS")
      ->check(CLI::Range(60LL, 30LL * 24 * 3600))
      ->capture_default_str();
  cli.add_option("--shop-timezone", config.shop_timezone, "the shop's IANA time zone")
      ->envname("BARBERSHOP_SHOP_TIMEZONE")
      ->capture_default_str();
  cli.add_option("--appointment-minutes", config.appointment_minutes, "default appointment length")
      ->envname("BARBERSHOP_APPOINTMENT_MINUTES")
      ->check(CLI::Range(5, 480))
      ->capture_default_str();
  cli.add_option("--db-pool-size", config.db_pool_size, "database connections (and worker threads)")
      ->envname("BARBERSHOP_DB_POOL_SIZE")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--db-queue-limit", config.db_queue_limit, "calls waiting for a connection before refusing more")
      ->envname("BARBERSHOP_DB_QUEUE_LIMIT")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cli.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("BARBERSHOP_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  cli.add_flag("--demo-data", config.demo_data, "create the demo barbers and logins if missing")
      ->envname("BARBERSHOP_DEMO_DATA");
  cli.add_option("--shutdown-grace-seconds", config.shutdown_grace_seconds,
                 "on SIGTERM, how long in-flight calls may take to finish")
      ->envname("BARBERSHOP_SHUTDOWN_GRACE_SECONDS")
      ->check(CLI::Range(0, 300))
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(cli.exit(e));
  }
  config.token_lifetime = std::chrono::seconds{token_seconds};
  return config;
}

}  // namespace barbershop::core::app
