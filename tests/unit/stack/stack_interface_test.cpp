// The stack's Ethernet interface driven by raw frames: ARP, ICMP echo,
// IPv6 neighbour discovery, address changes, removal, and isolation
// between two interfaces (no forwarding, strong host model).
#include "stack/stack_interface.hpp"

#include <gtest/gtest.h>

#include "stack/frame_collector.hpp"
#include "stack/raw_frames.hpp"

namespace zt::stack {
namespace {

using namespace zt::test::frames;
using zt::test::FrameCollector;

const Mac kOurMac = mac_of(0x02aabbccdd01);
const Mac kPeerMac = mac_of(0x02aabbccdd02);
const Ip4 kOurIp{10, 0, 0, 1}, kPeerIp{10, 0, 0, 2};
const Ip6 kOurIp6 = ip6_of("fd00:1122:3344:5566:7788:99aa:bbcc:1");
const Ip6 kPeerIp6 = ip6_of("fd00:1122:3344:5566:7788:99aa:bbcc:2");

InetAddress addr(const char* text) { return *InetAddress::from_string(text); }

InterfaceConfig config(std::uint64_t mac, std::vector<InetAddress> addresses) {
  InterfaceConfig c;
  c.mac = MacAddress(mac);
  c.mtu = 2800;
  c.addresses = std::move(addresses);
  return c;
}

// The interface, with the frames it announces itself with at start-up
// (gratuitous ARP) already taken from `out`.
std::unique_ptr<StackInterface> make(FrameCollector& out, std::uint64_t mac,
                                     std::vector<InetAddress> addresses) {
  std::string error;
  auto iface = StackInterface::create(config(mac, std::move(addresses)), out.sink(), &error);
  EXPECT_TRUE(iface) << error;
  out.skip_all();
  return iface;
}

bool is_arp_reply(const Parsed& p) { return p.ether_type == kEtherArp && p.arp_op == 2; }
bool is_icmp4(const Parsed& p, std::uint8_t type) {
  return p.ether_type == kEtherIp4 && p.protocol == kProtoIcmp && !p.l4.empty() && p.l4[0] == type;
}
bool is_icmp6(const Parsed& p, std::uint8_t type) {
  return p.ether_type == kEtherIp6 && p.protocol == kProtoIcmp6 && !p.l4.empty() && p.l4[0] == type;
}

Bytes echo_request_frame(const Mac& to_mac, const Ip4& from, const Ip4& to, std::uint16_t seq = 1) {
  const Bytes data{'p', 'i', 'n', 'g'};
  return ethernet(to_mac, kPeerMac, kEtherIp4,
                  ip4(from, to, kProtoIcmp, icmp4_echo_request(0x4242, seq, data)));
}

TEST(StackInterface, ArpRequestForOurAddressGetsReply) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  iface->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                              arp_request(kPeerMac, kPeerIp, kOurIp)));

  auto reply = out.next(is_arp_reply);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->dst, kPeerMac);
  EXPECT_EQ(reply->src, kOurMac);
  EXPECT_EQ(reply->arp_sender_mac, kOurMac);
  EXPECT_EQ(reply->arp_sender_ip, kOurIp);
  EXPECT_EQ(reply->arp_target_ip, kPeerIp);
  EXPECT_EQ(iface->counters().frames_in, 1u);
}

TEST(StackInterface, ArpRequestForAnotherAddressIsIgnored) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  iface->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                              arp_request(kPeerMac, kPeerIp, Ip4{10, 0, 0, 9})));
  EXPECT_EQ(out.unread(), 0u);
}

TEST(StackInterface, FramesForAnotherMacAreDropped) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  iface->input_frame(ethernet(mac_of(0x02aabbccdd77), kPeerMac, kEtherArp,
                              arp_request(kPeerMac, kPeerIp, kOurIp)));
  iface->input_frame(Bytes(10, 0xff));  // shorter than a header
  EXPECT_EQ(out.unread(), 0u);
  EXPECT_EQ(iface->counters().frames_dropped, 2u);
}

