// BufferedRandom: what it hands out is fresh, whatever the request sizes.
#include "crypto/random.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <set>
#include <vector>

namespace zt::crypto {
namespace {

TEST(BufferedRandom, SmallDrawsDoNotRepeatAcrossBlocks) {
  BufferedRandom r;
  std::set<std::uint64_t> seen;
  // 3 blocks' worth of 8-byte draws: a repeat would mean a block was reused.
  for (std::size_t i = 0; i < 3 * BufferedRandom::kBlock / 8; ++i) {
    std::uint64_t v = 0;
    r.fill(&v, sizeof v);
    EXPECT_TRUE(seen.insert(v).second) << "draw " << i << " repeated";
  }
}

TEST(BufferedRandom, DrawsStraddlingTheBlockEndAreWhole) {
  BufferedRandom r;
  std::vector<std::uint8_t> first(BufferedRandom::kBlock - 3);
  r.fill(first.data(), first.size());
  // 3 bytes from this block, 13 from the next: no zeros left from the wipe.
  for (int round = 0; round < 200; ++round) {
    std::uint8_t out[16] = {};
    r.fill(out, sizeof out);
    std::uint64_t lo, hi;
    std::memcpy(&lo, out, 8);
    std::memcpy(&hi, out + 8, 8);
    EXPECT_FALSE(lo == 0 || hi == 0);
  }
}

TEST(BufferedRandom, BitsAreBalancedForOddSizesAndLargeDraws) {
  BufferedRandom r;
  std::vector<std::uint8_t> bytes;
  for (std::size_t size : {1u, 3u, 7u, 4096u, 10000u}) {
    for (int i = 0; i < 20; ++i) {
      std::vector<std::uint8_t> chunk(size);
      r.fill(chunk.data(), chunk.size());
      bytes.insert(bytes.end(), chunk.begin(), chunk.end());
    }
  }
  std::size_t ones = 0;
  for (std::uint8_t b : bytes) ones += static_cast<std::size_t>(std::popcount(b));
  const double share = static_cast<double>(ones) / (8.0 * static_cast<double>(bytes.size()));
  EXPECT_NEAR(share, 0.5, 0.01);
}

}  // namespace
}  // namespace zt::crypto
