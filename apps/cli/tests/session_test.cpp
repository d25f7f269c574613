#include "session.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace barbershop::cli {
namespace {

namespace fs = std::filesystem;

TEST(ChooseServerTest, AnExplicitServerComesFirst) {
  const Session session{"stored:1", "t", "", "", ""};
  EXPECT_EQ(ChooseServer(std::string("given:1"), "env:1", session), "given:1");
  EXPECT_EQ(ChooseServer(std::nullopt, "env:1", session), "env:1");
  EXPECT_EQ(ChooseServer(std::nullopt, "", session), "stored:1");
  EXPECT_EQ(ChooseServer(std::nullopt, nullptr, session), "stored:1");
  EXPECT_EQ(ChooseServer(std::nullopt, nullptr, std::nullopt), kDefaultServer);
  EXPECT_EQ(ChooseServer(std::nullopt, nullptr, Session{}), kDefaultServer);
}

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "barbershop-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(SessionStoreTest, NobodyIsLoggedInAtFirst) {
  const SessionStore store(dir_ / "barbershop" / "session.json");
  const auto loaded = store.Load();
  ASSERT_TRUE(loaded.has_value());
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(SessionStoreTest, ASavedSessionLoadsBackAndOnlyItsOwnerCanReadIt) {
  const fs::path path = dir_ / "barbershop" / "session.json";
  const SessionStore store(path);
  ASSERT_EQ(store.Save({"core:50051", "tok", "u1", "barber", "2026-12-02T00:00:00Z"}), std::nullopt);
  const auto loaded = store.Load();
  ASSERT_TRUE(loaded.has_value());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->server, "core:50051");
  EXPECT_EQ((*loaded)->token, "tok");
  EXPECT_EQ((*loaded)->user_id, "u1");
  EXPECT_EQ((*loaded)->role, "barber");
  EXPECT_EQ((*loaded)->expires_at, "2026-12-02T00:00:00Z");
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(SessionStoreTest, ADamagedFileSaysToLogInAgain) {
  const fs::path path = dir_ / "session.json";
  std::ofstream(path) << "{\"server\": \"core:1\"}";
  const auto loaded = SessionStore(path).Load();
  ASSERT_FALSE(loaded.has_value());
  EXPECT_EQ(loaded.error().exit_code, kExitRefused);
  EXPECT_NE(loaded.error().message.find("is damaged; run 'barbershop login' again"), std::string::npos);
}

TEST_F(SessionStoreTest, RemoveSaysWhetherThereWasASession) {
  const SessionStore store(dir_ / "session.json");
  ASSERT_EQ(store.Save({"core:1", "tok", "", "", ""}), std::nullopt);
  const auto first = store.Remove();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(*first);
  const auto second = store.Remove();
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(*second);
}

TEST(SessionStoreWithoutFolderTest, EveryOperationSaysWhatToSet) {
  const SessionStore store{fs::path{}};
  ASSERT_FALSE(store.Load().has_value());
  EXPECT_NE(store.Load().error().message.find("set HOME or XDG_CONFIG_HOME"), std::string::npos);
  EXPECT_TRUE(store.Save({}).has_value());
  EXPECT_FALSE(store.Remove().has_value());
}

}  // namespace
}  // namespace barbershop::cli
