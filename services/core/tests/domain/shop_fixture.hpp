#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "barbershop/common/clock.hpp"
#include "barbershop/common/passwords.hpp"
#include "barbershop/common/shop_time.hpp"
#include "domain/bookings.hpp"
#include "domain/events.hpp"
#include "fakes.hpp"

namespace barbershop::core::domain {

/// Success when `result` failed with `code` and a message that contains `says`.
template <typename T>
::testing::AssertionResult Fails(const common::Result<T>& result, common::ErrorCode code,
                                 const std::string& says = {}) {
  if (result) return ::testing::AssertionFailure() << "it succeeded";
  const auto& error = result.error();
  if (error.code != code || error.message.find(says) == std::string::npos) {
    return ::testing::AssertionFailure() << "it failed with " << common::ErrorCodeName(error.code) << ": "
                                         << error.message;
  }
  return ::testing::AssertionSuccess();
}

/// The password of the tests that hash one, and its hash, made once with one hasher:
/// Argon2id takes tens of milliseconds a hash.
inline constexpr const char* kTestPassword = "correct horse battery";
inline const common::PasswordHasher& TestHasher() {
  static const common::PasswordHasher hasher(common::PasswordHasher::Cost::kInteractive, 1);
  return hasher;
}
inline const std::string& TestPasswordHash() {
  static const std::string hash = TestHasher().Hash(kTestPassword).value();
  return hash;
}

/// A shop in Europe/Chisinau on an in-memory store, with a clock that stands at Tuesday
/// 2026-12-01 08:00 (shop time, far from a daylight saving change) until a test moves it.
class ShopFixture : public ::testing::Test {
 protected:
  static const common::ShopTime& Shop() {
    static const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
    return shop;
  }
  /// Shop wall-clock time ("2026-12-07T10:00"), or an instant with its offset.
  static TimePoint At(const std::string& text) { return Shop().Parse(text).value(); }
  static Caller As(const User& user) { return Caller{user.id, user.role}; }

  /// A customer account called `username`.
  User AddCustomer(const std::string& username) {
    return work_.accounts().CreateUser(username, username + "@example.com", "hash", Role::kCustomer).value();
  }
  User AddAdmin(const std::string& username) {
    return work_.accounts().CreateUser(username, username + "@example.com", "hash", Role::kAdmin).value();
  }
  /// A barber account called `username` with a chair named `name`, open Monday to
  /// Saturday 09:00 to 18:00, made as the demo data's are: with no event.
  User AddBarber(const std::string& username, const std::string& name, bool auto_confirm = false) {
    User user = AddCustomer(username);
    std::vector<WorkingHours> hours;
    for (unsigned day = 1; day <= 6; ++day) hours.push_back({day, 9 * 60, 18 * 60});
    EXPECT_TRUE(work_.barbers().SaveBarber(user.id, name, auto_confirm, hours, std::nullopt, std::nullopt));
    user.role = Role::kBarber;
    return user;
  }

  /// The payloads of the outbox's barber.schedule_changed events, oldest first, without
  /// their event_id; each is checked to be stored about the barber it names, with its
  /// row's event id.
  std::vector<nlohmann::json> ScheduleChanges() {
    std::vector<nlohmann::json> payloads;
    for (const auto& row : work_.store().outbox) {
      if (row.event.routing_key != kScheduleChangedKey) continue;
      auto payload = nlohmann::json::parse(row.event.payload_json);
      EXPECT_EQ(payload["barber"]["id"], row.aggregate_id);
      EXPECT_EQ(payload["event_id"], row.event.event_id);
      payload.erase("event_id");
      payloads.push_back(std::move(payload));
    }
    return payloads;
  }
  /// The barber.schedule_changed payload, less its event_id, that says `change` of
  /// `barber`'s schedule (`name` theirs) now; with the time off's `from` and `to` when
  /// they are given.
  nlohmann::json ScheduleChangeNow(const User& barber, const std::string& name, const std::string& change,
                                   const std::string& from = {}, const std::string& to = {}) const {
    nlohmann::json payload = {{"type", "barber.schedule_changed"},
                              {"occurred_at", Shop().Format(clock_.Now())},
                              {"barber", {{"id", barber.id}, {"name", name}}},
                              {"change", change}};
    if (!from.empty()) payload["from"] = from;
    if (!to.empty()) payload["to"] = to;
    return payload;
  }

  common::FakeClock clock_{At("2026-12-01T08:00")};
  InMemoryUnitOfWork work_{clock_};
  BookingPolicy policy_;
};

}  // namespace barbershop::core::domain
