// Subscriber bookkeeping (vl2.md §12.2–§12.4): adding, gathering,
// expiry and bounds.
#include "node/multicaster.hpp"

#include <gtest/gtest.h>

#include <set>

#include "node/vl2_params.hpp"

namespace zt {
namespace {

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
const MulticastGroup kGroup{MacAddress(0xffffffffffffULL), 0x0a931106};
const Address kSelf(0x6362cd6fdaULL);

std::function<std::uint64_t()> counter() {
  auto n = std::make_shared<std::uint64_t>(12345);
  return [n] { return (*n = *n * 6364136223846793005ULL + 1442695040888963407ULL) >> 11; };
}

TEST(Multicaster, AddsRefreshesAndNeverAddsSelf) {
  Multicaster m;
  EXPECT_TRUE(m.add(0, kNwid, kGroup, Address(0x1111111111), kSelf));
  EXPECT_FALSE(m.add(10, kNwid, kGroup, Address(0x1111111111), kSelf));  // a refresh
  EXPECT_FALSE(m.add(10, kNwid, kGroup, kSelf, kSelf));
  EXPECT_FALSE(m.add(10, kNwid, kGroup, Address(0xff00000001), kSelf));  // reserved
  EXPECT_TRUE(m.add(10, kNwid + 1, kGroup, Address(0x2222222222), kSelf));
  EXPECT_EQ(m.members(kNwid, kGroup), std::vector<Address>{Address(0x1111111111)});
  m.remove(kNwid, kGroup, Address(0x1111111111));
  EXPECT_TRUE(m.members(kNwid, kGroup).empty());
  EXPECT_EQ(m.member_count(), 1u);
}

TEST(Multicaster, GatherReturnsOthersNotTheRequesterAndSelfFirst) {
  Multicaster m;
  for (std::uint64_t a = 1; a <= 10; ++a) m.add(0, kNwid, kGroup, Address(0x1000000000 + a), kSelf);
  const Address requester(0x1000000003);
  const GatherResult all = m.gather(requester, kNwid, kGroup, 100, true, kSelf, counter());
  EXPECT_EQ(all.total_known, 11u);
  ASSERT_EQ(all.members.size(), 10u);  // self + 9 (not the requester)
  EXPECT_EQ(all.members[0], kSelf);
  EXPECT_EQ(std::set<Address>(all.members.begin(), all.members.end()).size(), 10u);
  EXPECT_EQ(std::count(all.members.begin(), all.members.end(), requester), 0);
  const GatherResult few = m.gather(requester, kNwid, kGroup, 3, false, kSelf, counter());
  EXPECT_EQ(few.members.size(), 3u);
  EXPECT_EQ(few.total_known, 10u);
  EXPECT_TRUE(m.gather(requester, kNwid, kGroup, 0, true, kSelf, counter()).members.empty());
}

TEST(Multicaster, MembersExpireAfterTheLikePeriod) {
  Multicaster m;
  m.add(0, kNwid, kGroup, Address(0x1111111111), kSelf);
  m.add(300000, kNwid, kGroup, Address(0x2222222222), kSelf);
  m.clean(vl2::kMulticastLikeExpire);
  EXPECT_EQ(m.members(kNwid, kGroup), std::vector<Address>{Address(0x2222222222)});
  m.clean(300000 + vl2::kMulticastLikeExpire);
  EXPECT_EQ(m.group_count(), 0u);
  EXPECT_EQ(m.member_count(), 0u);
}

TEST(Multicaster, TablesStayBounded) {
  Multicaster m;
  for (std::uint64_t a = 1; a <= vl2::kMaxMembersPerGroup + 100; ++a)
    m.add(static_cast<std::int64_t>(a), kNwid, kGroup, Address(0x1000000000 + a), kSelf);
  EXPECT_EQ(m.members(kNwid, kGroup).size(), vl2::kMaxMembersPerGroup);
  // The oldest made room for the newest.
  EXPECT_EQ(m.members(kNwid, kGroup).back(), Address(0x1000000000 + vl2::kMaxMembersPerGroup + 100));
  EXPECT_EQ(m.members(kNwid, kGroup).front(), Address(0x1000000000 + 101));
  for (std::uint32_t g = 0; g < vl2::kMaxMulticastGroups + 10; ++g)
    m.add(0, kNwid, MulticastGroup{MacAddress(0x01005e000000ULL), g}, Address(0x3333333333), kSelf);
  EXPECT_EQ(m.group_count(), vl2::kMaxMulticastGroups);
}

TEST(Multicaster, PendingSendsAreKeptBrieflyAndBounded) {
  Multicaster m;
  for (int i = 0; i < 40; ++i) {
    PendingMulticast p;
    p.created = i;
    p.network_id = kNwid;
    p.group = kGroup;
    p.limit = 5;
    m.add_pending(std::move(p));
  }
  ASSERT_NE(m.pending(kNwid, kGroup), nullptr);
  EXPECT_EQ(m.pending(kNwid, kGroup)->size(), vl2::kMaxPendingMulticasts);
  EXPECT_EQ(m.pending(kNwid, kGroup)->front().created, 8);
  m.clean(40 + vl2::kMulticastTransmitTimeout);
  EXPECT_EQ(m.pending(kNwid, kGroup), nullptr);
}

}  // namespace
}  // namespace zt
