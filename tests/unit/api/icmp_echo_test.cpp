// zts_ping's echo messages: the request's fields and checksum, and which
// received IP packets count as its reply.
#include "api/icmp_echo.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace zt::api {
namespace {

// What lwIP hands a raw socket: an IP header, then the ICMP message.
std::vector<std::uint8_t> ip_packet(bool v6, std::vector<std::uint8_t> icmp) {
  std::vector<std::uint8_t> p(v6 ? 40 : 20, 0);
  if (v6) {
    p[0] = 0x60;
    p[6] = 58;
  } else {
    p[0] = 0x45;
    p[9] = 1;
  }
  p.insert(p.end(), icmp.begin(), icmp.end());
  return p;
}

std::vector<std::uint8_t> reply_to(bool v6, std::uint16_t ident, std::uint16_t seq) {
  auto r = echo_request(v6, ident, seq);
  r[0] = v6 ? 129 : 0;
  return {r.begin(), r.end()};
}

std::uint16_t sum16(std::span<const std::uint8_t> d) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < d.size(); i += 2) sum += (d[i] << 8) | d[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

TEST(IcmpEcho, RequestFields) {
  const auto v4 = echo_request(false, 0x1234, 0xabcd);
  EXPECT_EQ(v4[0], 8);
  EXPECT_EQ(v4[1], 0);
  EXPECT_EQ(v4[4], 0x12);
  EXPECT_EQ(v4[7], 0xcd);
  EXPECT_EQ(sum16(v4), 0xffff);  // a correct Internet checksum sums to all ones
  const auto v6 = echo_request(true, 1, 2);
  EXPECT_EQ(v6[0], 128);
  EXPECT_EQ(v6[2], 0);  // the stack fills ICMPv6's
  EXPECT_EQ(v6[3], 0);
}

TEST(IcmpEcho, RecognizesItsReplyOnly) {
  for (bool v6 : {false, true}) {
    EXPECT_TRUE(is_echo_reply(ip_packet(v6, reply_to(v6, 7, 9)), v6, 7, 9)) << v6;
    EXPECT_FALSE(is_echo_reply(ip_packet(v6, reply_to(v6, 7, 9)), v6, 7, 10)) << v6;
    EXPECT_FALSE(is_echo_reply(ip_packet(v6, reply_to(v6, 7, 9)), v6, 8, 9)) << v6;
    EXPECT_FALSE(is_echo_reply(ip_packet(v6, reply_to(v6, 7, 9)), !v6, 7, 9)) << v6;
    auto request = echo_request(v6, 7, 9);  // our own request, looped back
    EXPECT_FALSE(is_echo_reply(ip_packet(v6, {request.begin(), request.end()}), v6, 7, 9)) << v6;
  }
}

TEST(IcmpEcho, IPv4OptionsMoveTheMessage) {
  auto p = ip_packet(false, reply_to(false, 1, 1));
  p[0] = 0x46;  // 24-byte header
  p.insert(p.begin() + 20, {1, 1, 1, 1});
  EXPECT_TRUE(is_echo_reply(p, false, 1, 1));
  p[0] = 0x44;  // a header length below the minimum
  EXPECT_FALSE(is_echo_reply(p, false, 1, 1));
}

TEST(IcmpEcho, TruncatedOrForeignPacketsAreRefused) {
  for (bool v6 : {false, true}) {
    const auto whole = ip_packet(v6, reply_to(v6, 3, 4));
    const std::size_t needed = (v6 ? 40 : 20) + 8;
    for (std::size_t len = 0; len < needed; ++len)
      EXPECT_FALSE(is_echo_reply({whole.data(), len}, v6, 3, 4)) << v6 << " " << len;
    EXPECT_TRUE(is_echo_reply({whole.data(), needed}, v6, 3, 4));
    auto udp = whole;
    udp[v6 ? 6 : 9] = 17;
    EXPECT_FALSE(is_echo_reply(udp, v6, 3, 4));
  }
}

}  // namespace
}  // namespace zt::api
