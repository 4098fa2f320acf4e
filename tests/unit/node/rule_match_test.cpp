// Each MATCH type against real frames, including upstream's "not applicable"
// cases where a NOT rule still does not match.
#include "node/rule_match.hpp"

#include "rule_fixture.hpp"

namespace zt {
namespace {

using namespace rule_type;
using namespace test::frames;
using RuleMatch = test::RuleFixture;

const Ip4 kA{10, 147, 17, 5};
const Ip4 kB{10, 147, 18, 9};
const Ip6 kA6 = ip6({0xfd, 0x00, 0x12, 0x34}, 0x05);
const Ip6 kB6 = ip6({0xfd, 0x00, 0x56, 0x78}, 0x09);

Bytes tcp4(std::uint16_t sport, std::uint16_t dport, std::uint16_t flags) {
  return ipv4(6, kA, kB, tcp(sport, dport, flags));
}
Bytes udp6_via_hop_by_hop(std::uint16_t sport, std::uint16_t dport) {
  return ipv6(0, kA6, kB6, concat(ext_header(17), udp(sport, dport)));
}

TEST_F(RuleMatch, ZeroTierAddresses) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  EXPECT_TRUE(matches(Rule::make(kMatchSourceZeroTierAddress, RuleZeroTierAddress{peer}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchSourceZeroTierAddress, RuleZeroTierAddress{self}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchDestZeroTierAddress, RuleZeroTierAddress{self}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchDestZeroTierAddress, RuleZeroTierAddress{other}), f));
  EXPECT_TRUE(matches(negated(Rule::make(kMatchDestZeroTierAddress, RuleZeroTierAddress{other})), f));
}

TEST_F(RuleMatch, VlanFieldsOnlyMatchZero) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  EXPECT_TRUE(matches(Rule::make(kMatchVlanId, RuleVlanId{0}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchVlanId, RuleVlanId{100}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchVlanPcp, RuleVlanPcp{0}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchVlanPcp, RuleVlanPcp{3}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchVlanDei, RuleVlanDei{0}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchVlanDei, RuleVlanDei{1}), f));
}

TEST_F(RuleMatch, MacAddresses) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  EXPECT_TRUE(matches(Rule::make(kMatchMacSource, RuleMac{f.mac_source}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchMacSource, RuleMac{f.mac_dest}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchMacDest, RuleMac{f.mac_dest}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchMacDest, RuleMac{MacAddress(0x32aabbccddeeULL)}), f));
}

TEST_F(RuleMatch, Ipv4SourceAndDestWithPrefixes) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  EXPECT_TRUE(matches(Rule::make(kMatchIpv4Source, RuleIpv4{{10, 147, 17, 0}, 24}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIpv4Source, RuleIpv4{{10, 147, 18, 0}, 24}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchIpv4Dest, RuleIpv4{{10, 147, 18, 0}, 24}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchIpv4Dest, RuleIpv4{{10, 147, 18, 9}, 32}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIpv4Dest, RuleIpv4{{10, 147, 18, 8}, 32}), f));
  // Host bits of the rule are ignored for IPv4 and /0 matches everything.
  EXPECT_TRUE(matches(Rule::make(kMatchIpv4Dest, RuleIpv4{{10, 200, 1, 1}, 8}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchIpv4Dest, RuleIpv4{{1, 2, 3, 4}, 0}), f));
}

TEST_F(RuleMatch, IpRulesOnOtherFramesDoNotMatchEvenNegated) {
  const RuleFrame arp = frame(kArp, arp_request(0x32aabbccddeeULL, kA, kB));
  const RuleFrame short_ip = frame(kIpv4, Bytes(19, 0x45));
  for (const Rule& rule : {Rule::make(kMatchIpv4Source, RuleIpv4{{10, 0, 0, 0}, 8}),
                           Rule::make(kMatchIpv6Dest, RuleIpv6{}), Rule::make(kMatchIpTos, RuleIpTos{0xff, 0, 255}),
                           Rule::make(kMatchIpProtocol, RuleIpProtocol{6}), Rule::make(kMatchIcmp, RuleIcmp{8, 0, 0}),
                           Rule::make(kMatchIpDestPortRange, RuleRange{0, 65535})}) {
    SCOPED_TRACE(int(rule.type));
    EXPECT_FALSE(matches(rule, arp));
    EXPECT_FALSE(matches(negated(rule), arp));
    EXPECT_FALSE(matches(rule, short_ip));
    EXPECT_FALSE(matches(negated(rule), short_ip));
  }
}

