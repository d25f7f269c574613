#include "barbershop/common/passwords.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

namespace barbershop::common {
namespace {

TEST(PasswordHasherTest, HashIsArgon2idAndVerifies) {
  PasswordHasher hasher;
  const auto hash = hasher.Hash("correct horse battery").value();
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(hasher.Verify("correct horse battery", hash));
  EXPECT_FALSE(hasher.Verify("correct horse batterY", hash));
}

TEST(PasswordHasherTest, SamePasswordGetsDifferentSalts) {
  PasswordHasher hasher;
  EXPECT_NE(hasher.Hash("same password").value(), hasher.Hash("same password").value());
}

TEST(PasswordHasherTest, SaysHowManyHashesItLetsRunAtOnce) {
  EXPECT_EQ(PasswordHasher(PasswordHasher::Cost::kInteractive, 3).max_concurrent(), 3u);
  EXPECT_EQ(PasswordHasher().max_concurrent(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(PasswordHasherTest, MalformedHashNeverVerifies) {
  PasswordHasher hasher;
  EXPECT_FALSE(hasher.Verify("anything", ""));
  EXPECT_FALSE(hasher.Verify("anything", "$argon2id$garbage"));
  EXPECT_FALSE(hasher.Verify("anything", std::string(500, 'x')));
}

// Six logins at once through a hasher that lets `limit` hashes run together; returns the
// most that ran at once.
std::size_t PeakOfSixLogins(std::size_t limit) {
  PasswordHasher hasher(PasswordHasher::Cost::kInteractive, limit);
  const auto hash = hasher.Hash("a burst of logins").value();
  std::vector<std::thread> logins;
  std::vector<char> verified(6, 0);
  for (std::size_t i = 0; i < verified.size(); ++i) {
    logins.emplace_back([&, i] { verified[i] = hasher.Verify("a burst of logins", hash) ? 1 : 0; });
  }
  for (auto& login : logins) login.join();
  for (const char ok : verified) EXPECT_TRUE(ok);
  EXPECT_EQ(hasher.running(), 0u);
  return hasher.peak_running();
}

TEST(PasswordHasherTest, NoMoreHashesRunAtOnceThanItsLimit) {
  EXPECT_LE(PeakOfSixLogins(2), 2u);
  // The same burst with room for all: they do overlap, so the bound above is what held them.
  EXPECT_GT(PeakOfSixLogins(6), 2u);
}

}  // namespace
}  // namespace barbershop::common
