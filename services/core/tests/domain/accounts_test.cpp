#include "domain/accounts.hpp"

#include <gtest/gtest.h>

#include "barbershop/testing/token_keys.hpp"
#include "shop_fixture.hpp"

namespace barbershop::core::domain {
namespace {

using namespace std::chrono_literals;
using common::ErrorCode;

constexpr const char* kPassword = kTestPassword;

// Argon2id takes tens of milliseconds a hash: one hasher, and as few hashes as the rules
// need.
class AccountsTest : public ShopFixture {
 protected:
  static const common::PasswordHasher& Hasher() { return TestHasher(); }
  static const std::string& PasswordHash() { return TestPasswordHash(); }
  User AddWithPassword(const std::string& username, Role role) {
    return work_.accounts().CreateUser(username, username + "@example.com", PasswordHash(), role).value();
  }

  static const ::barbershop::testing::KeyPair& Keys() {
    static const auto keys = ::barbershop::testing::NewEcKeyPair();
    return keys;
  }
  common::TokenSigner signer_ = common::TokenSigner::Create(Keys().private_pem, "core-1", 1h, clock_).value();
  common::TokenVerifier tokens_ = common::TokenVerifier::Create({{"core-1", Keys().public_pem}}, clock_).value();
  AccountService accounts_{work_.accounts(), work_.barbers(), Hasher()};
};

TEST_F(AccountsTest, AValidTokenGivesTheCaller) {
  const User carol = AddCustomer("carol");
  for (const auto& [role, name] :
       {std::pair{Role::kCustomer, "customer"}, std::pair{Role::kBarber, "barber"}, std::pair{Role::kAdmin, "admin"}}) {
    const auto caller = Authenticate(tokens_, signer_.Issue(carol.id, name, "session-1").value());
    ASSERT_TRUE(caller) << caller.error().message;
    EXPECT_EQ(caller->user_id, carol.id);
    EXPECT_EQ(caller->role, role);
  }
}

TEST_F(AccountsTest, ATokenSignedWithAnotherKeyIsRefused) {
  const auto elsewhere =
      common::TokenSigner::Create(::barbershop::testing::NewEcKeyPair().private_pem, "core-1", 1h, clock_).value();
  EXPECT_TRUE(Fails(Authenticate(tokens_, elsewhere.Issue("some-user", "admin", "session-1").value()),
                    ErrorCode::kUnauthenticated));
  EXPECT_TRUE(Fails(Authenticate(tokens_, "not.a.token"), ErrorCode::kUnauthenticated));
  EXPECT_TRUE(Fails(Authenticate(tokens_, ""), ErrorCode::kUnauthenticated));
}

TEST_F(AccountsTest, AnExpiredTokenIsRefused) {
  const auto token = signer_.Issue("some-user", "customer", "session-1").value();
  clock_.Advance(1h + common::kTokenLeeway - 1s);
  EXPECT_TRUE(Authenticate(tokens_, token));
  clock_.Advance(1s);
  EXPECT_TRUE(Fails(Authenticate(tokens_, token), ErrorCode::kUnauthenticated));
}

TEST_F(AccountsTest, ATokenNamingNoKnownRoleIsRefused) {
  EXPECT_TRUE(Fails(Authenticate(tokens_, signer_.Issue("some-user", "owner", "session-1").value()),
                    ErrorCode::kUnauthenticated, "the token is not valid"));
}

TEST_F(AccountsTest, TheRightPasswordLogsInTheAccount) {
  const User ana = AddWithPassword("ana", Role::kBarber);
  const auto email = LoginEmail("  Ana@Example.COM ", kPassword);
  ASSERT_TRUE(email) << email.error().message;
  EXPECT_EQ(*email, "ana@example.com");
  const auto user = CompleteLogin(Hasher(), work_.accounts().FindUserByEmail(*email).value(), kPassword);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->id, ana.id);
}

TEST_F(AccountsTest, ATokenNamesItsCallerAndSession) {
  const auto issued = signer_.IssueToken("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", "barber", "session-7").value();
  EXPECT_EQ(issued.expires_at, clock_.Now() + 1h);
  const auto caller = Authenticate(tokens_, issued.token);
  ASSERT_TRUE(caller) << caller.error().message;
  EXPECT_EQ(caller->user_id, "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01");
  EXPECT_EQ(caller->role, Role::kBarber);
  EXPECT_EQ(caller->session_id, "session-7");
}

TEST_F(AccountsTest, AWrongPasswordAndAnUnknownEmailGiveTheSameAnswer) {
  const User ana = AddWithPassword("ana", Role::kCustomer);
  const auto wrong_password = CompleteLogin(Hasher(), ana, "not the password");
  const auto unknown_email = CompleteLogin(Hasher(), std::nullopt, kPassword);
  const auto bad_email = LoginEmail("no-at-sign", kPassword);
  const auto empty_password = LoginEmail("ana@example.com", "");
  for (const auto* refused : {&wrong_password, &unknown_email}) {
    EXPECT_TRUE(Fails(*refused, ErrorCode::kUnauthenticated, "wrong e-mail or password"));
  }
  for (const auto* refused : {&bad_email, &empty_password}) {
    EXPECT_TRUE(Fails(*refused, ErrorCode::kUnauthenticated, "wrong e-mail or password"));
  }
  EXPECT_EQ(wrong_password.error().message, unknown_email.error().message);
  EXPECT_EQ(bad_email.error().message, unknown_email.error().message);
}

TEST_F(AccountsTest, ASignUpMakesACustomerWithAUniqueUsernameAndEmail) {
  const auto made = accounts_.SignUp("carol", " Carol@Example.com", kPassword);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->role, Role::kCustomer);
  EXPECT_EQ(made->email, "carol@example.com");
  EXPECT_TRUE(Hasher().Verify(kPassword, made->password_hash));
  EXPECT_TRUE(Fails(accounts_.SignUp("carol", "other@example.com", kPassword), ErrorCode::kAlreadyExists,
                    "that username is taken"));
  EXPECT_TRUE(Fails(accounts_.SignUp("carol2", "CAROL@example.com", kPassword), ErrorCode::kAlreadyExists,
                    "an account with that e-mail already exists"));
  EXPECT_EQ(work_.store().users.size(), 1u);
}

