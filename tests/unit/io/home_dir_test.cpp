// The home directory: identity and authtoken lifecycle, named objects.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "io/atomic_file.hpp"
#include "io/home_dir.hpp"
#include "temp_dir.hpp"

namespace zt::io {
namespace {

namespace fs = std::filesystem;

Bytes bytes(const std::string& s) { return {s.begin(), s.end()}; }
std::string text(const Bytes& b) { return {b.begin(), b.end()}; }

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string file_text(const fs::path& p) {
  auto b = read_file(p, 1 << 20);
  return b ? text(*b) : std::string("(unreadable)");
}

// Generating an identity takes a while; tests about other things share one.
const Identity& shared_identity() {
  static const Identity id = Identity::generate();
  return id;
}

std::optional<HomeDir> open_seeded(const fs::path& dir, std::string* error) {
  EXPECT_TRUE(write_file_atomic(dir / "identity.secret", bytes(shared_identity().to_string(true)),
                                0600));
  return HomeDir::open(dir, error);
}

TEST(HomeDir, CreatesTheIdentityOnceAndReloadsTheSameOne) {
  test::TempDir tmp;
  const fs::path home = tmp.path() / "node" / "home";  // parents created too
  std::string error;
  auto first = HomeDir::open(home, &error);
  ASSERT_TRUE(first) << error;
  EXPECT_TRUE(first->identity_created());
  EXPECT_TRUE(first->identity().has_private());
  EXPECT_EQ(mode_of(home), 0700u);
  EXPECT_EQ(mode_of(home / "identity.secret"), 0600u);
  EXPECT_EQ(mode_of(home / "identity.public"), 0644u);
  EXPECT_EQ(file_text(home / "identity.secret"), first->identity().to_string(true));
  EXPECT_EQ(file_text(home / "identity.public"), first->identity().to_string(false));

  auto second = HomeDir::open(home, &error);
  ASSERT_TRUE(second) << error;
  EXPECT_FALSE(second->identity_created());
  EXPECT_EQ(second->identity().to_string(true), first->identity().to_string(true));
}

TEST(HomeDir, AcceptsAnUpstreamIdentityFileWithTrailingNewline) {
  test::TempDir tmp;
  const Identity& id = shared_identity();
  ASSERT_TRUE(write_file_atomic(tmp.path() / "identity.secret", bytes(id.to_string(true) + "\n"),
                                0644));
  std::string error;
  auto home = HomeDir::open(tmp.path(), &error);
  ASSERT_TRUE(home) << error;
  EXPECT_FALSE(home->identity_created());
  EXPECT_EQ(home->identity(), id);
  EXPECT_EQ(mode_of(tmp.path() / "identity.secret"), 0600u);  // tightened
  EXPECT_EQ(file_text(tmp.path() / "identity.public"), id.to_string(false));  // rebuilt
}

TEST(HomeDir, AuthTokenIsCreatedOnceAndStaysTheSame) {
  test::TempDir tmp;
  std::string error;
  auto first = open_seeded(tmp.path(), &error);
  ASSERT_TRUE(first) << error;
  const std::string token = first->auth_token();
  ASSERT_EQ(token.size(), HomeDir::kAuthTokenLength);
  for (char c : token) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) << token;
  EXPECT_EQ(mode_of(tmp.path() / "authtoken.secret"), 0600u);
  auto second = HomeDir::open(tmp.path(), &error);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(second->auth_token(), token);

  // A token the user wrote by hand is used as is (trimmed).
  ASSERT_TRUE(write_file_atomic(tmp.path() / "authtoken.secret", bytes("  my-token\n"), 0600));
  auto third = HomeDir::open(tmp.path(), &error);
  ASSERT_TRUE(third) << error;
  EXPECT_EQ(third->auth_token(), "my-token");
}

void expect_refused(const std::string& content, const std::string& why) {
  SCOPED_TRACE(why);
  test::TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp.path() / "identity.secret", bytes(content), 0600));
  std::string error;
  EXPECT_FALSE(HomeDir::open(tmp.path(), &error).has_value());
  EXPECT_NE(error.find("identity.secret"), std::string::npos) << error;
  EXPECT_NE(error.find("not a valid identity"), std::string::npos) << error;
  // Left exactly as it was, and no replacement made.
  EXPECT_EQ(file_text(tmp.path() / "identity.secret"), content);
  EXPECT_FALSE(fs::exists(tmp.path() / "identity.public"));
}

