#include "app/config.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "barbershop/common/token_settings.hpp"

namespace barbershop::realtime::app {

namespace {

std::string DefaultInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "realtime") + "-" + std::to_string(getpid());
}

}  // namespace

RealtimeConfig ParseRealtimeConfig(int argc, char** argv) {
  RealtimeConfig config;
  CLI::App cli{"barbershop-realtime: live appointment updates, chat and notifications over WebSockets"};
  cli.add_option("--ws-address", config.ws_address, "WebSocket and HTTP (/healthz, /readyz, /metrics) listen address")
      ->envname("BARBERSHOP_WS_ADDRESS")
      ->capture_default_str();
  cli.add_option("--port-file", config.port_file,
                 "once listening, write the port taken (a line 'ws PORT') to this file; with port 0 in the address, "
                 "this is how a starter learns it")
      ->envname("BARBERSHOP_PORT_FILE");
  common::UrlOptions urls(cli);
  urls.Add("--redis-url", "BARBERSHOP_REDIS_URL", "Redis URL", config.redis_url, "Redis URL (redis://HOST:PORT[/DB])");
  urls.Add("--amqp-url", "BARBERSHOP_AMQP_URL", "RabbitMQ URL", config.amqp_url,
           "RabbitMQ URL (amqp://USER:PASSWORD@HOST:PORT/VHOST)");
  urls.Add("--core-address", "BARBERSHOP_CORE_ADDRESS", "core service address", config.core_address,
           "the core service's gRPC address, HOST:PORT (for chat permissions)");
  common::AddTokenPublicKeysOption(cli, config.token_public_keys);
  cli.add_option("--instance-id", config.instance_id,
                 "this copy's name in sessions and presence (default hostname-pid)")
      ->envname("BARBERSHOP_INSTANCE_ID");
  cli.add_option("--shop-timezone", config.shop_timezone, "the shop's IANA time zone, for message text")
      ->envname("BARBERSHOP_SHOP_TIMEZONE")
      ->capture_default_str();
  cli.add_option("--log-level", config.log_level, "trace, debug, info, warn, error")
      ->envname("BARBERSHOP_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  cli.add_option("--io-threads", config.io_threads, "threads serving sockets")
      ->envname("BARBERSHOP_IO_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cli.add_option("--blocking-threads", config.blocking_threads,
                 "threads (and Redis connections) for Redis and gRPC calls")
      ->envname("BARBERSHOP_BLOCKING_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--send-queue-limit", config.send_queue_limit,
                 "messages queued per socket before it is closed as slow")
      ->envname("BARBERSHOP_SEND_QUEUE_LIMIT")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cli.add_option("--socket-send-buffer", config.socket_send_buffer,
                 "kernel send buffer per socket in bytes (0: the kernel's autotuning)")
      ->envname("BARBERSHOP_SOCKET_SEND_BUFFER")
      ->check(CLI::Range(0, 64 * 1024 * 1024))
      ->capture_default_str();
  cli.add_option("--idle-timeout-seconds", config.idle_timeout_seconds,
                 "ping an idle socket after half of this; close it if nothing comes back")
      ->envname("BARBERSHOP_IDLE_TIMEOUT_SECONDS")
      ->check(CLI::Range(2, 3600))
      ->capture_default_str();
  cli.add_option("--inbox-max-length", config.inbox_max_length, "messages kept per user inbox (about)")
      ->envname("BARBERSHOP_INBOX_MAX_LENGTH")
      ->check(CLI::Range(10, 1000000))
      ->capture_default_str();
  cli.add_option("--chat-max-length", config.chat_max_length, "messages kept per appointment chat (about)")
      ->envname("BARBERSHOP_CHAT_MAX_LENGTH")
      ->check(CLI::Range(10, 1000000))
      ->capture_default_str();
  cli.add_option("--prefetch", config.prefetch, "unacknowledged events a copy may hold")
      ->envname("BARBERSHOP_AMQP_PREFETCH")
      ->check(CLI::Range(1, 65535))
      ->capture_default_str();
  cli.add_option("--shutdown-grace-seconds", config.shutdown_grace_seconds, "on SIGTERM, how long sockets get to close")
      ->envname("BARBERSHOP_SHUTDOWN_GRACE_SECONDS")
      ->check(CLI::Range(0, 60))
      ->capture_default_str();
  cli.add_option("--ended-session-memory-seconds", config.ended_session_memory_seconds,
                 "how long a login session the core ended is remembered (its tokens refused, its sockets closed): at "
                 "least the core's access token lifetime plus 30 s of leeway")
      ->envname("BARBERSHOP_ENDED_SESSION_MEMORY_SECONDS")
      ->check(CLI::Range(60, 30 * 24 * 3600))
      ->capture_default_str();
  const char* kLimits = "Limits against abuse (0 turns one off)";
  cli.add_option("--max-sockets-per-user", config.max_sockets_per_user, "open sockets one user may hold on this copy")
      ->envname("BARBERSHOP_MAX_SOCKETS_PER_USER")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--max-sockets-per-address", config.max_sockets_per_address,
                 "open sockets from one client address on this copy")
      ->envname("BARBERSHOP_MAX_SOCKETS_PER_ADDRESS")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--messages-per-second", config.messages_per_second,
                 "client messages a socket may send a second, on average; past it they get an error, then the "
                 "socket is closed (1008)")
      ->envname("BARBERSHOP_MESSAGES_PER_SECOND")
      ->check(CLI::Range(0.0, 100000.0))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--message-burst", config.message_burst, "client messages a socket may send at once")
      ->envname("BARBERSHOP_MESSAGE_BURST")
      ->check(CLI::Range(1.0, 100000.0))
      ->capture_default_str()
      ->group(kLimits);
  cli.add_option("--trusted-proxies", config.trusted_proxies,
                 "peers whose X-Forwarded-For names the client for the per-address socket cap (the gateway): "
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
    std::cerr << "barbershop-realtime: " << resolved.error().message << "\n";
    std::exit(2);
  }
  config.urls = std::move(*resolved);
  if (config.instance_id.empty()) config.instance_id = DefaultInstanceId();
  return config;
}

}  // namespace barbershop::realtime::app