TEST_F(AccountsTest, ASignUpWithBadFieldsIsRefusedBeforeAnyHash) {
  EXPECT_TRUE(Fails(PrepareAccount(Hasher(), "Carol", "carol@example.com", kPassword), ErrorCode::kInvalidArgument,
                    "username"));
  EXPECT_TRUE(Fails(PrepareAccount(Hasher(), "carol", "carol@", kPassword), ErrorCode::kInvalidArgument, "email"));
  EXPECT_TRUE(Fails(PrepareAccount(Hasher(), "carol", "carol@example.com", "short"), ErrorCode::kInvalidArgument,
                    "password must be 8 to 128 characters"));
  EXPECT_TRUE(work_.store().users.empty());
}

TEST_F(AccountsTest, SavingABarberMakesTheAccountOnceThenChangesItsChair) {
  const std::vector<WorkingHours> hours{{1, 9 * 60, 18 * 60}};
  const auto made = accounts_.SaveBarber("ana", "ana@example.com", kPassword, "Ana", hours, false);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(made->role, Role::kBarber);
  const auto again = accounts_.SaveBarber("ana", "ana@example.com", kPassword, "Ana Maria", hours, true);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->id, made->id);
  EXPECT_EQ(work_.store().users.size(), 1u);
  const auto chair = work_.barbers().FindBarberById(made->id).value();
  ASSERT_TRUE(chair.has_value());
  EXPECT_EQ(chair->name, "Ana Maria");
  EXPECT_TRUE(chair->auto_confirm);
}

TEST_F(AccountsTest, ACustomersEmailCannotBeTakenForABarber) {
  const User carol = AddCustomer("carol");
  EXPECT_TRUE(Fails(accounts_.SaveBarber("carol", "carol@example.com", kPassword, "Carol", {{1, 540, 1080}}, false),
                    ErrorCode::kAlreadyExists, "that e-mail belongs to an account that is not a barber"));
  EXPECT_FALSE(work_.barbers().FindBarberById(carol.id).value().has_value());
  EXPECT_TRUE(
      Fails(accounts_.SaveBarber("dan", "dan@example.com", kPassword, "", {}, false), ErrorCode::kInvalidArgument));
  EXPECT_EQ(work_.store().users.size(), 1u);
}

}  // namespace
}  // namespace barbershop::core::domain
