#include "barbershop/common/text.hpp"

#include <gtest/gtest.h>

namespace barbershop::common {
namespace {

TEST(TextTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("Bună ziua, frizerul 💈"));
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("ok\xff"));
}

TEST(TextTest, APrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("short", 64), "short");
  EXPECT_EQ(Utf8Prefix("abcdef", 3), "abc");
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 3), "ab");  // é would be split: left out
  EXPECT_EQ(Utf8Prefix("ab\xc3\xa9", 4), "ab\xc3\xa9");
  EXPECT_EQ(Utf8Prefix("a\xf0\x9f\x92\x88z", 2), "a");  // 💈 cut after its lead byte
  EXPECT_EQ(Utf8Prefix("a\xf0\x9f\x92\x88z", 4), "a");  // ... or inside it
  EXPECT_EQ(Utf8Prefix("a\xf0\x9f\x92\x88z", 5), "a\xf0\x9f\x92\x88");
  EXPECT_EQ(Utf8Prefix("\xc3\xa9", 1), "");
  // Every cut of a mixed text is valid UTF-8.
  const std::string mixed = "Ștefan 💈 bărbierul é, ă, ș";
  for (std::size_t n = 0; n <= mixed.size(); ++n) EXPECT_TRUE(IsValidUtf8(Utf8Prefix(mixed, n))) << n;
}

TEST(TextTest, JsonOfBrokenTextIsWrittenNotThrown) {
  const std::string split = std::string(63, 'a') + "\xc3";  // the first byte of é
  EXPECT_THROW((void)nlohmann::json(split).dump(), nlohmann::json::type_error);
  const auto text = ToJsonText(nlohmann::json{{"message", split}});
  EXPECT_TRUE(IsValidUtf8(text));
  EXPECT_EQ(nlohmann::json::parse(text)["message"], std::string(63, 'a') + "\xef\xbf\xbd");  // U+FFFD
}

TEST(TextTest, PercentDecoding) {
  EXPECT_EQ(PercentDecode("a%20b+c", PlusSign::kItself), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", PlusSign::kSpace), "a b c");
  EXPECT_EQ(PercentDecode("%C8%98tefan", PlusSign::kItself), "\xC8\x98tefan");
  EXPECT_EQ(PercentDecode("%2f%2F", PlusSign::kItself), "//");
  EXPECT_EQ(PercentDecode("", PlusSign::kItself), "");
  for (const char* bad : {"%", "%2", "%g0", "%0g", "abc%", "ab%4"}) {
    EXPECT_FALSE(PercentDecode(bad, PlusSign::kSpace)) << bad;
  }
}

TEST(TextTest, QueryStringsBecomeDecodedPairsInOrder) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(ParseQuery("date=2026-12-04&service=beard+trim&x%3Dy=%26"),
            (Pairs{{"date", "2026-12-04"}, {"service", "beard trim"}, {"x=y", "&"}}));
  EXPECT_EQ(ParseQuery("&&flag&a=&=b&a=2"), (Pairs{{"flag", ""}, {"a", ""}, {"", "b"}, {"a", "2"}}));
  EXPECT_EQ(ParseQuery(""), Pairs{});
  EXPECT_FALSE(ParseQuery("a=1&b=%zz"));
  EXPECT_FALSE(ParseQuery("%4=1"));
}

}  // namespace
}  // namespace barbershop::common