TEST_F(RuleMatch, Ipv6SourceAndDest) {
  const RuleFrame f = frame(kIpv6, udp6_via_hop_by_hop(5000, 53));
  RuleIpv6 net{};
  net.ip[0] = 0xfd;
  net.bits = 8;
  EXPECT_TRUE(matches(Rule::make(kMatchIpv6Source, net), f));
  EXPECT_TRUE(matches(Rule::make(kMatchIpv6Dest, net), f));
  RuleIpv6 exact{kB6, 128};
  EXPECT_TRUE(matches(Rule::make(kMatchIpv6Dest, exact), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIpv6Source, exact), f));
  // Upstream compares the masked packet address with the rule address as
  // given, so a rule network with host bits set matches nothing.
  RuleIpv6 host_bits{kA6, 64};
  EXPECT_FALSE(matches(Rule::make(kMatchIpv6Source, host_bits), f));
  RuleIpv6 v64{kA6, 64};
  std::fill(v64.ip.begin() + 8, v64.ip.end(), 0);
  EXPECT_TRUE(matches(Rule::make(kMatchIpv6Source, v64), f));
  // IPv4 rules do not apply to IPv6.
  EXPECT_FALSE(matches(negated(Rule::make(kMatchIpv4Source, RuleIpv4{{0, 0, 0, 0}, 0})), f));
}

TEST_F(RuleMatch, IpTos) {
  const RuleFrame v4 = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2), 0xb8));  // DSCP EF
  EXPECT_TRUE(matches(Rule::make(kMatchIpTos, RuleIpTos{0xfc, 0xb8, 0xb8}), v4));
  EXPECT_FALSE(matches(Rule::make(kMatchIpTos, RuleIpTos{0xfc, 0x00, 0x10}), v4));
  const RuleFrame v6 = frame(kIpv6, ipv6(17, kA6, kB6, udp(1, 2), 0x28));
  EXPECT_TRUE(matches(Rule::make(kMatchIpTos, RuleIpTos{0xff, 0x20, 0x30}), v6));
  EXPECT_FALSE(matches(Rule::make(kMatchIpTos, RuleIpTos{0xff, 0x30, 0x40}), v6));
}

TEST_F(RuleMatch, IpProtocolSkipsIpv6ExtensionHeaders) {
  EXPECT_TRUE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{6}), frame(kIpv4, tcp4(1, 2, 0))));
  EXPECT_FALSE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{17}), frame(kIpv4, tcp4(1, 2, 0))));
  const RuleFrame v6 = frame(kIpv6, udp6_via_hop_by_hop(1, 2));
  EXPECT_TRUE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{17}), v6));
  EXPECT_FALSE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{0}), v6));
  // hop-by-hop -> routing -> destination options -> mobility -> TCP
  const Bytes chain = concat(concat(concat(ext_header(43), ext_header(60)), concat(ext_header(135), ext_header(6))),
                             tcp(1, 2, 0));
  const RuleFrame deep = frame(kIpv6, ipv6(0, kA6, kB6, chain));
  EXPECT_TRUE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{6}), deep));
  // A fragment header (44) ends the walk.
  const RuleFrame frag = frame(kIpv6, ipv6(44, kA6, kB6, concat(ext_header(17), udp(1, 2))));
  EXPECT_TRUE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{44}), frag));
  // An extension header running past the frame: not applicable.
  Bytes truncated = ipv6(0, kA6, kB6, Bytes{17, 0, 0, 0});
  const RuleFrame bad = frame(kIpv6, truncated);
  EXPECT_FALSE(matches(Rule::make(kMatchIpProtocol, RuleIpProtocol{17}), bad));
  EXPECT_FALSE(matches(negated(Rule::make(kMatchIpProtocol, RuleIpProtocol{17})), bad));
}

