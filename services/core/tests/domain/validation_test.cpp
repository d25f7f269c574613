#include "domain/validation.hpp"

#include <gtest/gtest.h>

namespace barbershop::core::domain {
namespace {

TEST(ValidationTest, Usernames) {
  for (const std::string& good :
       {std::string("ana"), std::string("ion_2"), std::string("a.b-c"), std::string(32, 'x')}) {
    EXPECT_TRUE(ValidateUsername(good)) << good;
  }
  for (const std::string& bad : {std::string(), std::string("ab"), std::string("Ana"), std::string("ana pop"),
                                 std::string("ana@x"), std::string("ión"), std::string(33, 'x')}) {
    const auto result = ValidateUsername(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, common::ErrorCode::kInvalidArgument);
  }
}

TEST(ValidationTest, EmailsAreTrimmedAndLowerCased) {
  EXPECT_EQ(NormalizeEmail("  Ana.Pop@Example.COM ").value(), "ana.pop@example.com");
  EXPECT_EQ(NormalizeEmail("a+tag@sub.example.md").value(), "a+tag@sub.example.md");
  for (const char* bad : {"", "ana", "@example.com", "ana@", "ana@example", "ana@@example.com", "a b@example.com",
                          "ana@exa mple.com", "ana@.com", "ana@example..com", ".ana@example.com", "ana@example.com."}) {
    EXPECT_FALSE(NormalizeEmail(bad)) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@example.com"));
}

TEST(ValidationTest, Passwords) {
  EXPECT_TRUE(ValidatePassword("12345678"));
  EXPECT_TRUE(ValidatePassword(std::string(128, 'p')));
  EXPECT_TRUE(ValidatePassword("pässwörd-ok"));
  EXPECT_FALSE(ValidatePassword("1234567"));
  EXPECT_FALSE(ValidatePassword(std::string(129, 'p')));
  EXPECT_FALSE(ValidatePassword("bad\xff\xfeutf8"));
}

TEST(ValidationTest, Ids) {
  EXPECT_TRUE(ValidateId("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", "id"));
  for (const char* bad : {"", "12345", "3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f0", "3f2b9c1e_8d4a-4b6f-9e2d-1a7c5b3e9f01",
                          "zf2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01", "'; DROP TABLE users; --"}) {
    const auto result = ValidateId(bad, "appointment_id");
    ASSERT_FALSE(result) << bad;
    EXPECT_NE(result.error().message.find("appointment_id"), std::string::npos);
  }
}

TEST(ValidationTest, IdempotencyKeys) {
  for (const std::string& good : {std::string("k"), std::string("3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01"),
                                  std::string(128, 'x'), std::string("retry:2026-12-01/42")}) {
    EXPECT_TRUE(ValidateIdempotencyKey(good)) << good;
  }
  for (const std::string& bad : {std::string(), std::string(129, 'x'), std::string("two words"),
                                 std::string("tab\there"), std::string("caf\xc3\xa9")}) {
    const auto result = ValidateIdempotencyKey(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, common::ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace barbershop::core::domain
