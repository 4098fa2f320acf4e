// The in-memory record backend under a Store: what a restarted Store finds,
// which saves reach the database, deletes, seeded records and failures.
#include "controller/memory_backend.hpp"

#include <gtest/gtest.h>

#include "controller/records.hpp"
#include "controller/store.hpp"

namespace zt::controller {
namespace {

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
constexpr std::uint64_t kOtherNwid = 0xe08309ce1e000002ULL;
constexpr std::int64_t kNow = 1700000000000LL;
const Address kMember(0x6362cd6fdaULL);
const Address kOtherMember(0xc8b11f7020ULL);

// The stored network record, null when absent (so a failure is a
// failed expectation, not a crash).
json network_of(const Store& store) {
  const json* n = store.network(kNwid);
  return n ? *n : json();
}

class MemoryBackendTest : public ::testing::Test {
 protected:
  Store open() { return Store(std::make_unique<MemoryBackend>(db_)); }
  static json network(const json& body = json::object()) {
    return network_from_post(json(), body, kNwid, kNow);
  }
  static json member(const json& body = json::object(), Address id = kMember) {
    return member_from_post(json(), body, kNwid, id, kNow);
  }

  std::shared_ptr<MemoryDatabase> db_ = std::make_shared<MemoryDatabase>();
};

TEST_F(MemoryBackendTest, ARestartedStoreFindsWhatWasSaved) {
  {
    Store store = open();
    json n = network({{"name", "sim"}});
    ASSERT_TRUE(store.save_network(n));
    json m = member({{"authorized", true}});
    ASSERT_TRUE(store.save_member(m));
    json renamed = network_from_post(network_of(store), {{"name", "sim2"}}, kNwid, kNow + 1);
    ASSERT_TRUE(store.save_network(renamed));
  }
  Store again = open();
  EXPECT_EQ(again.network_ids(), std::vector<std::uint64_t>{kNwid});
  EXPECT_EQ(field(network_of(again), "name"), "sim2");
  EXPECT_EQ(field(network_of(again), "revision"), 2);
  ASSERT_NE(again.member(kNwid, kMember), nullptr);
  EXPECT_EQ((*again.member(kNwid, kMember))["authorized"], true);
  EXPECT_EQ((*again.member(kNwid, kMember))["revision"], 1);
}

TEST_F(MemoryBackendTest, OnlyChangingSavesReachTheDatabase) {
  Store store = open();
  json n = network();
  store.save_network(n);
  EXPECT_EQ(db_->writes, 1u);
  json same = network_from_post(network_of(store), json::object(), kNwid, kNow + 5);
  EXPECT_FALSE(store.save_network(same));
  EXPECT_EQ(db_->writes, 1u);
  EXPECT_EQ(db_->networks.at(kNwid)["revision"], 1);
}

TEST_F(MemoryBackendTest, ErasingANetworkRemovesItsMembers) {
  Store store = open();
  json n = network();
  store.save_network(n);
  json a = member(), b = member(json::object(), kOtherMember);
  store.save_member(a);
  store.save_member(b);
  ASSERT_EQ(db_->members.size(), 2u);

  ASSERT_TRUE(store.erase_member(kNwid, kOtherMember));
  EXPECT_EQ(db_->members.count({kNwid, kOtherMember}), 0u);
  ASSERT_TRUE(store.erase_network(kNwid));
  EXPECT_TRUE(db_->networks.empty());
  EXPECT_TRUE(db_->members.empty());
  EXPECT_TRUE(open().network_ids().empty());
}

TEST_F(MemoryBackendTest, SeededRecordsAreServedAndStrayOnesLeftOut) {
  db_->networks[kNwid] = network({{"name", "seeded"}});
  db_->networks[kNwid]["certificateTimeoutWindowSize"] = 300000;
  db_->networks[kOtherNwid] = "not an object";
  db_->members[{kNwid, kMember}] = member();
  db_->members[{kNwid, kOtherMember}] = 12;
  db_->members[{0xe08309ce1e000003ULL, kMember}] = member();  // no such network

  Store store = open();
  EXPECT_EQ(store.network_ids(), std::vector<std::uint64_t>{kNwid});
  EXPECT_EQ(field(network_of(store), "certificateTimeoutWindowSize"), 300000);
  ASSERT_NE(store.members(kNwid), nullptr);
  EXPECT_EQ(store.members(kNwid)->size(), 1u);
  EXPECT_NE(store.member(kNwid, kMember), nullptr);
}

TEST_F(MemoryBackendTest, AFailedWriteKeepsTheDatabaseAndServesFromMemory) {
  Store store = open();
  json n = network({{"name", "before"}});
  store.save_network(n);
  db_->failing = true;
  json renamed = network_from_post(network_of(store), {{"name", "after"}}, kNwid, kNow + 1);
  ASSERT_TRUE(store.save_network(renamed));
  json m = member();
  ASSERT_TRUE(store.save_member(m));
  EXPECT_EQ(field(network_of(store), "name"), "after");
  EXPECT_NE(store.member(kNwid, kMember), nullptr);
  EXPECT_EQ(store.persist_failures(), 2u);

  EXPECT_EQ(db_->networks.at(kNwid)["name"], "before");
  EXPECT_TRUE(db_->members.empty());
  EXPECT_TRUE(store.erase_network(kNwid).has_value());
  EXPECT_EQ(store.persist_failures(), 3u);
  EXPECT_EQ(db_->networks.count(kNwid), 1u);

  db_->failing = false;
  EXPECT_EQ(field(network_of(open()), "name"), "before");
}

}  // namespace
}  // namespace zt::controller
