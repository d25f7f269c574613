#include "net/server_metrics.hpp"

#include <string>

#include "barbershop/common/contained.hpp"

namespace barbershop::realtime::net {

ServerMetrics::ServerMetrics(common::MetricsRegistry& r)
    : registry(r),
      connections(r.GetGauge("realtime_connections", "Open WebSocket connections")),
      accepted(r.GetCounter("realtime_connections_accepted_total", "WebSocket upgrades accepted")),
      messages_sent(r.GetCounter("realtime_messages_sent_total", "Messages written to sockets")),
      slow_disconnects(r.GetCounter("realtime_slow_disconnects_total", "Sockets closed for not keeping up")),
      client_errors(r.GetCounter("realtime_client_errors_total", "Error frames sent for bad client input")),
      chat_messages(r.GetCounter("realtime_chat_messages_total", "Chat messages stored and fanned out")),
      chat_store_seconds(r.GetHistogram("realtime_chat_store_seconds", "Time to store and publish a chat message")),
      accept_backoffs(
          r.GetCounter("realtime_accept_backoffs_total", "Pauses of the accept loop for want of a file descriptor")),
      resyncs(r.GetCounter("realtime_catch_up_failures_total",
                           "Catch-ups after a pub/sub outage that failed and asked the client to resync")),
      messages_refused(r.GetCounter("realtime_client_messages_refused_total",
                                    "Client messages refused for coming faster than a socket's rate")),
      cut_off(r.GetCounter("realtime_connections_cut_off_total",
                           "Connections ended at once by a flood of control frames inside a message")),
      session_ended_closes(r.GetCounter("realtime_session_ended_closes_total",
                                        "Sockets closed because the login session of their token ended")),
      blocking_failures(common::UnhandledErrors(r, "realtime blocking job")),
      wakes(r.GetCounter("realtime_socket_wakes_total",
                         "Dormant sockets woken (a new WebSocket stream) by their client sending something or "
                         "by a close")) {}

common::Counter& ServerMetrics::Refused(unsigned status) {
  return registry.GetCounter("realtime_upgrades_refused_total", "WebSocket upgrades refused, by HTTP status",
                             {{"status", std::to_string(status)}});
}

}  // namespace barbershop::realtime::net
