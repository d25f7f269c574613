#include "list_cache_feed.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

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

}  // namespace

ListCacheFeed::ListCacheFeed(std::string database_url, domain::ListCache& cache)
    : database_url_(std::move(database_url)), cache_(cache) {}

ListCacheFeed::~ListCacheFeed() { Stop(); }

void ListCacheFeed::Start() { thread_ = std::thread([this] { Run(); }); }

void ListCacheFeed::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ListCacheFeed::Run() {
  while (!stopping_) {
    try {
      pqxx::connection connection(database_url_);
      Notices notices(connection, cache_);
      // The receiver's LISTEN has run: from here on no change goes unheard, and what
      // changed before is forgotten by going online.
      cache_.SetOnline(true);
      while (!stopping_) connection.await_notification(0, 100'000);
    } catch (const std::exception& e) {
      spdlog::warn("appointment list cache offline: {}", e.what());
    }
    cache_.SetOnline(false);
    for (int i = 0; i < 25 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace barbershop::core::storage