TEST_F(RuleMatch, Ipv6PayloadWalk) {
  auto up = ipv6_payload(udp6_via_hop_by_hop(1, 2));
  ASSERT_TRUE(up);
  EXPECT_EQ(up->offset, 48u);
  EXPECT_EQ(up->protocol, 17);
  EXPECT_FALSE(ipv6_payload(Bytes(39, 0x60)));
  // A header length pointing past the end fails.
  Bytes long_ext = ipv6(0, kA6, kB6, Bytes{17, 5, 0, 0, 0, 0, 0, 0});
  EXPECT_FALSE(ipv6_payload(long_ext));
  // Ending exactly at the frame's end is fine (no upper-layer bytes).
  auto bare = ipv6_payload(ipv6(0, kA6, kB6, ext_header(59)));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->offset, 48u);
}

TEST_F(RuleMatch, EtherType) {
  const RuleFrame arp = frame(kArp, arp_request(0x32aabbccddeeULL, kA, kB));
  EXPECT_TRUE(matches(Rule::make(kMatchEtherType, RuleEtherType{kArp}), arp));
  EXPECT_FALSE(matches(Rule::make(kMatchEtherType, RuleEtherType{kIpv4}), arp));
  EXPECT_TRUE(matches(negated(Rule::make(kMatchEtherType, RuleEtherType{kIpv4})), arp));
}

TEST_F(RuleMatch, IcmpV4AndV6) {
  const RuleFrame echo = frame(kIpv4, ipv4(1, kA, kB, icmp(8, 0)));
  EXPECT_TRUE(matches(Rule::make(kMatchIcmp, RuleIcmp{8, 0, RuleIcmp::kMatchCode}), echo));
  EXPECT_TRUE(matches(Rule::make(kMatchIcmp, RuleIcmp{8, 5, 0}), echo));  // code not compared
  EXPECT_FALSE(matches(Rule::make(kMatchIcmp, RuleIcmp{8, 5, RuleIcmp::kMatchCode}), echo));
  EXPECT_FALSE(matches(Rule::make(kMatchIcmp, RuleIcmp{0, 0, 0}), echo));
  // NOT of a type that differs is still no match (hardNo), as upstream.
  EXPECT_FALSE(matches(negated(Rule::make(kMatchIcmp, RuleIcmp{0, 0, 0})), echo));
  EXPECT_TRUE(matches(negated(Rule::make(kMatchIcmp, RuleIcmp{8, 5, RuleIcmp::kMatchCode})), echo));
  EXPECT_FALSE(matches(Rule::make(kMatchIcmp, RuleIcmp{8, 0, 0}), frame(kIpv4, tcp4(1, 2, 0))));

  const RuleFrame echo6 = frame(kIpv6, ipv6(60, kA6, kB6, concat(ext_header(58), icmp(128, 0))));
  EXPECT_TRUE(matches(Rule::make(kMatchIcmp, RuleIcmp{128, 0, RuleIcmp::kMatchCode}), echo6));
  EXPECT_FALSE(matches(Rule::make(kMatchIcmp, RuleIcmp{129, 0, 0}), echo6));
  EXPECT_FALSE(matches(Rule::make(kMatchIcmp, RuleIcmp{128, 0, 0}), frame(kIpv6, udp6_via_hop_by_hop(1, 2))));
}

TEST_F(RuleMatch, PortRanges) {
  const RuleFrame ssh = frame(kIpv4, tcp4(40000, 22, 0x002));
  EXPECT_TRUE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{22, 22}), ssh));
  EXPECT_FALSE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{23, 100}), ssh));
  EXPECT_TRUE(matches(Rule::make(kMatchIpSourcePortRange, RuleRange{32768, 60999}), ssh));
  EXPECT_FALSE(matches(Rule::make(kMatchIpSourcePortRange, RuleRange{22, 22}), ssh));
  const RuleFrame dns = frame(kIpv4, ipv4(17, kA, kB, udp(5353, 53)));
  EXPECT_TRUE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{53, 53}), dns));
  const RuleFrame sctp = frame(kIpv4, ipv4(132, kA, kB, udp(9, 80)));
  EXPECT_TRUE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{80, 80}), sctp));
  // IPv4 without ports is a plain "no" (not hardNo), so NOT matches.
  const RuleFrame ping = frame(kIpv4, ipv4(1, kA, kB, icmp(8, 0)));
  EXPECT_FALSE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{0, 65535}), ping));
  EXPECT_TRUE(matches(negated(Rule::make(kMatchIpDestPortRange, RuleRange{0, 65535})), ping));
  // IPv6 behind an extension header.
  const RuleFrame v6 = frame(kIpv6, udp6_via_hop_by_hop(5000, 443));
  EXPECT_TRUE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{443, 443}), v6));
  EXPECT_TRUE(matches(Rule::make(kMatchIpSourcePortRange, RuleRange{5000, 5001}), v6));
  // IPv6 port 0 never matches (upstream tests p > 0 there).
  const RuleFrame zero6 = frame(kIpv6, ipv6(17, kA6, kB6, udp(0, 0)));
  EXPECT_FALSE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{0, 10}), zero6));
  const RuleFrame zero4 = frame(kIpv4, ipv4(17, kA, kB, udp(0, 0)));
  EXPECT_TRUE(matches(Rule::make(kMatchIpDestPortRange, RuleRange{0, 10}), zero4));
}

