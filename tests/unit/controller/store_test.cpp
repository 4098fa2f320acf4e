// The controller's file database: revisions, files on disk, reload after a
// restart, deletes, and files it must skip without failing.
#include "controller/store.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "controller/records.hpp"
#include "io/temp_dir.hpp"

namespace zt::controller {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
constexpr std::int64_t kNow = 1700000000000LL;
const Address kMember(0x6362cd6fdaULL);

class StoreTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_.path() / "controller.d"; }
  Store open() {
    std::string error;
    auto store = Store::open(
        root(), [this](std::string_view line) { log_.emplace_back(line); }, &error);
    EXPECT_TRUE(store) << error;
    return std::move(*store);
  }
  static std::string read(const fs::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }

  test::TempDir dir_;
  std::vector<std::string> log_;
};

TEST_F(StoreTest, CreatesTheLayout) {
  open();
  EXPECT_TRUE(fs::is_directory(root() / "network"));
  EXPECT_TRUE(fs::is_directory(root() / "trace"));
  EXPECT_EQ(fs::status(root()).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(StoreTest, RevisionCountsChangingSaves) {
  Store store = open();
  json n = network_from_post(json(), {{"name", "a"}}, kNwid, kNow);
  auto old = store.save_network(n);
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->is_null());
  EXPECT_EQ(n["revision"], 1);

  json same = network_from_post(*store.network(kNwid), {{"name", "a"}}, kNwid, kNow + 1);
  EXPECT_FALSE(store.save_network(same));  // nothing changed
  EXPECT_EQ((*store.network(kNwid))["revision"], 1);

  json renamed = network_from_post(*store.network(kNwid), {{"name", "b"}}, kNwid, kNow + 2);
  old = store.save_network(renamed);
  ASSERT_TRUE(old);
  EXPECT_EQ((*old)["name"], "a");
  EXPECT_EQ(renamed["revision"], 2);
  EXPECT_EQ((*store.network(kNwid))["name"], "b");
}

TEST_F(StoreTest, FilesAreSingleLineJsonAndSurviveARestart) {
  {
    Store store = open();
    json n = network_from_post(json(), {{"name", "golden"}}, kNwid, kNow);
    ASSERT_TRUE(store.save_network(n));
    json m = member_from_post(json(), {{"authorized", true}}, kNwid, kMember, kNow);
    ASSERT_TRUE(store.save_member(m));
    EXPECT_EQ(m["revision"], 1);
  }
  const fs::path network_file = root() / "network" / "e08309ce1e000001.json";
  const fs::path member_file =
      root() / "network" / "e08309ce1e000001" / "member" / "6362cd6fda.json";
  const std::string text = read(network_file);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(text)["name"], "golden");
  EXPECT_EQ(json::parse(read(member_file))["authorized"], true);
  EXPECT_EQ(fs::status(member_file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);

  Store again = open();
  EXPECT_EQ(again.network_ids(), std::vector<std::uint64_t>{kNwid});
  ASSERT_NE(again.network(kNwid), nullptr);
  EXPECT_EQ((*again.network(kNwid))["name"], "golden");
  ASSERT_NE(again.member(kNwid, kMember), nullptr);
  EXPECT_EQ((*again.member(kNwid, kMember))["revision"], 1);
  EXPECT_TRUE(log_.empty());
}

TEST_F(StoreTest, MemberNeedsItsNetwork) {
  Store store = open();
  json m = member_from_post(json(), json::object(), kNwid, kMember, kNow);
  EXPECT_FALSE(store.save_member(m));
  EXPECT_EQ(store.member(kNwid, kMember), nullptr);
}

TEST_F(StoreTest, DeletesRemoveFiles) {
  Store store = open();
  json n = network_from_post(json(), json::object(), kNwid, kNow);
  store.save_network(n);
  json m = member_from_post(json(), json::object(), kNwid, kMember, kNow);
  store.save_member(m);
  const fs::path member_file =
      root() / "network" / "e08309ce1e000001" / "member" / "6362cd6fda.json";
  ASSERT_TRUE(fs::exists(member_file));

  auto gone = store.erase_member(kNwid, kMember);
  ASSERT_TRUE(gone);
  EXPECT_EQ((*gone)["id"], "6362cd6fda");
  EXPECT_FALSE(fs::exists(member_file));
  EXPECT_FALSE(store.erase_member(kNwid, kMember));

  store.save_member(m);
  ASSERT_TRUE(store.erase_network(kNwid));
  EXPECT_FALSE(fs::exists(root() / "network" / "e08309ce1e000001.json"));
  EXPECT_FALSE(fs::exists(root() / "network" / "e08309ce1e000001"));
  EXPECT_FALSE(store.has_network(kNwid));
  EXPECT_FALSE(store.erase_network(kNwid));
}

TEST_F(StoreTest, MalformedFilesAreSkippedWithALogLine) {
  const fs::path net = root() / "network";
  write(net / "e08309ce1e000001.json", R"({"id":"e08309ce1e000001","name":"ok"})");
  write(net / "e08309ce1e000002.json", "{not json");
  write(net / "e08309ce1e000003.json", R"({"id":"short"})");
  write(net / "e08309ce1e000004.json", R"([1,2,3])");
  write(net / "e08309ce1e000005.json", std::string(100, '[') + std::string(100, ']'));
  write(net / "toolong-name-e08309ce1e000006.json",
        R"({"id":"e08309ce1e000006"})");  // not 21 chars
  write(net / "e08309ce1e000001" / "member" / "6362cd6fda.json", R"({"id":"6362cd6fda"})");
  write(net / "e08309ce1e000001" / "member" / "c8b11f7020.json", R"({"id":12})");
  write(net / "e08309ce1e000001" / "member" / "readme.txt", "hello");

  Store store = open();
  EXPECT_EQ(store.network_ids(), std::vector<std::uint64_t>{kNwid});
  EXPECT_NE(store.member(kNwid, kMember), nullptr);
  EXPECT_EQ(store.members(kNwid)->size(), 1u);
  EXPECT_EQ(log_.size(), 5u);
}

TEST_F(StoreTest, SummaryCollectsBridgesAndAddresses) {
  Store store = open();
  json n = network_from_post(json(), json::object(), kNwid, kNow);
  store.save_network(n);
  json a =
      member_from_post(json(), {{"authorized", true}, {"ipAssignments", {"10.0.0.2", "fd00::2"}}},
                       kNwid, Address(0x2222222222), kNow);
  json b = member_from_post(json(), {{"activeBridge", true}, {"ipAssignments", {"10.0.0.1"}}},
                            kNwid, Address(0x1111111111), kNow);
  store.save_member(a);
  store.save_member(b);
  const NetworkSummary s = store.summary(kNwid);
  EXPECT_EQ(s.total_members, 2u);
  EXPECT_EQ(s.authorized_members, 1u);
  EXPECT_EQ(s.active_bridges, std::vector<Address>{Address(0x1111111111)});
  EXPECT_EQ(s.allocated_ips.size(), 3u);
  EXPECT_TRUE(s.is_allocated(*InetAddress::from_string("10.0.0.1")));
  EXPECT_TRUE(s.is_allocated(*InetAddress::from_string("fd00::2")));
  EXPECT_FALSE(s.is_allocated(*InetAddress::from_string("10.0.0.3")));
}

}  // namespace
}  // namespace zt::controller
