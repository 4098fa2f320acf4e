// Multicast between members (vl2.md §12): LIKEs announcing our groups,
// gathering subscribers through the root and the controller, ARP requests
// as MULTICAST_FRAME to the target's group, IPv6 solicited-node groups, NDP
// emulation, and the switches that turn multicast off. Wire bytes are
// checked against the multicast vectors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/ndp_emulation.hpp"
#include "node/node.hpp"
#include "proto/network_id.hpp"
#include "proto/verbs/multicast.hpp"
#include "proto/verbs/ok_error.hpp"
#include "vectors.hpp"
#include "vl2_fixtures.hpp"

namespace zt {
namespace {

using test::Vl2World;

constexpr std::uint16_t kArp = 0x0806;
constexpr std::uint16_t kIpv6 = 0x86dd;
const MacAddress kBroadcast(MacAddress::kMask);

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

MacAddress mac_of(const Node& n, std::uint64_t nwid) {
  return MacAddress::from_address(n.identity().address(), nwid);
}

const nlohmann::json& mv() { return test::vl2()["multicast"]; }

// An ARP who-has `target` from `sender` (MAC and IPv4).
Bytes arp_request(MacAddress sender_mac, const char* sender, const char* target) {
  Bytes p = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01};
  p.resize(28, 0);
  sender_mac.to_bytes(p.data() + 8);
  const InetAddress s = ip(sender), t = ip(target);
  std::copy(s.ip(), s.ip() + 4, p.begin() + 14);
  std::copy(t.ip(), t.ip() + 4, p.begin() + 24);
  return p;
}

// An ICMPv6 Neighbor Solicitation from `src` for `target`, to its solicited-node group.
Bytes neighbor_solicitation(const InetAddress& src, const InetAddress& target, MacAddress src_mac) {
  Bytes p(72, 0);
  p[0] = 0x60;
  p[5] = 32;
  p[6] = 58;
  p[7] = 255;
  std::copy(src.ip(), src.ip() + 16, p.begin() + 8);
  const std::uint8_t group[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff,
                                  target.ip()[13], target.ip()[14], target.ip()[15]};
  std::copy(group, group + 16, p.begin() + 24);
  p[40] = 135;
  std::copy(target.ip(), target.ip() + 16, p.begin() + 48);
  p[64] = 1;
  p[65] = 1;
  src_mac.to_bytes(p.data() + 66);
  const std::uint16_t sum = icmpv6_checksum(p.data() + 8, p.data() + 24,
                                            std::span<const std::uint8_t>(p).subspan(40));
  p[42] = static_cast<std::uint8_t>(sum >> 8);
  p[43] = static_cast<std::uint8_t>(sum);
  return p;
}

MacAddress solicited_node_mac(const InetAddress& target) {
  return MacAddress(0x3333ff000000ULL | (std::uint64_t{target.ip()[13]} << 16) |
                    (std::uint64_t{target.ip()[14]} << 8) | target.ip()[15]);
}

// A, B and C (the controller, as a member too) at 10.147.17.5/.6/.1.
struct ThreeMembers : Vl2World {
  ThreeMembers() {
    controller.members[a.identity().address()].ips = {ip("10.147.17.5/24")};
    controller.members[b.identity().address()].ips = {ip("10.147.17.6/24")};
    controller.members[c.identity().address()].ips = {ip("10.147.17.1/24")};
  }
  bool join_all() { return join(a) && join(b) && join(c); }
};

std::size_t frames_of(const test::FakeHost& h, std::uint16_t ethertype) {
  std::size_t n = 0;
  for (const test::PortFrame& f : h.frames) n += f.ethertype == ethertype;
  return n;
}

TEST(Vl2Multicast, PeriodicLikeCarriesEveryGroupAsTheVector) {
  Vl2World w;
  w.controller.members[w.a.identity().address()].ips = {
      ip("10.147.17.5/24"), rfc4193_address(w.nwid, w.a.identity().address())};
  ASSERT_TRUE(w.join(w.a));
  w.a.multicast_subscribe(w.net.now, w.nwid, MulticastGroup{MacAddress(0x01005e000001ULL), 0});
  w.run(65000);
  bool found = false;
  for (const Bytes& like : test::payloads_between(w.net, w.r, w.a.identity(), Verb::kMulticastLike))
    found |= like == test::hex(mv()["multicast_like_payload_hex"]);
  EXPECT_TRUE(found);
  const std::vector<MulticastGroup> subs = w.a.network(w.nwid)->multicast_subscriptions;
  EXPECT_EQ(subs.size(), 3u);  // ARP, solicited-node, the explicit one (broadcast is not "ours")
}

TEST(Vl2Multicast, ArpRequestsReachOnlyTheOwnerOfTheTargetIp) {
  ThreeMembers w;
  ASSERT_TRUE(w.join_all());
  w.run(1000);
  const Bytes arp = arp_request(mac_of(w.a, w.nwid), "10.147.17.5", "10.147.17.6");
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, kArp, arp);
  w.net.deliver();
  // A knew nobody: it gathered from the root and the controller, then sent.
  EXPECT_FALSE(test::payloads_between(w.net, w.r, w.a.identity(), Verb::kMulticastGather).empty());
  ASSERT_EQ(frames_of(w.host(w.b), kArp), 1u);
  EXPECT_EQ(w.host(w.b).frames.back().to, kBroadcast);
  EXPECT_EQ(w.host(w.b).frames.back().from, mac_of(w.a, w.nwid));
  EXPECT_EQ(w.host(w.b).frames.back().data, arp);
  EXPECT_EQ(frames_of(w.host(w.c), kArp), 0u);