TEST_F(RuleMatch, CharacteristicsDirectionAndCasting) {
  using namespace rule_characteristic;
  RuleFrame in = frame(kIpv4, tcp4(1, 2, 0));
  const RuleFrame out = frame(kIpv4, tcp4(1, 2, 0), false);
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kInbound}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kInbound}), out));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kMulticast | kBroadcast}), in));
  in.mac_dest = MacAddress(0x333300000001ULL);
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kMulticast}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kBroadcast}), in));
  in.mac_dest = MacAddress(0xffffffffffffULL);
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kBroadcast}), in));
}

TEST_F(RuleMatch, CharacteristicsTcpFlags) {
  using namespace rule_characteristic;
  const RuleFrame syn = frame(kIpv4, tcp4(40000, 22, kTcpSyn));
  const RuleFrame syn_ack = frame(kIpv4, tcp4(22, 40000, kTcpSyn | kTcpAck));
  const RuleFrame ns = frame(kIpv4, tcp4(22, 40000, kTcpNs | kTcpAck));
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpSyn}), syn));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpAck}), syn));
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpAck}), syn_ack));
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpNs}), ns));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpFin | kTcpRst}), syn_ack));
  // UDP has no TCP flags.
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{0xfff}),
                       frame(kIpv4, ipv4(17, kA, kB, udp(1, 2)))));
  // IPv6 TCP behind an extension header.
  const RuleFrame syn6 = frame(kIpv6, ipv6(0, kA6, kB6, concat(ext_header(6), tcp(1, 2, kTcpSyn))));
  EXPECT_TRUE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpSyn}), syn6));
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{kTcpAck}), syn6));
  // A TCP header cut short contributes no flags (upstream would read past the frame).
  Bytes cut = tcp4(1, 2, kTcpSyn);
  cut.resize(20 + 13);
  EXPECT_FALSE(matches(Rule::make(kMatchCharacteristics, RuleCharacteristics{0xfff}), frame(kIpv4, cut)));
}

TEST_F(RuleMatch, CharacteristicsSenderAuthentication) {
  using namespace rule_characteristic;
  const Rule ip_auth = Rule::make(kMatchCharacteristics, RuleCharacteristics{kSenderIpAuthenticated});
  const Rule mac_auth = Rule::make(kMatchCharacteristics, RuleCharacteristics{kSenderMacAuthenticated});
  std::vector<InetAddress> asked;
  facts.owns_ip = [&](const InetAddress& ip) {
    asked.push_back(ip);
    return ip.ip_string() == "10.147.17.5" || ip.ip_string() == "fd00:1234::5";
  };
  const RuleFrame tcp_from_a = frame(kIpv4, tcp4(1, 2, 0));
  EXPECT_TRUE(matches(ip_auth, tcp_from_a));
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.back().ip_string(), "10.147.17.5");
  EXPECT_FALSE(matches(ip_auth, frame(kIpv4, ipv4(6, kB, kA, tcp(1, 2, 0)))));
  // ARP: the sender IP at offset 14 is the source.
  EXPECT_TRUE(matches(ip_auth, frame(kArp, arp_request(0x32aabbccddeeULL, kA, kB))));
  EXPECT_FALSE(matches(ip_auth, frame(kArp, arp_request(0x32aabbccddeeULL, kB, kA))));
  // IPv6: the source address; a neighbor advertisement's target; a
  // solicitation counts as authenticated whatever its addresses.
  EXPECT_TRUE(matches(ip_auth, frame(kIpv6, ipv6(17, kA6, kB6, udp(1, 2)))));
  EXPECT_FALSE(matches(ip_auth, frame(kIpv6, ipv6(17, kB6, kA6, udp(1, 2)))));
  EXPECT_TRUE(matches(ip_auth, frame(kIpv6, ipv6(58, kB6, kB6, ndp(136, kA6)))));
  EXPECT_FALSE(matches(ip_auth, frame(kIpv6, ipv6(58, kA6, kA6, ndp(136, kB6)))));
  EXPECT_TRUE(matches(ip_auth, frame(kIpv6, ipv6(58, kB6, kB6, ndp(135, kB6)))));
  // MAC: the frame's source MAC.
  EXPECT_FALSE(matches(mac_auth, tcp_from_a));
  facts.owns_mac = [&](MacAddress mac) { return mac == MacAddress::from_address(peer, kNwid); };
  EXPECT_TRUE(matches(mac_auth, tcp_from_a));
  EXPECT_FALSE(matches(mac_auth, frame(kIpv4, tcp4(1, 2, 0), false)));
  // Without facts nothing is authenticated.
  env.facts = nullptr;
  EXPECT_FALSE(matches(ip_auth, tcp_from_a));
}

