#include "core_app.hpp"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include "api/json_api.hpp"
#include "api/user_service.hpp"
#include "barbershop/common/contained.hpp"
#include "barbershop/common/failpoints.hpp"
#include "barbershop/common/listen.hpp"
#include "demo_data.hpp"
#include "domain/chairs.hpp"
#include "events/outbox_relay.hpp"
#include "events/rabbit_publisher.hpp"
#include "events/reminder_scheduler.hpp"
#include "storage/list_cache_feed.hpp"
#include "storage/migrations.hpp"
#include "storage/pg_unit_of_work.hpp"

namespace barbershop::core::app {

using common::ErrorCode;
using common::MakeError;

namespace {

// Sign-ups and logins waiting for a hashing thread before more are refused: at about 30
// hashes a second on two cores, the last waits some seconds.
constexpr std::size_t kHashingQueue = 256;

// Appointments (and parties) the list cache keeps before it starts over: a few tens of MB.
constexpr std::size_t kListCacheEntries = 200'000;

// What /readyz runs to tell that the database answers.
constexpr const char* kReadinessQuery = "SELECT 1";

std::string WithConnectTimeout(const std::string& url) {
  if (url.find("connect_timeout") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=2";
}

}  // namespace

common::Status CoreApp::LoadTokenKeys() {
  if (config_.token_signing_key.empty() || config_.token_signing_key_id.empty() || config_.token_public_keys.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no token keys (set BARBERSHOP_TOKEN_SIGNING_KEY, BARBERSHOP_TOKEN_SIGNING_KEY_ID and "
                     "BARBERSHOP_TOKEN_PUBLIC_KEYS)");
  }
  auto pem = common::ReadP256KeyFile(config_.token_signing_key, true);
  if (!pem) return MakeError(ErrorCode::kInvalidArgument, pem.error().message + " (BARBERSHOP_TOKEN_SIGNING_KEY)");
  auto signer =
      common::TokenSigner::Create(std::move(*pem), config_.token_signing_key_id, config_.token_lifetime, clock_);
  if (!signer) return signer.error();
  auto verifier = common::TokenVerifier::FromDirectory(config_.token_public_keys, clock_);
  if (!verifier) {
    return MakeError(ErrorCode::kInvalidArgument, verifier.error().message + " (BARBERSHOP_TOKEN_PUBLIC_KEYS)");
  }
  // A core whose tokens nobody accepts must not start: sign one and check it.
  if (auto matches = common::CheckSignerAgainstVerifier(*signer, *verifier); !matches) return matches.error();
  spdlog::info("login tokens signed with key {} (ES256)", signer->key_id());
  signer_ = std::make_unique<common::TokenSigner>(std::move(*signer));
  tokens_ = std::make_unique<common::TokenVerifier>(std::move(*verifier));
  return common::Ok{};
}

CoreApp::CoreApp(CoreConfig config, const common::Clock& clock) : config_(std::move(config)), clock_(clock) {}

CoreApp::~CoreApp() { Shutdown(); }

common::Status CoreApp::Start() {
  if (auto armed = common::ArmFailpoints(config_.failpoints); !armed) return armed.error();
  if (auto keys = LoadTokenKeys(); !keys) return keys.error();
  auto zone = common::ShopTime::ForZone(config_.shop_timezone);
  if (!zone) return MakeError(ErrorCode::kInvalidArgument, zone.error().message + " (set BARBERSHOP_SHOP_TIMEZONE)");
  shop_time_ = std::make_unique<common::ShopTime>(std::move(*zone));
  policy_.default_length = std::chrono::minutes{config_.appointment_minutes};
  const domain::RuleChoices shop_rules{config_.buffer_minutes, config_.min_notice_minutes, config_.horizon_days,
                                       config_.grid_minutes == 0 ? config_.appointment_minutes : config_.grid_minutes,
                                       config_.cancel_notice_minutes};
  if (auto ok = domain::ValidateRules(shop_rules); !ok) return ok.error();
  domain::Barber shop;
  shop.rules = shop_rules;
  policy_.rules = domain::RulesOf(shop, {});
  policy_.last_minute_window = std::chrono::minutes{config_.last_minute_window_minutes};
  policy_.max_live_bookings = config_.max_live_bookings;
  waitlist_policy_.hold = std::chrono::seconds{config_.waitlist_hold_seconds};
  waitlist_policy_.max_entries = config_.waitlist_max_entries;
  limits_.login_failures_per_email = {config_.login_failures_per_email,
                                      std::chrono::seconds(config_.login_window_seconds)};
  limits_.login_failures_per_address = {config_.login_failures_per_address,
                                        std::chrono::seconds(config_.login_window_seconds)};
  limits_.signups_per_address = {config_.signups_per_address, std::chrono::seconds(config_.signup_window_seconds)};
  auto proxies = common::TrustedProxies::Parse(config_.trusted_proxies);
  if (!proxies)
    return MakeError(ErrorCode::kInvalidArgument, proxies.error().message + " (BARBERSHOP_TRUSTED_PROXIES)");
  proxies_ = std::move(*proxies);
  spdlog::info("trusted proxies (client addresses from their x-forwarded-for): {}", proxies_.ToString());

  // Embedders (tests) fill the configuration themselves: no URL falls back to a default.
  if (config_.database_url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no database URL (set BARBERSHOP_DATABASE_URL)");
  }
  if (config_.amqp_url.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no RabbitMQ URL (set BARBERSHOP_AMQP_URL, or to none to run without a broker)");
  }
  const std::string database_url = WithConnectTimeout(config_.database_url);
  auto applied = storage::ApplyMigrations(database_url, storage::BundledMigrations());
  if (!applied) return applied.error();
  spdlog::info("database schema up to date ({} migrations applied now)", *applied);

  if (config_.demo_data) {
    storage::Database db(database_url);
    if (auto ok = EnsureDemoData(db, hasher_); !ok) return ok.error();
  }

  const bool relay_idle = config_.relay && config_.amqp_url == kNoBroker;
  if (relay_idle) {
    spdlog::warn("no broker (RabbitMQ URL {}): the outbox relay is idle, events wait in the outbox", kNoBroker);
  }
  if (config_.relay && !relay_idle) {
    // Workers claim disjoint rows (SKIP LOCKED), and an appointment's later event waits
    // until its earlier one is sent, as between replicas.
    events::RelaySettings settings{database_url, 200, std::chrono::milliseconds(config_.outbox_sweep_ms),
                                   std::chrono::hours(config_.outbox_retention_hours)};
    for (int i = 0; i < config_.relay_workers; ++i) {
      settings.prune = i == 0;  // one of them deletes old sent rows
      publishers_.push_back(std::make_unique<events::RabbitPublisher>(config_.amqp_url, common::EventTopology{},
                                                                      std::chrono::milliseconds(5000)));
      relays_.push_back(std::make_unique<events::OutboxRelay>(settings, *publishers_.back(), metrics_));
    }
  }
  // The pool's changes ring one of this copy's relays (none without a broker: then
  // PostgreSQL's NOTIFY tells whichever copy relays): an idle one, which claims at once,
  // else one that looks again when its batch is confirmed.  Ringing every relay would
  // have all but one of them claim nothing.
  std::function<void()> changed;
  if (!relays_.empty()) {
    changed = [this] {
      for (auto& relay : relays_) {
        if (relay->Idle()) {
          relay->Wake();
          return;
        }
      }
      relays_[next_ring_.fetch_add(1, std::memory_order_relaxed) % relays_.size()]->Wake();
    };
  }
  executor_ =
      std::make_unique<storage::DbExecutor>(database_url, static_cast<std::size_t>(config_.db_pool_size),
                                            static_cast<std::size_t>(config_.db_queue_limit), metrics_, changed);
  // As many hashing threads as the hasher lets run at once (one per core); a burst of
  // sign-ups and logins waits here, never on a database worker.
  hashing_ = std::make_unique<common::WorkerPool>(hasher_.max_concurrent(), kHashingQueue,
                                                  &common::UnhandledErrors(metrics_, "password hashing"));
  metrics_.AddCallbackGauge("barbershop_password_hashes_running",
                            "Argon2id hashes running now (sign-ups and logins; at most one per core).",
                            [this] { return static_cast<double>(hasher_.running()); });
  lists_ =
      std::make_unique<domain::ListCache>(std::chrono::seconds(config_.list_cache_seconds), kListCacheEntries, clock_,
                                          // an ended session is remembered while a token of it may be alive
                                          config_.token_lifetime + std::chrono::minutes(5));
  if (lists_->enabled()) {
    list_feed_ = std::make_unique<storage::ListCacheFeed>(database_url, *lists_,
                                                          storage::ReconnectCounter(metrics_, "list_cache"));
    list_feed_->Start();
  }
  metrics_.AddCallbackGauge("barbershop_list_cache_online",
                            "1 while the appointment list cache hears every change and may answer.",
                            [this] { return lists_->online() ? 1.0 : 0.0; });
  metrics_.AddCallbackGauge("barbershop_barber_facts_from_memory",
                            "Barbers, time off and held times the list cache has answered (free slots, schedules).",
                            [this] { return static_cast<double>(lists_->barber_facts_answered()); });
  // The calls' repositories: PostgreSQL on the executor's connections, lists through the
  // cache.
  work_ = std::make_unique<storage::PgWorkQueue>(
      *executor_, storage::PgWiring{lists_.get(), &metrics_.GetCounter("barbershop_throttled_total",
                                                                       "Calls refused by a limit against abuse.",
                                                                       {{"limit", "live_bookings"}})});
  service_ = std::make_unique<api::UserServiceImpl>(
      api::ServiceContext{*work_, *hashing_, hasher_, *signer_, config_.refresh_token_lifetime, *tokens_, *shop_time_,
                          clock_, policy_, metrics_, *lists_, limits_, proxies_, waitlist_policy_});

  for (auto& relay : relays_) relay->Start();
  if (config_.relay) {
    reminders_ = std::make_unique<events::ReminderScheduler>(
        events::ReminderSettings{database_url, config_.reminder_minutes,
                                 std::chrono::milliseconds(config_.reminder_interval_ms)},
        *shop_time_, clock_, metrics_);
    reminders_->Start();
  }

  sweeper_ = std::make_unique<WaitlistSweeper>(*work_, *shop_time_, clock_, policy_, waitlist_policy_,
                                               std::chrono::milliseconds(config_.waitlist_sweep_ms),
                                               std::chrono::milliseconds(config_.waitlist_recheck_ms));
  sweeper_->Start();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config_.grpc_address, grpc::InsecureServerCredentials(), &grpc_port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(1 << 20);
  server_ = builder.BuildAndStart();
  if (!server_ || grpc_port_ == 0) {
    server_.reset();
    return MakeError(ErrorCode::kUnavailable,
                     "cannot listen for gRPC on " + config_.grpc_address + " (is the port taken?)");
  }
  server_->GetHealthCheckService()->SetServingStatus(true);
  json_ = std::make_unique<api::JsonApi>(server_->InProcessChannel(grpc::ChannelArguments()), proxies_);

  auto http_address = common::SplitHostPort(config_.http_address);
  if (!http_address) return http_address.error();
  http_.Handle("/healthz", [] { return common::HttpReply{200, "text/plain; charset=utf-8", "ok\n"}; });
  metrics_.AddCallbackGauge("barbershop_outbox_relay_workers",
                            "Relay threads publishing the outbox to RabbitMQ (0: relay off or no broker).",
                            [workers = relays_.size()] { return static_cast<double>(workers); });
  // Ready when a statement runs on a connection opened like the pool's: the pool's own
  // connections are checked before each use and opened again when the server closed
  // them, so calls succeed from the moment this does.  Ready without a broker too (the
  // service answers), but saying that events wait.
  const std::string ready = relay_idle ? "ready; no broker: the outbox relay is idle\n" : "ready\n";
  auto probe = std::make_shared<storage::Database>(database_url, &storage::ReconnectCounter(metrics_, "readiness"));
  http_.Handle("/readyz", [this, ready, db = std::move(probe)] {
    if (stopped_) return common::HttpReply{503, "text/plain; charset=utf-8", "shutting down\n"};
    try {
      pqxx::nontransaction tx(db->Connection());
      tx.exec(kReadinessQuery);
      return common::HttpReply{200, "text/plain; charset=utf-8", ready};
    } catch (const std::exception& e) {
      if (storage::ConnectionLost(e)) db->Lost(false);
      return common::HttpReply{503, "text/plain; charset=utf-8", "database unreachable\n"};
    }
  });
  http_.Handle("/metrics", [this] {
    return common::HttpReply{200, "text/plain; version=0.0.4; charset=utf-8", metrics_.Render()};
  });
  http_.HandleApi(
      "/v1/",
      [this](const common::HttpRequest& request, common::HttpResponder respond) {
        json_->Handle(request, std::move(respond));
      },
      [](unsigned status, std::string_view message) {
        return api::JsonApi::Error(status, status == 413 ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT", message);
      },
      api::JsonApi::kBodyLimit);
  // Calendar links (GET /calendar/<token>.ics), for calendar applications to subscribe to.
  http_.HandleApi(
      "/calendar/",
      [this](const common::HttpRequest& request, common::HttpResponder respond) {
        json_->HandleCalendar(request, std::move(respond));
      },
      [](unsigned status, std::string_view message) {
        return common::HttpReply{status, "text/plain; charset=utf-8", std::string(message) + "\n", {}};
      },
      0);
  if (auto ok = http_.Start(http_address->first, http_address->second); !ok) return ok.error();
  spdlog::info("core service listening: gRPC on {} (port {}), HTTP on {}:{}", config_.grpc_address, grpc_port_,
               http_address->first, http_.port());
  if (!config_.port_file.empty()) {
    const common::NamedPorts ports{{"grpc", static_cast<std::uint16_t>(grpc_port_)}, {"http", http_.port()}};
    if (auto written = common::WritePortFile(config_.port_file, ports); !written) return written.error();
  }
  return common::Ok{};
}

void CoreApp::Shutdown() {
  if (stopped_.exchange(true)) return;
  if (server_) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(config_.shutdown_grace_seconds));
  }
  if (sweeper_) sweeper_->Stop();  // before the workers it hands sweeps to
  if (hashing_) hashing_->Stop();
  if (executor_) executor_->Stop();
  if (server_) server_->Wait();
  if (reminders_) reminders_->Stop();
  for (auto& relay : relays_) relay->Stop();  // after the last call: its events are in the outbox
  if (list_feed_) list_feed_->Stop();
  http_.Stop();
  spdlog::info("core service stopped");
}

}  // namespace barbershop::core::app