  // Knowing B now, the next request goes out as the vector's MULTICAST_FRAME.
  w.run(1000);
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, kArp, arp);
  w.net.deliver();
  const std::vector<Bytes> sent = test::payloads_between(w.net, w.b, w.a.identity(), Verb::kMulticastFrame);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], test::hex(mv()["multicast_frame_payload_hex"]));
  EXPECT_EQ(frames_of(w.host(w.b), kArp), 2u);
  EXPECT_EQ(frames_of(w.host(w.c), kArp), 0u);
  EXPECT_EQ(w.b.vl2_counters().multicast_in, 2u);
}

TEST(Vl2Multicast, GatherThroughTheRootMatchesTheVectors) {
  Vl2World w;
  w.controller.fixed_timestamp = test::kVl2Ts;  // COM(A) is then the vector's
  const MulticastGroup group{MacAddress(0x01005e000001ULL), 0};
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  w.a.multicast_subscribe(w.net.now, w.nwid, group);
  w.b.multicast_subscribe(w.net.now, w.nwid, group);
  w.net.deliver();
  const Bytes data = test::ipv4_packet("10.147.17.5", "224.0.0.1", 17, Bytes(8, 0));
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), group.mac, 0x0800, data);
  w.net.deliver();
  const std::vector<Bytes> gathers =
      test::payloads_between(w.net, w.r, w.a.identity(), Verb::kMulticastGather);
  ASSERT_EQ(gathers.size(), 1u);
  EXPECT_EQ(gathers[0], test::hex(mv()["multicast_gather_payload_hex"]));
  // The root knows A and B; it answers A with B.
  bool answered = false;
  const Bytes expected = test::hex(mv()["ok_multicast_gather_payload_hex"]);
  for (const Bytes& ok : test::payloads_between(w.net, w.a, w.r.identity(), Verb::kOk)) {
    const std::optional<OkMessage> m = parse_ok(ok);
    if (m && m->in_re_verb == Verb::kMulticastGather)
      answered |= Bytes(m->body.begin(), m->body.end()) == Bytes(expected.begin() + 9, expected.end());
  }
  EXPECT_TRUE(answered);
  // And B got the frame once its address came back.
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.host(w.b).frames[0].to, group.mac);
}

TEST(Vl2Multicast, SolicitedNodeGroupsCarryNeighborSolicitations) {
  Vl2World w;
  const InetAddress a6 = rfc4193_address(w.nwid, w.a.identity().address());
  const InetAddress b6 = rfc4193_address(w.nwid, w.b.identity().address());
  w.controller.members[w.a.identity().address()].ips = {a6};
  w.controller.members[w.b.identity().address()].ips = {b6};
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  w.run(1000);
  const Bytes ns = neighbor_solicitation(a6, b6, mac_of(w.a, w.nwid));
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), solicited_node_mac(b6), kIpv6, ns);
  w.net.deliver();
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.host(w.b).frames[0].to, solicited_node_mac(b6));
  EXPECT_EQ(w.host(w.b).frames[0].data, ns);
  EXPECT_TRUE(w.host(w.a).frames.empty());  // no emulation without flag 0x04
}

