#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <vector>

#include "barbershop/common/http_server.hpp"
#include "barbershop/common/metrics.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "barbershop/common/tokens.hpp"
#include "barbershop/common/trusted_proxies.hpp"
#include "barbershop/common/worker_pool.hpp"
#include "config.hpp"
#include "domain/bookings.hpp"
#include "domain/list_cache.hpp"
#include "domain/throttle.hpp"
#include "domain/unit_of_work.hpp"
#include "storage/database.hpp"
#include "waitlist_sweeper.hpp"

namespace barbershop::core::api {
class UserServiceImpl;
class JsonApi;
}  // namespace barbershop::core::api
namespace barbershop::core::storage {
class ListCacheFeed;
}
namespace barbershop::core::events {
class RabbitPublisher;
class OutboxRelay;
class ReminderScheduler;
}  // namespace barbershop::core::events

namespace barbershop::core::app {

/// The assembled core service: migrations, database executor, gRPC server with health
/// and reflection, and the HTTP server: probes, metrics and the JSON API.
class CoreApp {
 public:
  CoreApp(CoreConfig config, const common::Clock& clock);
  ~CoreApp();

  /// Applies migrations, optionally creates demo data, binds both ports.  An error says
  /// what to fix (a taken port names itself).
  common::Status Start();
  /// Stops taking calls, lets in-flight calls finish (up to the grace period), stops.
  void Shutdown();

  int grpc_port() const { return grpc_port_; }
  std::uint16_t http_port() const { return http_.port(); }
  common::MetricsRegistry& metrics() { return metrics_; }

 private:
  /// The token signer and verifier from the configured key files; fails when the public
  /// keys have none that checks what the signing key signs.
  common::Status LoadTokenKeys();
  common::HttpReply Ready();

  CoreConfig config_;
  const common::Clock& clock_;
  common::MetricsRegistry metrics_;
  common::PasswordHasher hasher_;
  std::unique_ptr<common::TokenSigner> signer_;
  std::unique_ptr<common::TokenVerifier> tokens_;
  std::unique_ptr<common::ShopTime> shop_time_;
  domain::BookingPolicy policy_;
  domain::WaitlistPolicy waitlist_policy_;
  domain::AbuseLimits limits_;
  common::TrustedProxies proxies_;
  std::unique_ptr<storage::DbExecutor> executor_;
  std::unique_ptr<common::WorkerPool> hashing_;
  std::unique_ptr<domain::ListCache> lists_;
  std::unique_ptr<domain::WorkQueue> work_;
  std::unique_ptr<storage::ListCacheFeed> list_feed_;
  std::unique_ptr<api::UserServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::vector<std::unique_ptr<events::RabbitPublisher>> publishers_;
  std::vector<std::unique_ptr<events::OutboxRelay>> relays_;  ///< relays_[i] publishes through publishers_[i]
  std::atomic<std::size_t> next_ring_{0};                     ///< the relay rung when none is idle
  std::unique_ptr<events::ReminderScheduler> reminders_;
  std::unique_ptr<WaitlistSweeper> sweeper_;
  std::unique_ptr<api::JsonApi> json_;  ///< the JSON API (/v1/ on the HTTP port), over server_
  common::HttpServer http_;
  int grpc_port_ = 0;
  std::atomic<bool> stopped_{false};  ///< read by /readyz on the probe server's thread
};

}  // namespace barbershop::core::app
