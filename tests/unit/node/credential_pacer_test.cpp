// NETWORK_CREDENTIALS to one peer at most once a second (upstream receivers
// drop faster ones), queued in order, bounded.
#include "node/credential_pacer.hpp"

#include <gtest/gtest.h>

namespace zt {
namespace {

const Address kPeer(0x1122334455ULL);
const Address kOther(0x2233445566ULL);

TEST(CredentialPacer, FirstGoesAtOnceNextWaitsASecond) {
  CredentialPacer p;
  EXPECT_TRUE(p.offer(1000, kPeer, {1}));
  EXPECT_FALSE(p.offer(1500, kPeer, {2}));
  EXPECT_FALSE(p.offer(1600, kPeer, {3}));
  EXPECT_TRUE(p.offer(1700, kOther, {9})) << "other peers are paced on their own";
  ASSERT_EQ(p.next_due(), 2000);
  EXPECT_TRUE(p.take_due(1999).empty());
  auto due = p.take_due(2000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first, kPeer);
  EXPECT_EQ(due[0].second, Bytes{2});
  EXPECT_EQ(p.next_due(), 3000) << "the second waiting one a second after the first";
  due = p.take_due(3000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].second, Bytes{3});
  EXPECT_FALSE(p.next_due().has_value());
  EXPECT_FALSE(p.offer(3500, kPeer, {4})) << "still within a second of the last send";
  EXPECT_TRUE(p.offer(5000, kOther, {8}));
}

TEST(CredentialPacer, AFullQueueDropsItsOldest) {
  CredentialPacer p;
  EXPECT_TRUE(p.offer(0, kPeer, {0}));
  for (std::uint8_t i = 1; i <= CredentialPacer::kMaxQueuedPerPeer + 2; ++i)
    EXPECT_FALSE(p.offer(10, kPeer, {i}));
  EXPECT_EQ(p.dropped(), 2u);
  const auto due = p.take_due(1000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].second, Bytes{3}) << "the two oldest went";
}

}  // namespace
}  // namespace zt
