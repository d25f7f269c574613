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

// Migration 007's channel.  A notice names a barber and a client ("<id> <id>"), or is "*"
// when every list may have changed.
constexpr const char* kChannel = "appointment_lists";

class Notices final : public pqxx::notification_receiver {
 public:
  Notices(pqxx::connection& connection, domain::ListCache& cache)
      : notification_receiver(connection, kChannel), cache_(cache) {}

  void operator()(const std::string& payload, int) override {
    if (payload == "*") {
      cache_.ForgetAll();
      return;
    }
    std::string_view rest(payload);
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      cache_.Forget(rest.substr(0, space));
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
  }

 private:
  domain::ListCache& cache_;
};

// Migration 010's channel: "closed <id>" when an account is deactivated or deleted, "open
// <id>" when it is reactivated.
constexpr const char* kAccountsChannel = "account_states";

class AccountNotices final : public pqxx::notification_receiver {
 public:
  AccountNotices(pqxx::connection& connection, domain::ListCache& cache)
      : notification_receiver(connection, kAccountsChannel), cache_(cache) {}

  void operator()(const std::string& payload, int) override {
    const std::string_view notice(payload);
    const auto space = notice.find(' ');
    if (space == std::string_view::npos) return;
    const auto party = notice.substr(space + 1);
    if (notice.substr(0, space) == "open") {
      cache_.Reopen(party);
    } else {
      cache_.Close(party);
    }
  }

 private:
  domain::ListCache& cache_;
};

// The accounts closed now, read once the feed listens: any closed later is heard of.
std::vector<std::string> ClosedAccounts(pqxx::connection& connection) {
  pqxx::nontransaction tx(connection);
  std::vector<std::string> closed;
  for (const auto& row : tx.exec("SELECT id::text FROM users WHERE NOT active"))
    closed.push_back(row[0].as<std::string>());
  return closed;
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
      AccountNotices accounts(connection, cache_);
      cache_.SetClosed(ClosedAccounts(connection));
      Notices notices(connection, cache_);
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
