#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "barbershop/common/metrics.hpp"
#include "barbershop/common/stop_flag.hpp"
#include "domain/list_cache.hpp"

namespace barbershop::core::storage {

/// Keeps a ListCache in step with PostgreSQL: on its own connection it listens for the
/// notices that migration 007's trigger sends when appointments change, whichever copy
/// of the service (or whoever else) changed them, and has the cache forget those
/// parties' lists; and for migration 010's, which close or reopen an account's lists.  While the connection is down the
/// cache is offline, and the feed reconnects with backoff; the cache comes back empty once listening again.  Owns one
/// thread; Start/Stop from one thread.
class ListCacheFeed {
 public:
  /// `reconnects` counts the connections opened again after one was lost.
  ListCacheFeed(std::string database_url, domain::ListCache& cache, common::Counter& reconnects);
  ~ListCacheFeed();
  ListCacheFeed(const ListCacheFeed&) = delete;
  ListCacheFeed& operator=(const ListCacheFeed&) = delete;

  void Start();
  void Stop();

 private:
  void Run();

  std::string database_url_;
  domain::ListCache& cache_;
  common::Counter& reconnects_;
  common::StopFlag stopping_;
  std::thread thread_;
};

}  // namespace barbershop::core::storage