TEST_F(RuleMatch, FrameSize) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));  // 40 bytes
  EXPECT_TRUE(matches(Rule::make(kMatchFrameSizeRange, RuleRange{40, 40}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchFrameSizeRange, RuleRange{0, 1500}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchFrameSizeRange, RuleRange{41, 1500}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchFrameSizeRange, RuleRange{0, 39}), f));
}

TEST_F(RuleMatch, RandomUsesTheDraw) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  std::uint32_t draw = 0x80000000u;
  facts.random = [&] { return draw; };
  EXPECT_FALSE(matches(Rule::make(kMatchRandom, RuleRandom{0x7fffffff}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchRandom, RuleRandom{0x80000000u}), f));
  draw = 0xffffffffu;
  EXPECT_TRUE(matches(Rule::make(kMatchRandom, RuleRandom{0xffffffffu}), f));
  draw = 0;
  EXPECT_TRUE(matches(Rule::make(kMatchRandom, RuleRandom{0}), f));
}

TEST_F(RuleMatch, TagComparisons) {
  const RuleFrame in = frame(kIpv4, tcp4(1, 2, 0));
  facts.local_tags = {{1000, 12}};
  facts.remote_tags = {{1000, 10}};
  EXPECT_TRUE(matches(Rule::make(kMatchTagsDifference, RuleTag{1000, 2}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchTagsDifference, RuleTag{1000, 1}), in));
  EXPECT_TRUE(matches(Rule::make(kMatchTagsBitwiseAnd, RuleTag{1000, 12 & 10}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchTagsBitwiseAnd, RuleTag{1000, 12}), in));
  EXPECT_TRUE(matches(Rule::make(kMatchTagsBitwiseOr, RuleTag{1000, 12 | 10}), in));
  EXPECT_TRUE(matches(Rule::make(kMatchTagsBitwiseXor, RuleTag{1000, 12 ^ 10}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchTagsBitwiseXor, RuleTag{1000, 0}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchTagsEqual, RuleTag{1000, 12}), in));
  facts.remote_tags[1000] = 12;
  EXPECT_TRUE(matches(Rule::make(kMatchTagsEqual, RuleTag{1000, 12}), in));
  // We do not hold the tag: not applicable either way.
  EXPECT_FALSE(matches(Rule::make(kMatchTagsEqual, RuleTag{7, 0}), in));
  EXPECT_FALSE(matches(negated(Rule::make(kMatchTagsEqual, RuleTag{7, 0})), in));
}

TEST_F(RuleMatch, TagsOfAnUnknownPeerStrictInboundLenientOutbound) {
  facts.local_tags = {{1000, 12}};
  const Rule equal = Rule::make(kMatchTagsEqual, RuleTag{1000, 12});
  EXPECT_FALSE(matches(equal, frame(kIpv4, tcp4(1, 2, 0), true)));
  EXPECT_FALSE(matches(negated(equal), frame(kIpv4, tcp4(1, 2, 0), true)));
  EXPECT_TRUE(matches(equal, frame(kIpv4, tcp4(1, 2, 0), false)));
  EXPECT_TRUE(matches(negated(equal), frame(kIpv4, tcp4(1, 2, 0), false)));
}