TEST(Vl2Multicast, NdpEmulationAnswersLocally) {
  Vl2World w;
  w.controller.flags |= kNetworkFlagEnableNdpEmulation;
  const Address a = w.a.identity().address();
  const Address b = w.b.identity().address();
  w.controller.members[a].ips = {sixplane_address(w.nwid, a), rfc4193_address(w.nwid, a)};
  w.controller.members[b].ips = {sixplane_address(w.nwid, b), rfc4193_address(w.nwid, b)};
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  for (const InetAddress& ours : {sixplane_address(w.nwid, a), rfc4193_address(w.nwid, a)}) {
    InetAddress target = ours == sixplane_address(w.nwid, a) ? sixplane_address(w.nwid, b)
                                                              : rfc4193_address(w.nwid, b);
    const std::size_t sent_before = w.net.delivered.size();
    const std::size_t frames_before = w.host(w.a).frames.size();
    w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), solicited_node_mac(target), kIpv6,
                 neighbor_solicitation(ours, target, mac_of(w.a, w.nwid)));
    w.net.deliver();
    EXPECT_EQ(w.net.delivered.size(), sent_before);  // nothing crossed the network
    ASSERT_EQ(w.host(w.a).frames.size(), frames_before + 1);
    const test::PortFrame& na = w.host(w.a).frames.back();
    EXPECT_EQ(na.from, mac_of(w.b, w.nwid));
    EXPECT_EQ(na.to, mac_of(w.a, w.nwid));
    EXPECT_EQ(na.ethertype, kIpv6);
    ASSERT_EQ(na.data.size(), 72u);
    EXPECT_EQ(na.data[40], 136);  // Neighbor Advertisement
    EXPECT_TRUE(std::equal(na.data.begin() + 8, na.data.begin() + 24, target.ip()));
    EXPECT_TRUE(std::equal(na.data.begin() + 24, na.data.begin() + 40, ours.ip()));
    EXPECT_TRUE(std::equal(na.data.begin() + 48, na.data.begin() + 64, target.ip()));
    EXPECT_EQ(MacAddress::from_bytes(na.data.data() + 66), mac_of(w.b, w.nwid));
    // The checksum checks: summing with it in place gives zero.
    Bytes zeroed(na.data.begin() + 40, na.data.end());
    const std::uint16_t sum = static_cast<std::uint16_t>((zeroed[2] << 8) | zeroed[3]);
    zeroed[2] = zeroed[3] = 0;
    EXPECT_EQ(icmpv6_checksum(na.data.data() + 8, na.data.data() + 24, zeroed), sum);
  }
  // Our own address is not emulated; it goes out as multicast.
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid),
               solicited_node_mac(sixplane_address(w.nwid, a)), kIpv6,
               neighbor_solicitation(sixplane_address(w.nwid, a), sixplane_address(w.nwid, a),
                                     mac_of(w.a, w.nwid)));
  EXPECT_EQ(w.host(w.a).frames.size(), 2u);
}

TEST(Vl2Multicast, MulticastLimitZeroAndBroadcastOffDrop) {
  {
    ThreeMembers w;
    w.controller.multicast_limit = 0;
    ASSERT_TRUE(w.join_all());
    w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, kArp,
                 arp_request(mac_of(w.a, w.nwid), "10.147.17.5", "10.147.17.6"));
    w.net.deliver();
    EXPECT_EQ(w.a.vl2_counters().drop_multicast, 1u);
    EXPECT_TRUE(w.host(w.b).frames.empty());
  }
  {
    ThreeMembers w;
    w.controller.flags = 0;  // broadcast off
    ASSERT_TRUE(w.join_all());
    w.run(1000);
    const Bytes other = test::ipv4_packet("10.147.17.5", "10.147.17.255", 17, Bytes(8, 0));
    w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, 0x0800, other);
    EXPECT_EQ(w.a.vl2_counters().drop_multicast, 1u);
    // ARP still works: it is not sent as a broadcast.
    w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, kArp,
                 arp_request(mac_of(w.a, w.nwid), "10.147.17.5", "10.147.17.6"));
    w.net.deliver();
    EXPECT_EQ(frames_of(w.host(w.b), kArp), 1u);
    EXPECT_EQ(frames_of(w.host(w.b), 0x0800), 0u);
  }
}

TEST(Vl2Multicast, BroadcastReachesEveryMemberWhenEnabled) {
  ThreeMembers w;
  ASSERT_TRUE(w.join_all());
  w.run(1000);
  const Bytes data = test::ipv4_packet("10.147.17.5", "10.147.17.255", 17, Bytes(8, 0));
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), kBroadcast, 0x0800, data);
  w.net.deliver();
  w.run(1000);
  EXPECT_EQ(frames_of(w.host(w.b), 0x0800), 1u);
  EXPECT_EQ(frames_of(w.host(w.c), 0x0800), 1u);
}

}  // namespace
}  // namespace zt
