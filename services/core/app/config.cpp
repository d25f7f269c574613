#include "config.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "barbershop/common/token_settings.hpp"

namespace barbershop::core::app {

int DefaultDbPoolSize(unsigned cores) { return static_cast<int>(std::clamp(2U * cores, 4U, 16U)); }

CoreConfig ParseCoreConfig(int argc, char** argv) {
  CoreConfig config;
  CLI::App cli{"barbershop-core: accounts, barbers and appointments over gRPC, on PostgreSQL"};
  long long token_seconds = config.token_lifetime.count();
  long long refresh_seconds = config.refresh_token_lifetime.count();
  common::UrlOptions urls(cli);
  urls.Add("--database-url", "BARBERSHOP_DATABASE_URL", "database URL", config.database_url,
           "PostgreSQL connection URL (postgresql://USER[:PASSWORD]@HOST:PORT/DATABASE)");
  urls.Add("--amqp-url", "BARBERSHOP_AMQP_URL", "RabbitMQ URL", config.amqp_url,
           "RabbitMQ URL for appointment events (amqp://USER:PASSWORD@HOST:PORT/VHOST), or none: no broker, the "
           "outbox relay stays idle",
           " (none runs without a broker: events wait in the outbox)");
  cli.add_option("--grpc-address", config.grpc_address, "gRPC listen address")
      ->envname("BARBERSHOP_GRPC_ADDRESS")
      ->capture_default_str();
  cli.add_option("--http-address", config.http_address, "HTTP listen address for /healthz, /readyz, /metrics")
      ->envname("BARBERSHOP_HTTP_ADDRESS")
      ->capture_default_str();
  cli.add_option("--port-file", config.port_file,
                 "once listening, write the ports taken (lines 'grpc PORT' and 'http PORT') to this file; with port 0 "
                 "in the addresses, this is how a starter learns them")
      ->envname("BARBERSHOP_PORT_FILE");
  cli.add_option("--token-signing-key", config.token_signing_key,
                 "PEM file of the EC P-256 private key that signs login tokens (ES256); only the core has it "
                 "(required)")
      ->envname("BARBERSHOP_TOKEN_SIGNING_KEY");
  cli.add_option("--token-signing-key-id", config.token_signing_key_id,
                 "the signing key's id, written into every token's header; <ID>.pem in the public key folder must "
                 "be its public key (required)")
      ->envname("BARBERSHOP_TOKEN_SIGNING_KEY_ID");
  common::AddTokenPublicKeysOption(cli, config.token_public_keys);
  cli.add_option("--token-lifetime-seconds", token_seconds,
                 "how long an access token is valid; a client refreshes it with its refresh token")
      ->envname("BARBERSHOP_TOKEN_LIFETIME_SECONDS")
      ->check(CLI::Range(60LL, 24LL * 3600))
      ->capture_default_str();
  cli.add_option("--refresh-token-lifetime-seconds", refresh_seconds,
                 "how long a refresh token is valid unless used; each refresh gives a new one")
      ->envname("BARBERSHOP_REFRESH_TOKEN_LIFETIME_SECONDS")
      ->check(CLI::Range(300LL, 365LL * 24 * 3600))
      ->capture_default_str();
  cli.add_option("--shop-timezone", config.shop_timezone, "the shop's IANA time zone")
      ->envname("BARBERSHOP_SHOP_TIMEZONE")
      ->capture_default_str();
  cli.add_option("--appointment-minutes", config.appointment_minutes, "default appointment length")
      ->envname("BARBERSHOP_APPOINTMENT_MINUTES")
      ->check(CLI::Range(5, 480))
      ->capture_default_str();
  const char* kRules = "The shop's booking rules (a barber may set their own)";
  cli.add_option("--buffer-minutes", config.buffer_minutes, "time kept free after each appointment")
      ->envname("BARBERSHOP_BUFFER_MINUTES")
      ->check(CLI::Range(0, 240))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--min-notice-minutes", config.min_notice_minutes, "how long ahead a booking must be made")
      ->envname("BARBERSHOP_MIN_NOTICE_MINUTES")
      ->check(CLI::Range(0, 30 * 24 * 60))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--horizon-days", config.horizon_days, "how many days ahead bookings open")
      ->envname("BARBERSHOP_HORIZON_DAYS")
      ->check(CLI::Range(1, 730))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--grid-minutes", config.grid_minutes,
                 "how often slots start from each opening (0: the default appointment length)")
      ->envname("BARBERSHOP_GRID_MINUTES")
      ->check(CLI::Range(0, 240))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--cancel-notice-minutes", config.cancel_notice_minutes,
                 "within this long of the start a customer can no longer cancel or move (the barber still can)")
      ->envname("BARBERSHOP_CANCEL_NOTICE_MINUTES")
      ->check(CLI::Range(0, 7 * 24 * 60))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--waitlist-hold-seconds", config.waitlist_hold_seconds,
                 "how long a freed time is held for the customer on the waitlist it is offered to")
      ->envname("BARBERSHOP_WAITLIST_HOLD_SECONDS")
      ->check(CLI::Range(1, 24 * 3600))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--waitlist-max-entries", config.waitlist_max_entries,
                 "the most waitlist entries one customer may have waiting at once")
      ->envname("BARBERSHOP_WAITLIST_MAX_ENTRIES")
      ->check(CLI::Range(1, 100))
      ->capture_default_str()
      ->group(kRules);
  cli.add_option("--waitlist-sweep-ms", config.waitlist_sweep_ms,
                 "how often holds that expired are looked for, to offer their times to the next in line")
      ->envname("BARBERSHOP_WAITLIST_SWEEP_MS")
      ->check(CLI::Range(10, 60000))
      ->capture_default_str();
  cli.add_option("--waitlist-recheck-ms", config.waitlist_recheck_ms,
                 "how often every waiting customer's window is looked at again, to offer a free time whose offer was "
                 "lost (a copy that stopped between a cancellation and its offers)")
      ->envname("BARBERSHOP_WAITLIST_RECHECK_MS")
      ->check(CLI::Range(100, 3'600'000))
      ->capture_default_str();
  cli.add_option("--db-pool-size", config.db_pool_size,
                 "database connections (and worker threads); by default twice this machine's cores, 4 to 16: set "
                 "it to twice the database's cores when PostgreSQL runs elsewhere")
      ->envname("BARBERSHOP_DB_POOL_SIZE")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--list-cache-seconds", config.list_cache_seconds,
                 "how long callers' own appointment lists are kept in memory (changes forget them at once); 0: off")
      ->envname("BARBERSHOP_LIST_CACHE_SECONDS")
      ->check(CLI::Range(0, 3600))
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
  cli.add_option("--relay", config.relay, "publish outbox events to RabbitMQ and emit reminders")
      ->envname("BARBERSHOP_RELAY")
      ->capture_default_str();
  cli.add_option("--outbox-sweep-ms", config.outbox_sweep_ms, "how often the relay looks without a NOTIFY")
      ->envname("BARBERSHOP_OUTBOX_SWEEP_MS")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  cli.add_option("--relay-workers", config.relay_workers,
                 "relay threads, each with its own broker connection; one publishes while another waits for "
                 "confirms")
      ->envname("BARBERSHOP_RELAY_WORKERS")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cli.add_option("--outbox-retention-hours", config.outbox_retention_hours, "how long sent events are kept")
      ->envname("BARBERSHOP_OUTBOX_RETENTION_HOURS")
      ->check(CLI::Range(1, 24 * 365))
      ->capture_default_str();
  cli.add_option("--reminder-minutes", config.reminder_minutes,
                 "how long before a confirmed appointment reminders go out (comma-separated minutes)")
      ->envname("BARBERSHOP_REMINDER_MINUTES")
      ->delimiter(',')
      ->check(CLI::Range(1, 60 * 24 * 30))
      ->capture_default_str();
  cli.add_option("--reminder-interval-ms", config.reminder_interval_ms, "how often due reminders are looked for")
      ->envname("BARBERSHOP_REMINDER_INTERVAL_MS")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  cli.add_option("--last-minute-window-minutes", config.last_minute_window_minutes,
                 "a barber's move or cancellation this close to the start is urgent for the client")
      ->envname("BARBERSHOP_LAST_MINUTE_WINDOW_MINUTES")
      ->check(CLI::Range(0, 60 * 24 * 7))
      ->capture_default_str();
  const char* kLimits = "Limits against abuse (0 turns one off)";
  cli.add_option("--login-failures-per-email", config.login_failures_per_email,
                 "failed logins for one e-mail within the window before it is refused until the window ends")
      ->envname("BARBERSHOP_LOGIN_FAILURES_PER_EMAIL")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--login-failures-per-address", config.login_failures_per_address,
                 "failed logins from one address within the window before it is refused until the window ends")
      ->envname("BARBERSHOP_LOGIN_FAILURES_PER_ADDRESS")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--login-window-seconds", config.login_window_seconds, "the window failed logins are counted in")
      ->envname("BARBERSHOP_LOGIN_WINDOW_SECONDS")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--signups-per-address", config.signups_per_address,
                 "sign-ups from one address within the window before more are refused")
      ->envname("BARBERSHOP_SIGNUPS_PER_ADDRESS")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--signup-window-seconds", config.signup_window_seconds, "the window sign-ups are counted in")
      ->envname("BARBERSHOP_SIGNUP_WINDOW_SECONDS")
      ->check(CLI::Range(1, 7 * 24 * 3600))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--max-live-bookings", config.max_live_bookings,
                 "upcoming appointments one customer may hold by booking for themselves")
      ->envname("BARBERSHOP_MAX_LIVE_BOOKINGS")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--trusted-proxies", config.trusted_proxies,
                 "peers whose x-forwarded-for metadata names the client for the per-address limits (the gateway): "
                 "addresses and CIDR blocks, comma-separated, e.g. 127.0.0.1,10.0.0.0/8; empty trusts nobody")
      ->envname("BARBERSHOP_TRUSTED_PROXIES")
      ->group(kLimits);
  cli.add_option("--failpoints", config.failpoints,
                 "for tests only: failpoints to arm, name[=N[:key]],... (refused by a release build)")
      ->envname("BARBERSHOP_FAILPOINTS")
      ->group("");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(cli.exit(e));
  }
  auto resolved = urls.Resolve();
  if (!resolved) {
    std::cerr << "barbershop-core: " << resolved.error().message << "\n";
    std::exit(2);
  }
  config.urls = std::move(*resolved);
  config.token_lifetime = std::chrono::seconds{token_seconds};
  config.refresh_token_lifetime = std::chrono::seconds{refresh_seconds};
  return config;
}

}  // namespace barbershop::core::app
