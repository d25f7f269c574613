#include "list_cache_feed.hpp"

#include "barbershop/common/contained.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "reconnect_backoff.hpp"

namespace barbershop::core::storage {
namespace {

// One channel's notices, each handed to `on` with its payload.
class Receiver final : public pqxx::notification_receiver {
 public:
  using Handler = void (*)(domain::ListCache&, std::string_view);
  Receiver(pqxx::connection& connection, const char* channel, domain::ListCache& cache, Handler on)
      : notification_receiver(connection, channel), cache_(cache), on_(on) {}

  void operator()(const std::string& payload, int) override { on_(cache_, payload); }

 private:
  domain::ListCache& cache_;
  Handler on_;
};

// Migration 007's channel.  A notice names the barber and the client of an appointment
// that changed ("<id> <id>"), or one barber whose day changed otherwise (migration 016:
// hours, services, time off, held times), or is "*" when every list may have changed.
constexpr const char* kChannel = "appointment_lists";

void OnListsChanged(domain::ListCache& cache, std::string_view payload) {
  if (payload == "*") {
    cache.ForgetAll();
    return;
  }
  const auto space = payload.find(' ');
  if (space == std::string_view::npos) {
    cache.Forget(payload);
    return;
  }
  cache.ForgetAppointments(payload.substr(0, space));
  cache.ForgetAppointments(payload.substr(space + 1));
}

// Migration 010's channel: "closed <id>" when an account is deactivated or deleted, "open
// <id>" when it is reactivated; and migration 016's "ended <session id>".
constexpr const char* kAccountsChannel = "account_states";

void OnAccountState(domain::ListCache& cache, std::string_view payload) {
  const auto space = payload.find(' ');
  if (space == std::string_view::npos) return;
  const auto what = payload.substr(0, space);
  const auto id = payload.substr(space + 1);
  if (what == "open") {
    cache.Reopen(id);
  } else if (what == "ended") {
    cache.EndSession(id);
  } else {
    cache.Close(id);
  }
}

// The accounts closed now, read once the feed listens: any closed later is heard of.
std::vector<std::string> ClosedAccounts(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  std::vector<std::string> closed;
  for (const auto& row : tx.exec("SELECT id::text FROM users WHERE NOT active"))
    closed.push_back(row[0].as<std::string>());
  return closed;
}

// The sessions ended recently enough for a token of theirs to be alive, read once the feed
// listens.
std::vector<std::string> EndedSessions(pqxx::connection& connection, std::chrono::seconds within) {
  pqxx::nontransaction tx(connection);
  std::vector<std::string> ended;
  for (const auto& row :
       tx.exec_params("SELECT id::text FROM sessions WHERE ended_at > now() - make_interval(secs => $1)",
                      static_cast<double>(within.count()))) {
    ended.push_back(row[0].as<std::string>());
  }
  return ended;
}

}  // namespace

ListCacheFeed::ListCacheFeed(std::string database_url, domain::ListCache& cache, common::Counter& reconnects)
    : database_url_(std::move(database_url)), cache_(cache), reconnects_(reconnects) {}

ListCacheFeed::~ListCacheFeed() { Stop(); }

void ListCacheFeed::Start() {
  thread_ = std::thread([this] { common::RunRestarting("the list cache feed", nullptr, [this] { Run(); }); });
}

void ListCacheFeed::Stop() {
  stopping_.Stop();
  if (thread_.joinable()) thread_.join();
}

void ListCacheFeed::Run() {
  // While it is away the cache is offline: lists are read from the database.
  ReconnectBackoff reconnect("appointment list cache feed", reconnects_);
  while (!stopping_) {
    try {
      pqxx::connection connection(database_url_);
      // The accounts closed are read once their channel is listened to, so that none
      // closed meanwhile goes unheard.
      Receiver accounts(connection, kAccountsChannel, cache_, OnAccountState);
      cache_.SetClosed(ClosedAccounts(connection));
      cache_.SetEndedSessions(EndedSessions(connection, cache_.session_memory()));
      Receiver lists(connection, kChannel, cache_, OnListsChanged);
      // The receivers' LISTENs have run: from here on no change goes unheard, and what
      // changed before is forgotten by going online.
      cache_.SetOnline(true);
      reconnect.Connected();
      while (!stopping_) connection.await_notification(0, 100'000);
    } catch (const std::exception& e) {
      cache_.SetOnline(false);
      stopping_.WaitFor(reconnect.Failed(e));
    }
  }
  cache_.SetOnline(false);
}

}  // namespace barbershop::core::storage
