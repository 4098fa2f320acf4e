// Bridging basics (vl2.md §9.2, §11, §12.6): an active bridge's EXT_FRAME
// from a host behind it (vector bytes), bridge routes, unknown unicast to
// bridges, non-bridges refused, EXT_FRAME acknowledgements; and a member
// flooding garbage VL2 payloads changing nothing but counters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/node.hpp"
#include "proto/verbs/frame.hpp"
#include "proto/verbs/ok_error.hpp"
#include "vectors.hpp"
#include "vl2_fixtures.hpp"

namespace zt {
namespace {

using test::Vl2World;

constexpr std::uint16_t kIpv4 = 0x0800;
const MacAddress kHostBehindA(0x02aabbccddeeULL);

MacAddress mac_of(const Node& n, std::uint64_t nwid) {
  return MacAddress::from_address(n.identity().address(), nwid);
}

Bytes icmp_echo() { return test::hex(test::vl2()["frames"]["ipv4_icmp_echo_hex"]); }

Bytes ext_frame(std::uint64_t nwid, std::uint8_t flags, MacAddress to, MacAddress from) {
  const Bytes data = icmp_echo();
  ExtFrame f;
  f.network_id = nwid;
  f.flags = flags;
  f.to = to;
  f.from = from;
  f.ethertype = kIpv4;
  f.data = data;
  Bytes payload;
  ByteWriter w(payload);
  write_ext_frame(w, f);
  return payload;
}

struct BridgeWorld : Vl2World {
  BridgeWorld() {
    controller.members[a.identity().address()].active_bridge = true;
    controller.type = NetworkConfig::Type::kPublic;  // raw packets need no credentials
  }
};

TEST(Vl2Bridge, ABridgeSendsHostsFramesAsTheVectorExtFrame) {
  BridgeWorld w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  EXPECT_TRUE(w.a.network(w.nwid)->bridge);
  EXPECT_FALSE(w.b.network(w.nwid)->bridge);
  w.a.on_frame(w.net.now, w.nwid, kHostBehindA, mac_of(w.b, w.nwid), kIpv4, icmp_echo());
  w.net.deliver();
  const std::vector<Bytes> sent = test::payloads_between(w.net, w.b, w.a.identity(), Verb::kExtFrame);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], test::hex(test::vl2()["frames"]["ext_frame_bridged_payload_hex"]));
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.host(w.b).frames[0].from, kHostBehindA);

  // A vendor MAC (not in the network's derived 02:... range) behind A: B
  // learns where it is, and a frame to it goes to A only, as EXT_FRAME.
  const MacAddress vendor(0x001122334455ULL);
  w.a.on_frame(w.net.now, w.nwid, vendor, mac_of(w.b, w.nwid), kIpv4, icmp_echo());
  w.net.deliver();
  ASSERT_EQ(w.host(w.b).frames.size(), 2u);
  w.b.on_frame(w.net.now, w.nwid, mac_of(w.b, w.nwid), vendor, kIpv4, icmp_echo());
  w.net.deliver();
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  EXPECT_EQ(w.host(w.a).frames[0].to, vendor);
  EXPECT_EQ(w.host(w.a).frames[0].from, mac_of(w.b, w.nwid));
}

TEST(Vl2Bridge, UnknownUnicastGoesToTheBridges) {
  BridgeWorld w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  w.b.on_frame(w.net.now, w.nwid, mac_of(w.b, w.nwid), MacAddress(0x00123456789aULL), kIpv4,
               icmp_echo());
  w.net.deliver();
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  EXPECT_EQ(w.host(w.a).frames[0].to, MacAddress(0x00123456789aULL));
  EXPECT_EQ(test::payloads_between(w.net, w.a, w.b.identity(), Verb::kExtFrame).size(), 1u);
}

