#include <gtest/gtest.h>

#include "api/call_runner.hpp"
#include "domain/fakes.hpp"
#include "domain/sessions.hpp"

namespace barbershop::core::api {
namespace {

using common::ErrorCode;
using domain::Caller;
using domain::Role;

class CallerAccountTest : public ::testing::Test {
 protected:
  common::FakeClock clock_{common::TimePoint{std::chrono::hours(24 * 20000)}};
  domain::InMemoryUnitOfWork work_{clock_};
  const Started started_{nullptr, "Test", std::chrono::steady_clock::now()};
  domain::User carol_ = work_.accounts().CreateUser("carol", "carol@example.com", "hash", Role::kCustomer).value();
};

// A caller checked by the session check carries the account it read: that one is used,
// with nothing read again.
TEST_F(CallerAccountTest, TheAccountTheSessionCheckReadIsUsed) {
  domain::User as_checked = carol_;
  as_checked.username = "carol_then";
  Caller caller{carol_.id, Role::kCustomer, "session"};
  caller.account = &as_checked;
  const Call call{started_, work_, &caller};
  const auto account = CallerAccount(call);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->username, "carol_then");
}

// A caller handed on without the check's account has it read now.
TEST_F(CallerAccountTest, ACallerWithoutTheAccountHasItRead) {
  const Caller caller{carol_.id, Role::kCustomer, "session"};
  const Call call{started_, work_, &caller};
  const auto account = CallerAccount(call);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->id, carol_.id);
  EXPECT_EQ(account->email, "carol@example.com");
}

TEST_F(CallerAccountTest, NoCallerOrAnAccountGoneIsUnauthenticated) {
  const Call anonymous{started_, work_, nullptr};
  const auto none = CallerAccount(anonymous);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kUnauthenticated);

  const Caller gone{"3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", Role::kCustomer, "session"};
  const Call call{started_, work_, &gone};
  const auto account = CallerAccount(call);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(account.error().message.find("deleted"), std::string::npos);
}

// Read afresh, a deactivated account is refused as the session check refuses it.
TEST_F(CallerAccountTest, ADeactivatedAccountReadAfreshIsUnauthenticated) {
  const auto shop = common::ShopTime::ForZone("Europe/Chisinau").value();
  const auto ending = domain::EndingFor(domain::SessionEnd::kDeactivated, shop, clock_.Now());
  ASSERT_TRUE(work_.accounts().SetActive(carol_.id, false, ending).value());
  const Caller caller{carol_.id, Role::kCustomer, "session"};
  const Call call{started_, work_, &caller};
  const auto account = CallerAccount(call);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(account.error().message.find("deactivated"), std::string::npos);
}

}  // namespace
}  // namespace barbershop::core::api
