// rtnetlink requests byte for byte (laid out by hand from linux/netlink.h,
// linux/rtnetlink.h and linux/if_addr.h, on a little-endian host), and
// acks read back with bounds checks.
#include <gtest/gtest.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include "proto/hex.hpp"
#include "stack/tap/netlink_messages.hpp"

namespace zt::stack::tap {
namespace {

InetAddress addr(const char* text) { return *InetAddress::from_string(text); }

class NetlinkMessages : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (std::endian::native != std::endian::little)
      GTEST_SKIP() << "the expected bytes are written for a little-endian host";
  }
};

TEST_F(NetlinkMessages, LinkSetupSetsMacMtuAndUp) {
  const NetlinkBytes m = link_setup_request(3, 9, MacAddress(0x021122334455ULL), 2800);
  EXPECT_EQ(to_hex(m),
            "34000000" "1000" "0500" "03000000" "00000000"  // len 52, RTM_NEWLINK, REQUEST|ACK, seq 3
            "0000" "0000" "09000000" "01000000" "01000000"  // AF_UNSPEC, index 9, flags IFF_UP, change IFF_UP
            "0a000100" "021122334455" "0000"                // IFLA_ADDRESS (padded to 4)
            "08000400" "f00a0000");                         // IFLA_MTU 2800
}

TEST_F(NetlinkMessages, Ipv4AddressWithBroadcast) {
  const NetlinkBytes m = address_request(7, true, 5, addr("10.1.2.3/24"));
  EXPECT_EQ(to_hex(m),
            "30000000" "1400" "0505" "07000000" "00000000"  // RTM_NEWADDR, REQUEST|ACK|REPLACE|CREATE
            "02" "18" "80" "00" "05000000"                  // AF_INET /24 PERMANENT, universe, index 5
            "08000200" "0a010203"                           // IFA_LOCAL
            "08000100" "0a010203"                           // IFA_ADDRESS
            "08000400" "0a0102ff");                         // IFA_BROADCAST
}

TEST_F(NetlinkMessages, Ipv4AddressRemovalCarriesNoBroadcast) {
  const NetlinkBytes m = address_request(8, false, 5, addr("10.1.2.3/24"));
  EXPECT_EQ(to_hex(m),
            "28000000" "1500" "0500" "08000000" "00000000"  // RTM_DELADDR, REQUEST|ACK
            "02" "18" "80" "00" "05000000"
            "08000200" "0a010203" "08000100" "0a010203");
}

TEST_F(NetlinkMessages, PointToPointPrefixesHaveNoBroadcast) {
  EXPECT_EQ(address_request(1, true, 5, addr("10.1.2.3/31")).size(), 40u);
  EXPECT_EQ(address_request(1, true, 5, addr("10.1.2.3/32")).size(), 40u);
  EXPECT_EQ(address_request(1, true, 5, addr("10.1.2.3/8")).size(), 48u);
}

TEST_F(NetlinkMessages, Ipv6AddressSkipsDad) {
  const NetlinkBytes m = address_request(2, true, 6, addr("fd00:1::5/88"));
  EXPECT_EQ(to_hex(m),
            "40000000" "1400" "0505" "02000000" "00000000"
            "0a" "58" "82" "00" "06000000"  // AF_INET6 /88 PERMANENT|NODAD
            "14000200" "fd000001000000000000000000000005"
            "14000100" "fd000001000000000000000000000005");
}

TEST_F(NetlinkMessages, GatewayRouteHasMetric) {
  NetworkRoute r;
  r.target = addr("10.9.0.0/16");
  r.via = addr("10.1.2.1");
  const NetlinkBytes m = route_request(9, true, 5, r);
  EXPECT_EQ(to_hex(m),
            "3c000000" "1800" "0506" "09000000" "00000000"  // RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
            "02" "10" "00" "00" "fe" "04" "00" "01" "00000000"  // /16, main, static, universe, unicast
            "08000100" "0a090000"                           // RTA_DST
            "08000400" "05000000"                           // RTA_OIF
            "08000500" "0a010201"                           // RTA_GATEWAY
            "08000600" "88130000");                         // RTA_PRIORITY 5000
}

TEST_F(NetlinkMessages, OnLinkIpv6RouteRemoval) {
  NetworkRoute r;
  r.target = addr("fd00:1::/64");
  const NetlinkBytes m = route_request(10, false, 5, r);
  EXPECT_EQ(to_hex(m),
            "38000000" "1900" "0500" "0a000000" "00000000"  // RTM_DELROUTE, REQUEST|ACK
            "0a" "40" "00" "00" "fe" "04" "fd" "01" "00000000"  // scope link
            "14000100" "fd000001000000000000000000000000"
            "08000400" "05000000");
}

// An NLMSG_ERROR message: header, error code, the request's header.
NetlinkBytes ack(std::uint32_t seq, int error) {
  NetlinkBytes m(36, 0);
  const std::uint32_t len = 36;
  const std::uint16_t type = 2;  // NLMSG_ERROR
  std::memcpy(m.data(), &len, 4);
  std::memcpy(m.data() + 4, &type, 2);
  std::memcpy(m.data() + 8, &seq, 4);
  std::memcpy(m.data() + 16, &error, 4);
  return m;
}

TEST_F(NetlinkMessages, AckGivesErrno) {
  EXPECT_EQ(parse_ack(ack(4, 0), 4), 0);
  EXPECT_EQ(parse_ack(ack(4, -EEXIST), 4), EEXIST);
  EXPECT_EQ(parse_ack(ack(4, -EPERM), 4), EPERM);
}

TEST_F(NetlinkMessages, AckForAnotherRequestIsNotOurs) {
  EXPECT_EQ(parse_ack(ack(3, 0), 4), std::nullopt);
}

TEST_F(NetlinkMessages, OursFoundAfterAnotherMessage) {
  NetlinkBytes d = ack(3, -ENOENT);
  const NetlinkBytes ours = ack(4, -EEXIST);
  d.insert(d.end(), ours.begin(), ours.end());
  EXPECT_EQ(parse_ack(d, 4), EEXIST);
}

TEST_F(NetlinkMessages, MalformedAcksAreIgnored) {
  NetlinkBytes m = ack(4, 0);
  EXPECT_EQ(parse_ack(std::span(m).first(15), 4), std::nullopt);  // short header
  EXPECT_EQ(parse_ack(std::span(m).first(35), 4), std::nullopt);  // length beyond the datagram
  const std::uint32_t tiny = 8;
  std::memcpy(m.data(), &tiny, 4);
  EXPECT_EQ(parse_ack(m, 4), std::nullopt);  // length shorter than a header: no endless loop
  EXPECT_EQ(parse_ack(ack(4, 17), 4), std::nullopt);  // errors are never positive
  NetlinkBytes no_code = ack(4, 0);
  const std::uint32_t header_only = 16;
  std::memcpy(no_code.data(), &header_only, 4);
  EXPECT_EQ(parse_ack(std::span(no_code).first(16), 4), std::nullopt);
  EXPECT_EQ(parse_ack({}, 4), std::nullopt);
}

}  // namespace
}  // namespace zt::stack::tap
