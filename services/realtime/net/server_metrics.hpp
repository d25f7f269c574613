#pragma once

#include "barbershop/common/metrics.hpp"

namespace barbershop::realtime::net {

/// The counters and gauges the server keeps (rendered by /metrics).  Thread-safe.
struct ServerMetrics {
  explicit ServerMetrics(common::MetricsRegistry& registry);
  common::MetricsRegistry& registry;
  common::Gauge& connections;
  common::Counter& accepted;
  common::Counter& messages_sent;
  common::Counter& slow_disconnects;
  common::Counter& client_errors;
  common::Counter& chat_messages;
  common::Histogram& chat_store_seconds;
  common::Counter& accept_backoffs;
  common::Counter& resyncs;
  common::Counter& messages_refused;      ///< client messages over the socket's rate
  common::Counter& cut_off;               ///< connections ended by a flood of control frames inside a message
  common::Counter& session_ended_closes;  ///< sockets closed because their login session ended
  common::Counter& blocking_failures;     ///< jobs on the blocking pool that threw
  common::Counter& wakes;                 ///< dormant sockets that made a WebSocket stream again
  common::Counter& Refused(unsigned status);
};

}  // namespace barbershop::realtime::net
