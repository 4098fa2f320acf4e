// ones_complement_sum against RFC 1071's example and a 2-bytes-at-a-time
// reference, for every length and alignment that matters.
#include "stack/internet_checksum.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace zt::stack {
namespace {

// What lwIP's own routine computes: native 16-bit words, zero-padded.
std::uint16_t reference_sum(const std::uint8_t* p, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) {
    std::uint16_t w;
    std::memcpy(&w, p + i, 2);
    sum += w;
  }
  if (len % 2 != 0) {
    std::uint8_t last[2] = {p[len - 1], 0};
    std::uint16_t w;
    std::memcpy(&w, last, 2);
    sum += w;
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

std::uint16_t to_network(std::uint16_t native) {
  const std::uint8_t* b = reinterpret_cast<const std::uint8_t*>(&native);
  return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

TEST(InternetChecksum, Rfc1071Example) {
  // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
  const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(to_network(ones_complement_sum(bytes, sizeof bytes)), 0xddf2);
}

TEST(InternetChecksum, EmptyIsZero) { EXPECT_EQ(ones_complement_sum(nullptr, 0), 0); }

TEST(InternetChecksum, MatchesTheReferenceForEveryLengthAndAlignment) {
  std::mt19937 rng(1071);
  std::vector<std::uint8_t> buf(3000 + 8);
  for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
  for (std::size_t offset = 0; offset < 8; ++offset)
    for (std::size_t len = 0; len <= 300; ++len)
      ASSERT_EQ(ones_complement_sum(buf.data() + offset, len),
                reference_sum(buf.data() + offset, len))
          << "offset " << offset << " length " << len;
  for (std::size_t len : {1459u, 1460u, 2759u, 2760u, 3000u})
    EXPECT_EQ(ones_complement_sum(buf.data() + 1, len), reference_sum(buf.data() + 1, len));
}

TEST(InternetChecksum, CarriesOutOfEveryWordComeBackIn) {
  // All ones: every 64-bit add overflows; the sum of n words of ffff is ffff.
  std::vector<std::uint8_t> ones(4096, 0xff);
  for (std::size_t len : {2u, 8u, 32u, 34u, 4096u})
    EXPECT_EQ(ones_complement_sum(ones.data(), len), 0xffff) << len;
  // ffff + 0001 = 0001 after the end-around carry.
  const std::uint8_t pair[] = {0xff, 0xff, 0x00, 0x01};
  EXPECT_EQ(to_network(ones_complement_sum(pair, sizeof pair)), 0x0001);
}

}  // namespace
}  // namespace zt::stack
