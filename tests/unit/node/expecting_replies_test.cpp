// §12.4's table of packet ids we may get OK/ERROR for.
#include "node/expecting_replies.hpp"

#include <gtest/gtest.h>

namespace zt {
namespace {

TEST(ExpectingReplies, MatchesOnlyTheUpperHalfOfIdsItWasGiven) {
  ExpectingReplies t;
  const std::uint64_t id = 0x1122334455667788ULL;
  EXPECT_FALSE(t.expected(id));
  t.expect(id);
  EXPECT_TRUE(t.expected(id));
  EXPECT_TRUE(t.expected(0x1122334400000000ULL));  // upstream keeps only pid >> 32
  EXPECT_FALSE(t.expected(0x1122334555667788ULL));
}

TEST(ExpectingReplies, FreshTableExpectsNothingIncludingZero) {
  ExpectingReplies t;
  for (std::uint64_t hi = 0; hi < 512; ++hi) EXPECT_FALSE(t.expected(hi << 32)) << hi;
}

TEST(ExpectingReplies, EachBucketKeeps32Entries) {
  ExpectingReplies t;
  // All of these land in bucket 0x42.
  for (std::uint64_t i = 0; i < 33; ++i) t.expect(((i << 8) | 0x42) << 32);
  EXPECT_FALSE(t.expected((0x42ULL) << 32));  // the first was overwritten
  for (std::uint64_t i = 1; i < 33; ++i) EXPECT_TRUE(t.expected(((i << 8) | 0x42) << 32)) << i;
}

}  // namespace
}  // namespace zt