// Frames cut short anywhere: dropped without a reply and without reading
// past their end (lwIP's ARP input assumes a full header; the interface
// pads short frames as Ethernet would). Meaningful under AddressSanitizer.
TEST(StackInterface, TruncatedFramesAreHarmless) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24"), addr("fd00::1/64")});
  const Bytes whole[] = {
      ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp, arp_request(kPeerMac, kPeerIp, kOurIp)),
      echo_request_frame(kOurMac, kPeerIp, kOurIp),
      ethernet(kOurMac, kPeerMac, kEtherIp6,
               ip6(kPeerIp6, kOurIp6, kProtoIcmp6,
                   icmp6(kPeerIp6, kOurIp6, 128, 0, icmp6_echo_body(1, 1, {})))),
      ethernet(kOurMac, kPeerMac, kEtherIp4,
               ip4(kPeerIp, kOurIp, kProtoTcp, tcp4(kPeerIp, kOurIp, 1, 2, 3, 0, kTcpSyn)))};
  std::size_t fed = 0;
  for (const auto& frame : whole) {
    for (std::size_t cut = 14; cut < frame.size(); ++cut) {
      iface->input_frame(std::span(frame).first(cut));
      ++fed;
    }
  }
  EXPECT_EQ(iface->counters().frames_in, fed);
  // A cut ARP request may still be whole enough to answer; nothing else is.
  for (const auto& f : out.all()) {
    auto p = parse(f);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ether_type, kEtherArp);
  }
}

// An IPv6 option whose length byte would lie past its header (here the
// last byte of a hop-by-hop or destination options header that ends the
// packet): dropped without reading past it (lwIP did, until
// scripts/lwip-patches/10-ip6-option-bounds.patch). Meaningful under
// AddressSanitizer; the interface then still answers an echo.
TEST(StackInterface, Ip6OptionsCutByTheirHeaderAreDropped) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("fd00:1122:3344:5566:7788:99aa:bbcc:1/64")});
  constexpr std::uint8_t kHopByHop = 0, kDestinationOptions = 60, kNoNextHeader = 59;
  // PadN covering bytes 2-6, then a router-alert type byte as the last byte.
  const Bytes options{kNoNextHeader, 0, 0x01, 0x03, 0, 0, 0, 0x05};
  for (std::uint8_t header : {kHopByHop, kDestinationOptions})
    iface->input_frame(ethernet(kOurMac, kPeerMac, kEtherIp6, ip6(kPeerIp6, kOurIp6, header, options)));
  EXPECT_EQ(out.unread(), 0u);

  iface->input_frame(ethernet(kOurMac, kPeerMac, kEtherIp6,
                              ip6(kPeerIp6, kOurIp6, kProtoIcmp6,
                                  icmp6(kPeerIp6, kOurIp6, 128, 0, icmp6_echo_body(7, 1, {})))));
  // Answered: the reply itself, or first the neighbour solicitation for the peer.
  EXPECT_TRUE(out.next([](const Parsed& p) { return is_icmp6(p, 129) || is_icmp6(p, 135); }));
}

TEST(StackInterface, IcmpEchoGetsReplyWithValidChecksums) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  // The ARP request teaches the stack the peer's MAC, so the reply needs no
  // resolution of its own.
  iface->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                              arp_request(kPeerMac, kPeerIp, kOurIp)));
  ASSERT_TRUE(out.next(is_arp_reply));

  iface->input_frame(echo_request_frame(kOurMac, kPeerIp, kOurIp, 7));
  auto reply = out.next([](const Parsed& p) { return is_icmp4(p, 0); });
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->dst, kPeerMac);
  EXPECT_EQ(reply->ip4_src, kOurIp);
  EXPECT_EQ(reply->ip4_dst, kPeerIp);
  EXPECT_TRUE(reply->ip4_header_checksum_ok);
  EXPECT_TRUE(reply->l4_checksum_ok);
  ASSERT_EQ(reply->l4.size(), 12u);
  EXPECT_EQ(read16(reply->l4, 4), 0x4242);
  EXPECT_EQ(read16(reply->l4, 6), 7);
  EXPECT_EQ(Bytes(reply->l4.begin() + 8, reply->l4.end()), (Bytes{'p', 'i', 'n', 'g'}));
}

