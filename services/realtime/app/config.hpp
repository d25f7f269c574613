#pragma once

#include <string>
#include <vector>

#include "barbershop/common/url_settings.hpp"

namespace barbershop::realtime::app {

/// The service's settings.  Servers it connects to have no defaults: one left empty
/// stops it at start.
struct RealtimeConfig {
  std::string ws_address = "127.0.0.1:8081";
  /// Where to write the port taken once listening (empty: nowhere); see WritePortFile.
  std::string port_file;
  std::string redis_url;
  std::string amqp_url;
  /// Folder of the core's public keys (<key id>.pem) that tokens are checked with.
  std::string token_public_keys;
  std::string core_address;
  std::string instance_id;  ///< default: hostname-pid
  std::string shop_timezone = "Europe/Chisinau";
  std::string log_level = "info";
  /// One by default: a fan-out is a system call per socket, and a second thread sharing
  /// each message and the strands with the first costs more CPU per message than it adds
  /// on a machine shared with the rest of the platform.  Copies scale out instead; a copy
  /// with cores of its own can take more.
  int io_threads = 1;
  int blocking_threads = 8;
  int send_queue_limit = 1024;
  int socket_send_buffer = 0;
  int idle_timeout_seconds = 40;
  int inbox_max_length = 1000;
  int chat_max_length = 1000;
  int prefetch = 300;
  int shutdown_grace_seconds = 3;
  /// How long Redis remembers a login session the core ended: at least the core's access
  /// token lifetime plus the 30 s of leeway tokens get, so that no token of it is accepted
  /// again.
  int ended_session_memory_seconds = 3600;
  // Limits against abuse (0 turns one off).
  int max_sockets_per_user = 16;
  int max_sockets_per_address = 1000;
  double messages_per_second = 5;
  double message_burst = 20;
  /// The peers (addresses and CIDR blocks, comma-separated) whose X-Forwarded-For names
  /// the client that the per-address socket cap counts: the gateway.  Empty: nobody's.
  std::string trusted_proxies;
  /// For tests only: the failpoints to arm (common/failpoints.hpp), e.g.
  /// "events.before_ack=3:<user id>" to die after storing that user's third event, before
  /// acknowledging it.
  std::string failpoints;
  /// The servers above and where each came from (flag or environment), for the start-up log.
  std::vector<common::UrlSetting> urls;
};

/// Reads flags and BARBERSHOP_* environment variables (flags win).  Prints help or a
/// message saying what to fix and exits on bad input or a server set by neither.
RealtimeConfig ParseRealtimeConfig(int argc, char** argv);

}  // namespace barbershop::realtime::app
