// AppStorage: what goes to files under the storage path (as the cache flags
// allow) and what stays in memory; the identity's files.
#include "api/app_storage.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace zt::api {
namespace {

namespace fs = std::filesystem;

class AppStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("zts_storage_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static Bytes bytes(const char* s) { return Bytes(s, s + std::strlen(s)); }
  fs::path dir_;
};

TEST_F(AppStorageTest, CachesGoToFilesByDefault) {
  auto s = AppStorage::open(dir_ / "a" / "b", CacheFlags{}, nullptr);
  ASSERT_TRUE(s);
  EXPECT_TRUE(fs::is_directory(dir_ / "a" / "b"));
  s->store("networks.d/0123456789abcdef.conf", bytes("conf"));
  s->store("peers.d/0123456789", bytes("peer"));
  s->store("planet", bytes("planet"));
  EXPECT_TRUE(fs::exists(dir_ / "a/b/networks.d/0123456789abcdef.conf"));
  EXPECT_TRUE(fs::exists(dir_ / "a/b/peers.d/0123456789"));
  EXPECT_EQ(s->load("planet"), bytes("planet"));
  EXPECT_EQ(s->list("networks.d"), std::vector<std::string>{"0123456789abcdef.conf"});
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "a/b/networks.d/0123456789abcdef.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);  // configs hold credentials
  s->remove("planet");
  EXPECT_FALSE(s->load("planet"));
}

TEST_F(AppStorageTest, DisallowedCachesStayInMemory) {
  CacheFlags flags;
  flags.networks = false;
  flags.roots = false;
  auto s = AppStorage::open(dir_, flags, nullptr);
  ASSERT_TRUE(s);
  s->store("networks.d/0123456789abcdef.conf", bytes("conf"));
  s->store("planet", bytes("planet"));
  s->store("moons.d/0000000000000001.moon", bytes("moon"));
  s->store("peers.d/0123456789", bytes("peer"));
  EXPECT_FALSE(fs::exists(dir_ / "networks.d"));
  EXPECT_FALSE(fs::exists(dir_ / "planet"));
  EXPECT_FALSE(fs::exists(dir_ / "moons.d"));
  EXPECT_TRUE(fs::exists(dir_ / "peers.d/0123456789"));
  // Still there for this run.
  EXPECT_EQ(s->load("networks.d/0123456789abcdef.conf"), bytes("conf"));
  EXPECT_EQ(s->list("networks.d"), std::vector<std::string>{"0123456789abcdef.conf"});
}

TEST_F(AppStorageTest, WithoutAPathNothingIsWritten) {
  auto s = AppStorage::open(std::nullopt, CacheFlags{}, nullptr);
  ASSERT_TRUE(s);
  s->store("planet", bytes("planet"));
  EXPECT_EQ(s->load("planet"), bytes("planet"));
  bool missing = false;
  std::string error;
  EXPECT_FALSE(s->load_identity(&missing, &error));
  EXPECT_TRUE(missing);
  EXPECT_TRUE(s->save_identity(Identity::generate(), &error));  // nowhere to save: fine
}

TEST_F(AppStorageTest, IdentityRoundTripsThroughItsFiles) {
  auto s = AppStorage::open(dir_, CacheFlags{}, nullptr);
  ASSERT_TRUE(s);
  bool missing = false;
  std::string error;
  EXPECT_FALSE(s->load_identity(&missing, &error));
  EXPECT_TRUE(missing);
  const Identity id = Identity::generate();
  ASSERT_TRUE(s->save_identity(id, &error)) << error;
  std::ifstream pub(dir_ / "identity.public");
  std::string text;
  std::getline(pub, text);
  EXPECT_EQ(text, id.to_string(false));
  struct stat st {};
  ASSERT_EQ(stat((dir_ / "identity.secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::optional<Identity> back = s->load_identity(&missing, &error);
  ASSERT_TRUE(back);
  EXPECT_FALSE(missing);
  EXPECT_EQ(back->to_string(true), id.to_string(true));
}

TEST_F(AppStorageTest, ABrokenIdentityIsRefusedNotReplaced) {
  auto s = AppStorage::open(dir_, CacheFlags{}, nullptr);
  ASSERT_TRUE(s);
  const Identity id = Identity::generate();
  std::string text = id.to_string(false);  // public only: no secret
  std::ofstream(dir_ / "identity.secret") << text;
  bool missing = true;
  std::string error;
  EXPECT_FALSE(s->load_identity(&missing, &error));
  EXPECT_FALSE(missing);
  EXPECT_NE(error.find("no secret key"), std::string::npos) << error;
  std::ofstream(dir_ / "identity.secret") << "garbage";
  EXPECT_FALSE(s->load_identity(&missing, &error));
  EXPECT_FALSE(error.empty());
}

TEST_F(AppStorageTest, TheIdentityCacheFlagKeepsItOffDisk) {
  CacheFlags flags;
  flags.identity = false;
  auto s = AppStorage::open(dir_, flags, nullptr);
  ASSERT_TRUE(s);
  std::string error;
  EXPECT_TRUE(s->save_identity(Identity::generate(), &error));
  EXPECT_FALSE(fs::exists(dir_ / "identity.secret"));
}

}  // namespace
}  // namespace zt::api
