#include "barbershop/common/url_settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace barbershop::common {
namespace {

TEST(MaskPasswordTest, HidesEveryPasswordAndNothingElse) {
  const std::pair<std::string, std::string> cases[] = {
      {"amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/"},
      {"postgresql://app:s3cr@t@db:5432/shop", "postgresql://app:***@db:5432/shop"},
      {"postgresql://postgres@127.0.0.1:5432/shop", "postgresql://postgres@127.0.0.1:5432/shop"},
      {"redis://:hunter2@cache:6379/0", "redis://:***@cache:6379/0"},
      {"redis://127.0.0.1:6379", "redis://127.0.0.1:6379"},
      {"postgresql://app@db/shop?sslmode=require&password=x&connect_timeout=2",
       "postgresql://app@db/shop?sslmode=require&password=***&connect_timeout=2"},
      {"host=db user=app password=secret dbname=shop", "host=db user=app password=*** dbname=shop"},
      {"postgresql://db/shop?old_password=kept", "postgresql://db/shop?old_password=kept"},
      {"127.0.0.1:50051", "127.0.0.1:50051"},
      {"none", "none"},
  };
  for (const auto& [url, masked] : cases) EXPECT_EQ(MaskPassword(url), masked) << url;
}

class UrlOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv(kEnv); }
  void TearDown() override { unsetenv(kEnv); }

  Result<std::vector<UrlSetting>> Parse(const std::vector<std::string>& args) {
    CLI::App cli;
    UrlOptions urls(cli);
    urls.Add("--thing-url", kEnv, "thing URL", value_, "the thing", " (or none)");
    std::vector<const char*> argv{"test"};
    for (const auto& a : args) argv.push_back(a.c_str());
    cli.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
    return urls.Resolve();
  }

  static constexpr const char* kEnv = "BARBERSHOP_URL_OPTIONS_TEST_URL";
  std::string value_ = "set-before-parsing";
};

TEST_F(UrlOptionsTest, WithNeitherFlagNorVariableSaysWhatToSet) {
  auto parsed = Parse({});
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "no thing URL: set --thing-url or BARBERSHOP_URL_OPTIONS_TEST_URL (or none)");
  EXPECT_EQ(value_, "") << "a value set before parsing is no default";
}

TEST_F(UrlOptionsTest, AnEmptyVariableIsUnset) {
  setenv(kEnv, "", 1);
  EXPECT_FALSE(Parse({}));
}

TEST_F(UrlOptionsTest, TakesTheVariableWithoutTheFlagAndSaysSo) {
  setenv(kEnv, "redis://a:1", 1);
  auto parsed = Parse({});
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ(value_, "redis://a:1");
  EXPECT_EQ((*parsed)[0].value, "redis://a:1");
  EXPECT_EQ((*parsed)[0].what, "thing URL");
  EXPECT_EQ((*parsed)[0].source, "environment BARBERSHOP_URL_OPTIONS_TEST_URL");
}

TEST_F(UrlOptionsTest, TheFlagWinsOverTheVariable) {
  setenv(kEnv, "redis://from-env:1", 1);
  auto parsed = Parse({"--thing-url", "redis://from-flag:2"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(value_, "redis://from-flag:2");
  EXPECT_EQ((*parsed)[0].source, "flag --thing-url");
}

}  // namespace
}  // namespace barbershop::common