TEST_F(RuleMatch, TagSenderAndReceiver) {
  facts.local_tags = {{5, 1}};
  facts.remote_tags = {{5, 2}};
  const RuleFrame in = frame(kIpv4, tcp4(1, 2, 0), true);
  const RuleFrame out = frame(kIpv4, tcp4(1, 2, 0), false);
  // Inbound: the sender is the peer, the receiver is us.
  EXPECT_TRUE(matches(Rule::make(kMatchTagSender, RuleTag{5, 2}), in));
  EXPECT_TRUE(matches(Rule::make(kMatchTagReceiver, RuleTag{5, 1}), in));
  EXPECT_FALSE(matches(Rule::make(kMatchTagSender, RuleTag{5, 1}), in));
  // Outbound: the sender is us, the receiver the peer.
  EXPECT_TRUE(matches(Rule::make(kMatchTagSender, RuleTag{5, 1}), out));
  EXPECT_TRUE(matches(Rule::make(kMatchTagReceiver, RuleTag{5, 2}), out));
  EXPECT_FALSE(matches(Rule::make(kMatchTagReceiver, RuleTag{5, 1}), out));
  // Unknown remote tag: the sender check is strict, the receiver check lenient.
  facts.remote_tags.clear();
  EXPECT_FALSE(matches(Rule::make(kMatchTagSender, RuleTag{5, 2}), in));
  EXPECT_FALSE(matches(negated(Rule::make(kMatchTagSender, RuleTag{5, 2})), in));
  EXPECT_TRUE(matches(Rule::make(kMatchTagReceiver, RuleTag{5, 2}), out));
  EXPECT_TRUE(matches(negated(Rule::make(kMatchTagReceiver, RuleTag{5, 2})), out));
  // Our own tag missing: not applicable.
  facts.local_tags.clear();
  EXPECT_FALSE(matches(negated(Rule::make(kMatchTagSender, RuleTag{5, 1})), out));
}

TEST_F(RuleMatch, IntegerRangeEndiannessAndWidth) {
  Bytes p(32, 0);
  p[20 + 6] = 0x01;  // big endian, 16 bits at index 20: upstream reads bytes 26..27
  p[20 + 7] = 0x2c;  // 300
  p[4] = 0x2c;       // little endian, 16 bits at index 4: bytes 4..5
  p[5] = 0x01;
  const RuleFrame f = frame(0x88b5, p);
  EXPECT_TRUE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{300, 300, 20, 15}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{301, 400, 20, 15}), f));
  EXPECT_TRUE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{200, 300, 4, 0x80 | 15}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{0x2c00, 0x2c01, 4, 15}), f));
  // 4 bits big endian: only the low nibble of byte index+7 counts (0x2c -> 0xc).
  EXPECT_TRUE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{12, 12, 20, 3}), f));
  // 4 bits little endian at index 4: the top nibble of byte 4 (0x2c -> 0x2).
  EXPECT_TRUE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{2, 2, 4, 0x80 | 3}), f));
  // Past the frame the value reads as 0.
  EXPECT_TRUE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{0, 0, 30, 15}), f));
  EXPECT_FALSE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{1, 5, 30, 0x80 | 15}), f));
  // The span is kept as a 32-bit offset from start, as upstream holds it.
  EXPECT_FALSE(matches(Rule::make(kMatchIntegerRange, RuleIntegerRange{0, 0x100000000ULL, 20, 15}), f));
}

TEST_F(RuleMatch, UnknownMatchTypesFollowConfigFlag) {
  const RuleFrame f = frame(kIpv4, tcp4(1, 2, 0));
  for (std::uint8_t type : {std::uint8_t{16}, std::uint8_t{23}, std::uint8_t{52}, std::uint8_t{63}}) {
    const Rule unknown = Rule::make(type, std::monostate{});
    env.unsupported_match_result = false;
    EXPECT_FALSE(matches(unknown, f)) << int(type);
    EXPECT_TRUE(matches(negated(unknown), f)) << int(type);
    env.unsupported_match_result = true;
    EXPECT_TRUE(matches(unknown, f)) << int(type);
  }
}

}  // namespace
}  // namespace zt
