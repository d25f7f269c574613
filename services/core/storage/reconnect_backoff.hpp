#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <string>

#include "barbershop/common/metrics.hpp"

namespace barbershop::core::storage {

/// How a background loop with a PostgreSQL connection of its own (the outbox relay, the
/// reminders, the list cache feed) paces its attempts to reach the server again: the
/// first retry after `first`, each later one after twice the last, at most `most`, and
/// from the start again once connected.  It logs the loss, each further attempt and the
/// recovery, and counts each reconnect.  Used by the one thread of its loop.
class ReconnectBackoff {
 public:
  ReconnectBackoff(std::string who, common::Counter& reconnects,
                   std::chrono::milliseconds first = std::chrono::milliseconds(100),
                   std::chrono::milliseconds most = std::chrono::seconds(5));

  /// The connection could not be opened, or broke: how long to wait before trying again.
  std::chrono::milliseconds Failed(const std::exception& error);
  /// A connection is open; after failures it counts as a reconnect.
  void Connected();
  /// Failed attempts since the last connection.
  int failures() const { return failures_; }

 private:
  std::string who_;
  common::Counter& reconnects_;
  std::chrono::milliseconds first_;
  std::chrono::milliseconds most_;
  std::chrono::milliseconds next_;
  int failures_ = 0;
};

}  // namespace barbershop::core::storage