TEST(StackInterface, NeighborSolicitationGetsAdvertisement) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("fd00:1122:3344:5566:7788:99aa:bbcc:1/88")});
  // Sent to the solicited-node group: accepted without MLD.
  const Ip6 group = solicited_node(kOurIp6);
  iface->input_frame(
      ethernet(ip6_multicast_mac(group), kPeerMac, kEtherIp6,
               ip6(kPeerIp6, group, kProtoIcmp6,
                   icmp6(kPeerIp6, group, 135, 0, neighbor_solicitation_body(kOurIp6, kPeerMac)))));

  auto na = out.next([](const Parsed& p) { return is_icmp6(p, 136); });
  ASSERT_TRUE(na);
  EXPECT_EQ(na->dst, kPeerMac);
  EXPECT_EQ(na->ip6_src, kOurIp6);
  EXPECT_EQ(na->ip6_dst, kPeerIp6);
  EXPECT_TRUE(na->l4_checksum_ok);
  ASSERT_GE(na->l4.size(), 24u);
  EXPECT_NE(na->l4[4] & 0x40, 0) << "solicited flag";
  Ip6 target;
  std::copy(na->l4.begin() + 8, na->l4.begin() + 24, target.begin());
  EXPECT_EQ(target, kOurIp6);
}

// A ZeroTier 6PLANE network's members share a /40, not a /64: an echo from
// a member outside our /64 must still be answered on the link (lwIP alone
// would look for a router and drop the reply).
TEST(StackInterface, Ipv6PeerInsideNetworkPrefixButOutsideSlash64IsOnLink) {
  FrameCollector out;
  const Ip6 ours = ip6_of("fc11:2233:4455:6677:8899::1"),
            peer = ip6_of("fc11:2233:44aa:bbcc:ddee::1");
  auto iface = make(out, 0x02aabbccdd01, {addr("fc11:2233:4455:6677:8899::1/40")});
  const Bytes data{1, 2, 3};
  iface->input_frame(ethernet(
      kOurMac, kPeerMac, kEtherIp6,
      ip6(peer, ours, kProtoIcmp6, icmp6(peer, ours, 128, 0, icmp6_echo_body(9, 1, data)))));
  // The reply waits for the peer's MAC: the stack solicits it on this link.
  auto ns = out.next([](const Parsed& p) { return is_icmp6(p, 135); });
  ASSERT_TRUE(ns);
  Ip6 target;
  std::copy(ns->l4.begin() + 8, ns->l4.begin() + 24, target.begin());
  EXPECT_EQ(target, peer);
}

TEST(StackInterface, ChangedAddressesTakeEffect) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  ASSERT_TRUE(iface->set_addresses({addr("10.0.0.5/24")}));
  out.skip_all();  // its gratuitous ARP
  const auto bcast = mac_of(0xffffffffffff);
  iface->input_frame(ethernet(bcast, kPeerMac, kEtherArp, arp_request(kPeerMac, kPeerIp, kOurIp)));
  EXPECT_EQ(out.unread(), 0u) << "the old address no longer answers";
  iface->input_frame(
      ethernet(bcast, kPeerMac, kEtherArp, arp_request(kPeerMac, kPeerIp, Ip4{10, 0, 0, 5})));
  auto reply = out.next(is_arp_reply);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->arp_sender_ip, (Ip4{10, 0, 0, 5}));
}

