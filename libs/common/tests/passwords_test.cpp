#include "barbershop/common/passwords.hpp"

#include <gtest/gtest.h>

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

TEST(PasswordHasherTest, MalformedHashNeverVerifies) {
  PasswordHasher hasher;
  EXPECT_FALSE(hasher.Verify("anything", ""));
  EXPECT_FALSE(hasher.Verify("anything", "$argon2id$garbage"));
  EXPECT_FALSE(hasher.Verify("anything", std::string(500, 'x')));
}

}  // namespace
}  // namespace barbershop::common