TEST(Vl2Bridge, NonBridgesMayNotUseForeignMacs) {
  BridgeWorld w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  // B claims a foreign source MAC.
  w.b.send(w.net.now, w.a.identity().address(), Verb::kExtFrame,
           ext_frame(w.nwid, 0, mac_of(w.a, w.nwid), MacAddress(0x00010203040aULL)));
  w.net.deliver();
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_EQ(w.a.vl2_counters().drop_bridging, 1u);
  // A foreign destination is only for a bridge: B is not one.
  w.a.send(w.net.now, w.b.identity().address(), Verb::kExtFrame,
           ext_frame(w.nwid, 0, MacAddress(0x00010203040aULL), mac_of(w.a, w.nwid)));
  w.net.deliver();
  EXPECT_TRUE(w.host(w.b).frames.empty());
  EXPECT_EQ(w.b.vl2_counters().drop_bridging, 1u);
  // Our own MAC as the source is never taken.
  w.b.send(w.net.now, w.a.identity().address(), Verb::kExtFrame,
           ext_frame(w.nwid, 0, mac_of(w.a, w.nwid), mac_of(w.a, w.nwid)));
  w.net.deliver();
  EXPECT_TRUE(w.host(w.a).frames.empty());
}

TEST(Vl2Bridge, ExtFrameAckIsAnsweredWithTheNetworkId) {
  BridgeWorld w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  w.b.send(w.net.now, w.a.identity().address(), Verb::kExtFrame,
           ext_frame(w.nwid, kExtFrameFlagAckRequested, mac_of(w.a, w.nwid), mac_of(w.b, w.nwid)));
  w.net.deliver();
  EXPECT_EQ(w.host(w.a).frames.size(), 1u);
  bool acked = false;
  for (const Bytes& p : test::payloads_between(w.net, w.b, w.a.identity(), Verb::kOk)) {
    const std::optional<OkMessage> ok = parse_ok(p);
    if (!ok || ok->in_re_verb != Verb::kExtFrame) continue;
    const std::optional<OkExtFrame> body = parse_ok_ext_frame(ok->body);
    acked |= body && body->network_id == w.nwid;
  }
  EXPECT_TRUE(acked);
}

TEST(Vl2Garbage, FloodsOfMalformedVl2PayloadsChangeOnlyCounters) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  const std::optional<NetworkInfo> before = w.a.network(w.nwid);
  const std::size_t events_before = w.host(w.a).port_events.size();
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  const auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  for (Verb verb : {Verb::kFrame, Verb::kExtFrame, Verb::kMulticastLike, Verb::kNetworkCredentials,
                    Verb::kNetworkConfigRequest, Verb::kNetworkConfig, Verb::kMulticastGather,
                    Verb::kMulticastFrame}) {
    for (int i = 0; i < 40; ++i) {
      Bytes payload(next() % 300, 0);
      for (std::uint8_t& byte : payload) byte = static_cast<std::uint8_t>(next());
      // Half of them name the network, to get past the first lookup.
      if (i % 2 == 0 && payload.size() >= 8) store_be(payload.data(), w.nwid, 8);
      w.b.send(w.net.now, w.a.identity().address(), verb, payload);
    }
    w.net.deliver();
    w.net.advance(1100);
  }
  const std::optional<NetworkInfo> after = w.a.network(w.nwid);
  EXPECT_EQ(after->status, before->status);
  EXPECT_EQ(after->revision, before->revision);
  EXPECT_EQ(after->name, before->name);
  EXPECT_EQ(w.host(w.a).port_events.size(), events_before);
  // B is a member (its garbage frames made A ask for its credentials), so
  // the few that parse as frames arrive, but only ever from B's own MAC.
  for (const test::PortFrame& f : w.host(w.a).frames) EXPECT_EQ(f.from, mac_of(w.b, w.nwid));
  const Vl2Counters& c = w.a.vl2_counters();
  EXPECT_GT(c.drop_malformed, 10u);
  EXPECT_GT(c.drop_bad_config, 0u);
  EXPECT_EQ(c.configs_applied, 1u);
  EXPECT_LT(c.frames_in, 20u);
  // The network still works.
  const std::size_t frames = w.host(w.a).frames.size();
  w.b.on_frame(w.net.now, w.nwid, mac_of(w.b, w.nwid), mac_of(w.a, w.nwid), kIpv4, icmp_echo());
  w.net.deliver();
  EXPECT_EQ(w.host(w.a).frames.size(), frames + 1);
}

}  // namespace
}  // namespace zt
