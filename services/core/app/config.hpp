#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "barbershop/common/url_settings.hpp"

namespace barbershop::core::app {

/// The AMQP URL that runs the service without a broker: the relay stays idle and events
/// wait in the outbox (for a copy that has one).
inline constexpr const char* kNoBroker = "none";

/// The database pool's size when none is set: twice the cores of a PostgreSQL on this
/// machine, as `make up` runs it, between 4 and 16.  More connections than the database
/// has cores to run them only queue in its scheduler, beside the outbox relay's: on two
/// cores a pool of 16 held bookings' events behind the bookings (docs/benchmarks.md).
int DefaultDbPoolSize(unsigned cores);

/// The service's settings.  Servers it connects to have no defaults: a URL left empty
/// stops it at start.
struct CoreConfig {
  std::string database_url;
  std::string grpc_address = "127.0.0.1:50051";
  std::string http_address = "127.0.0.1:8080";
  /// Where to write the ports taken once listening (empty: nowhere); see WritePortFile.
  std::string port_file;
  /// Login tokens (ES256): the PEM file of the private key that signs them, its key id,
  /// and the folder of public keys (<key id>.pem) that check them.
  std::string token_signing_key;
  std::string token_signing_key_id;
  std::string token_public_keys;
  /// How long an access token works, and a refresh token unless used (each refresh
  /// gives a new one).
  std::chrono::seconds token_lifetime{15 * 60};
  std::chrono::seconds refresh_token_lifetime{30 * 24 * 3600};
  std::string shop_timezone = "Europe/Chisinau";
  int appointment_minutes = 30;
  /// The shop's booking rules, which a barber may set otherwise for their own chair; a
  /// grid of 0 is the default appointment length.
  int buffer_minutes = 0;
  int min_notice_minutes = 0;
  int horizon_days = 366;
  int grid_minutes = 0;
  int cancel_notice_minutes = 0;
  int waitlist_hold_seconds = 600;
  int waitlist_max_entries = 5;
  int waitlist_sweep_ms = 1000;
  /// How often the lines are rechecked: every free time in a waiting window is offered,
  /// also one whose offer was lost (WaitlistService::Recheck).
  int waitlist_recheck_ms = 60'000;
  /// Database workers, each with its connection (DefaultDbPoolSize of this machine's cores).
  int db_pool_size = DefaultDbPoolSize(std::thread::hardware_concurrency());
  int db_queue_limit = 4096;
  std::string log_level = "info";
  bool demo_data = false;
  int shutdown_grace_seconds = 10;
  // Events: the outbox relay to RabbitMQ, reminders, last-minute changes.
  bool relay = true;
  std::string amqp_url;  ///< or kNoBroker
  int outbox_sweep_ms = 1000;
  /// Relay threads, each with its own database and broker connection: while one waits
  /// for the broker's confirms, another publishes the events committed meanwhile.
  int relay_workers = 2;
  int outbox_retention_hours = 24 * 7;
  std::vector<int> reminder_minutes{24 * 60, 60};
  int reminder_interval_ms = 30'000;
  int last_minute_window_minutes = 120;
  /// How long a caller's own appointment list may be answered from memory; 0 turns the
  /// cache off.  A change through any copy of the service forgets the lists it touches.
  int list_cache_seconds = 60;
  // Limits against abuse (0 turns one off).  Counts are kept in PostgreSQL, so every
  // copy of the service shares them.
  int login_failures_per_email = 5;
  int login_failures_per_address = 50;
  int login_window_seconds = 15 * 60;
  int signups_per_address = 20;
  int signup_window_seconds = 3600;
  int max_live_bookings = 8;
  /// The peers (addresses and CIDR blocks, comma-separated) whose X-Forwarded-For names
  /// the client that the per-address limits count: the gateway.  Empty: nobody's.
  std::string trusted_proxies;
  /// For tests only: the failpoints to arm (common/failpoints.hpp), e.g.
  /// "relay.before_publish" to die after claiming a batch, before publishing it.
  std::string failpoints;
  /// The URLs above and where each came from (flag or environment), for the start-up log.
  std::vector<common::UrlSetting> urls;
};

/// Reads flags and BARBERSHOP_* environment variables (flags win).  Prints help or a
/// message saying what to fix and exits on bad input or a server URL set by neither.
CoreConfig ParseCoreConfig(int argc, char** argv);

}  // namespace barbershop::core::app