TEST(HomeDir, RefusesACorruptIdentitySecret) {
  const Identity& id = shared_identity();
  const std::string good = id.to_string(true);
  expect_refused("garbage", "not an identity");
  expect_refused(good.substr(0, good.size() - 10), "truncated");
  expect_refused(id.to_string(false), "public only");

  // A private key that does not belong to the public key.
  std::string wrong_private = good;
  char& c = wrong_private[wrong_private.size() - 5];
  c = c == '0' ? '1' : '0';
  expect_refused(wrong_private, "mismatched private key");

  // A key pair that does not hash to the address.
  std::string wrong_address = good;
  wrong_address[0] = wrong_address[0] == '1' ? '2' : '1';
  expect_refused(wrong_address, "address does not match");
}

TEST(HomeDir, HomeThatIsAFileIsAnError) {
  test::TempDir tmp;
  ASSERT_TRUE(write_file_atomic(tmp.path() / "file", bytes("x"), 0600));
  std::string error;
  EXPECT_FALSE(HomeDir::open(tmp.path() / "file", &error).has_value());
  EXPECT_NE(error.find("not a directory"), std::string::npos) << error;
}

TEST(HomeDir, StoresAndLoadsTheEngineObjects) {
  test::TempDir tmp;
  std::string error;
  auto home = open_seeded(tmp.path(), &error);
  ASSERT_TRUE(home) << error;
  const std::vector<std::pair<std::string, mode_t>> objects{
      {"planet", 0644},
      {"moons.d/000000deadbeef01.moon", 0644},
      {"peers.d/89e92ceee5", 0644},
      {"networks.d/8056c2e21c000001.conf", 0600},
  };
  for (const auto& [name, mode] : objects) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(home->store(name, bytes("content of " + name), &error)) << error;
    auto back = home->load(name, &error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(text(*back), "content of " + name);
    EXPECT_EQ(mode_of(tmp.path() / name), mode);
  }
  ASSERT_TRUE(home->store("planet", bytes("newer"), &error)) << error;
  EXPECT_EQ(text(*home->load("planet")), "newer");

  bool missing = false;
  EXPECT_FALSE(home->load("peers.d/0000000001", &error, &missing).has_value());
  EXPECT_TRUE(missing);

  EXPECT_TRUE(home->erase("peers.d/89e92ceee5", &error)) << error;
  EXPECT_FALSE(home->load("peers.d/89e92ceee5").has_value());
  EXPECT_TRUE(home->erase("peers.d/89e92ceee5", &error)) << error;  // already gone is fine
}

TEST(HomeDir, RejectsNamesThatEscapeOrHide) {
  test::TempDir tmp;
  const fs::path home_path = tmp.path() / "home";
  ASSERT_TRUE(fs::create_directory(home_path));
  std::string error;
  auto home = open_seeded(home_path, &error);
  ASSERT_TRUE(home) << error;
  const std::vector<std::string> bad{
      "", "..", ".", "../escape", "/etc/passwd", "peers.d/../../escape", "a//b", "a/",
      "/", ".hidden", "peers.d/.planet.tmp.abcdef", "a\\b", "a b", "x/y/z/w", std::string("nul\0x", 5),
      std::string(256, 'a'), "peers.d/..",
  };
  for (const auto& name : bad) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(HomeDir::valid_name(name));
    error.clear();
    EXPECT_FALSE(home->store(name, bytes("x"), &error));
    EXPECT_NE(error.find("refusing"), std::string::npos) << error;
    EXPECT_FALSE(home->load(name).has_value());
    EXPECT_FALSE(home->erase(name));
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "escape"));
  for (const char* good : {"planet", "peers.d/89e92ceee5", "moons.d/000000deadbeef01.moon",
                           "networks.d/8056c2e21c000001.conf", "controller.d/network/x.json"})
    EXPECT_TRUE(HomeDir::valid_name(good)) << good;
}

}  // namespace
}  // namespace zt::io