TEST(StackInterface, RemovedInterfaceSendsNothingMore) {
  FrameCollector old_out, new_out;
  auto old_iface = make(old_out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  old_iface->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                                  arp_request(kPeerMac, kPeerIp, kOurIp)));
  ASSERT_TRUE(old_out.next(is_arp_reply));
  // An echo from an unknown host leaves a reply queued behind an ARP query.
  old_iface->input_frame(echo_request_frame(kOurMac, Ip4{10, 0, 0, 3}, kOurIp));
  old_iface.reset();
  const auto sent_before_removal = old_out.unread();

  // The same address on a new interface answers there, and only there.
  auto new_iface = make(new_out, 0x02aabbccdd09, {addr("10.0.0.1/24")});
  new_iface->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                                  arp_request(kPeerMac, kPeerIp, kOurIp)));
  auto reply = new_out.next(is_arp_reply);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->arp_sender_mac, mac_of(0x02aabbccdd09));
  EXPECT_EQ(old_out.unread(), sent_before_removal);
}

// Two joined networks in one process: a packet arriving on A must never
// come out of B, whether addressed into B's subnet (forwarding) or to B's
// own address (weak host model).
TEST(StackInterface, TwoInterfacesNeverForwardBetweenEachOther) {
  FrameCollector out_a, out_b;
  const Mac mac_a = mac_of(0x02aabbccdd0a);
  auto a = make(out_a, 0x02aabbccdd0a, {addr("10.1.0.1/24"), addr("fd00:a::1/64")});
  auto b = make(out_b, 0x02aabbccdd0b, {addr("10.2.0.1/24"), addr("fd00:b::1/64")});
  const Ip4 peer_a{10, 1, 0, 2};
  a->input_frame(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                          arp_request(kPeerMac, peer_a, Ip4{10, 1, 0, 1})));
  ASSERT_TRUE(out_a.next(is_arp_reply));

  // Control: an echo to A's own address is answered on A.
  a->input_frame(echo_request_frame(mac_a, peer_a, Ip4{10, 1, 0, 1}, 1));
  ASSERT_TRUE(out_a.next([](const Parsed& p) { return is_icmp4(p, 0); }));
  const auto a_sent = out_a.unread();

  a->input_frame(echo_request_frame(mac_a, peer_a, Ip4{10, 2, 0, 99}, 2));  // into B's subnet
  a->input_frame(echo_request_frame(mac_a, peer_a, Ip4{10, 2, 0, 1}, 3));   // B's own address
  const Ip6 peer6 = ip6_of("fd00:a::2");
  for (const char* to : {"fd00:b::99", "fd00:b::1"}) {
    const Ip6 dst = ip6_of(to);
    a->input_frame(ethernet(
        mac_a, kPeerMac, kEtherIp6,
        ip6(peer6, dst, kProtoIcmp6, icmp6(peer6, dst, 128, 0, icmp6_echo_body(1, 1, {})))));
  }
  EXPECT_EQ(out_b.unread(), 0u) << "nothing may leave B";
  EXPECT_EQ(out_a.unread(), a_sent) << "B's address does not answer on A";
  EXPECT_EQ(a->counters().packets_filtered, 4u);
}

TEST(StackInterface, RejectsUnusableConfigurations) {
  FrameCollector out;
  std::string error;
  EXPECT_FALSE(StackInterface::create(config(0, {}), out.sink(), &error));
  EXPECT_NE(error.find("MAC"), std::string::npos);
  auto small_mtu = config(0x02aabbccdd01, {});
  small_mtu.mtu = 500;
  EXPECT_FALSE(StackInterface::create(small_mtu, out.sink(), &error));
  EXPECT_NE(error.find("MTU"), std::string::npos);
  std::vector<InetAddress> many;
  for (int i = 1; i <= 8; ++i) many.push_back(addr(("fd00::" + std::to_string(i) + "/64").c_str()));
  EXPECT_FALSE(StackInterface::create(config(0x02aabbccdd01, many), out.sink(), &error));
  EXPECT_FALSE(
      StackInterface::create(config(0x02aabbccdd01, {addr("10.0.0.1/33")}), out.sink(), &error));
  EXPECT_FALSE(StackInterface::create(config(0x02aabbccdd01, {}), nullptr, &error));
}

}  // namespace
}  // namespace zt::stack
