// The rules engine applied to real frames between members (vl2.md §10.3):
// the config's `R` outbound and inbound, a malformed table that drops
// everything, TEE and REDIRECT copies on the wire, capabilities and tags
// pushed as credentials.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/node.hpp"
#include "proto/rules.hpp"
#include "proto/verbs/frame.hpp"
#include "vectors.hpp"
#include "vl2_fixtures.hpp"

namespace zt {
namespace {

using namespace rule_type;
using test::Vl2World;

constexpr std::uint16_t kIpv4 = 0x0800;

MacAddress mac_of(const Node& n, std::uint64_t nwid) {
  return MacAddress::from_address(n.identity().address(), nwid);
}

Bytes icmp_echo() { return test::hex(test::vl2()["frames"]["ipv4_icmp_echo_hex"]); }
Bytes udp_packet() { return test::ipv4_packet("10.147.17.5", "10.147.17.6", 17, Bytes(8, 0)); }

void send(Vl2World& w, Node& from, const Node& to, const Bytes& data) {
  from.on_frame(w.net.now, w.nwid, mac_of(from, w.nwid), mac_of(to, w.nwid), kIpv4, data);
  w.net.deliver();
}

void send_raw(Vl2World& w, Node& from, const Node& to, const Bytes& data) {
  Frame f;
  f.network_id = w.nwid;
  f.ethertype = kIpv4;
  f.data = data;
  Bytes payload;
  ByteWriter bw(payload);
  write_frame(bw, f);
  from.send(w.net.now, to.identity().address(), Verb::kFrame, payload);
  w.net.deliver();
}

Rule forward(std::uint8_t type, Address target) {
  RuleForward f;
  f.address = target.value();
  return Rule::make(type, f);
}

TEST(Vl2Rules, DropAndAcceptApplyBothWays) {
  Vl2World w;
  // No ICMP; everything else goes.
  w.controller.rules = write_rules(std::vector<Rule>{
      Rule::make(kMatchIpProtocol, RuleIpProtocol{1}), Rule::action(kActionDrop),
      Rule::action(kActionAccept)});
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, icmp_echo());
  EXPECT_EQ(w.a.vl2_counters().drop_filtered, 1u);
  EXPECT_TRUE(test::payloads_between(w.net, w.b, w.a.identity(), Verb::kFrame).empty());
  send(w, w.a, w.b, udp_packet());
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.host(w.b).frames[0].data, udp_packet());
  // A sender that skips its own filter meets ours.
  send_raw(w, w.a, w.b, icmp_echo());
  EXPECT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.b.vl2_counters().drop_filtered, 1u);
}

// A member that sends IPv4 from an address its certificate of ownership does
// not list (another member's, or a made-up one) gets nothing through on a
// network whose rules require authenticated sender IPs; with its own
// address it does.
TEST(Vl2Rules, SpoofedSourceAddressesAreDroppedByAnOwnershipRule) {
  Vl2World w;
  w.controller.members[w.a.identity().address()].ips = {*InetAddress::from_string("10.147.17.5/24")};
  w.controller.members[w.b.identity().address()].ips = {*InetAddress::from_string("10.147.17.6/24")};
  // IPv4 whose sender IP is not proven by a COO: drop; the rest: accept.
  w.controller.rules = write_rules(std::vector<Rule>{
      Rule::make(kMatchEtherType, RuleEtherType{kIpv4}),
      Rule::make(kMatchCharacteristics,
                 RuleCharacteristics{rule_characteristic::kSenderIpAuthenticated},
                 /*negate=*/true),
      Rule::action(kActionDrop), Rule::action(kActionAccept)});
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, test::ipv4_packet("10.147.17.5", "10.147.17.6", 17, Bytes(8, 1)));
  ASSERT_EQ(w.host(w.b).frames.size(), 1u) << "A's own address is proven by its COO";
  // Sent around A's own filter, straight onto the wire, so only B can stop them.
  send_raw(w, w.a, w.b, test::ipv4_packet("10.147.17.6", "10.147.17.6", 17, Bytes(8, 2)));
  send_raw(w, w.a, w.b, test::ipv4_packet("10.147.17.99", "10.147.17.6", 17, Bytes(8, 3)));
  EXPECT_EQ(w.host(w.b).frames.size(), 1u) << "spoofed sources were delivered";
  EXPECT_EQ(w.b.vl2_counters().drop_filtered, 2u);
}

TEST(Vl2Rules, AMalformedRuleTableDropsEverything) {
  Vl2World w;
  w.controller.rules = Bytes{0x25, 0x01, 0x08};  // MATCH_ETHERTYPE with a 1-byte value
  w.controller.type = NetworkConfig::Type::kPublic;  // so raw frames reach the filter
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, udp_packet());
  send_raw(w, w.a, w.b, udp_packet());
  EXPECT_TRUE(w.host(w.b).frames.empty());
  EXPECT_EQ(w.a.vl2_counters().drop_filtered, 1u);
  EXPECT_EQ(w.b.vl2_counters().drop_filtered, 1u);
}

TEST(Vl2Rules, AnEmptyRuleTableDropsEverything) {
  Vl2World w;
  w.controller.rules.clear();
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, udp_packet());
  EXPECT_TRUE(w.host(w.b).frames.empty());
  EXPECT_EQ(w.a.vl2_counters().drop_filtered, 1u);
}

TEST(Vl2Rules, TeeSendsTheVectorCopyAndTheFrameStillGoes) {
  Vl2World w;
  w.controller.rules = write_rules(
      std::vector<Rule>{forward(kActionTee, w.c.identity().address()), Rule::action(kActionAccept)});
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, icmp_echo());
  EXPECT_EQ(w.host(w.b).frames.size(), 1u);
  const std::vector<Bytes> copies =
      test::payloads_between(w.net, w.c, w.a.identity(), Verb::kExtFrame);
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0], test::hex(test::vl2()["frames"]["ext_frame_tee_payload_hex"]));
}

TEST(Vl2Rules, RedirectSendsTheFrameElsewhereInstead) {
  Vl2World w;
  w.controller.rules = write_rules(std::vector<Rule>{
      forward(kActionRedirect, w.c.identity().address()), Rule::action(kActionAccept)});
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, icmp_echo());
  EXPECT_TRUE(w.host(w.b).frames.empty());
  const std::vector<Bytes> redirected =
      test::payloads_between(w.net, w.c, w.a.identity(), Verb::kExtFrame);
  ASSERT_EQ(redirected.size(), 1u);
  const std::optional<ExtFrame> f = parse_ext_frame(redirected[0]);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->flags, 0x04);  // REDIRECT of an outbound frame
  EXPECT_EQ(f->to, mac_of(w.b, w.nwid));
  EXPECT_EQ(f->from, mac_of(w.a, w.nwid));
  EXPECT_EQ(Bytes(f->data.begin(), f->data.end()), icmp_echo());
}

TEST(Vl2Rules, CapabilitiesGrantWhatTheBaseTableDoesNot) {
  Vl2World w;
  // The base table only knows ARP; A holds a capability for ICMP.
  w.controller.rules = write_rules(std::vector<Rule>{
      Rule::make(kMatchEtherType, RuleEtherType{0x0806}), Rule::action(kActionAccept)});
  w.controller.members[w.a.identity().address()].capabilities[7] = write_rules(std::vector<Rule>{
      Rule::make(kMatchIpProtocol, RuleIpProtocol{1}), Rule::action(kActionAccept)});
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, icmp_echo());  // A's capability lets it out, and B honours A's pushed copy
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  send(w, w.b, w.a, icmp_echo());  // B holds none
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_EQ(w.b.vl2_counters().drop_filtered, 1u);
  send(w, w.a, w.b, udp_packet());  // the capability covers ICMP only
  EXPECT_EQ(w.host(w.b).frames.size(), 1u);
}

TEST(Vl2Rules, TagsComeFromTheConfigAndFromPushedCredentials) {
  Vl2World w;
  // Only senders tagged 1000 = 42 may talk.
  w.controller.rules = write_rules(std::vector<Rule>{
      Rule::make(kMatchTagSender, RuleTag{1000, 42}), Rule::action(kActionAccept),
      Rule::action(kActionDrop)});
  w.controller.members[w.a.identity().address()].tags[1000] = 42;
  w.controller.type = NetworkConfig::Type::kPublic;  // so B's raw frame reaches the filter
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send(w, w.a, w.b, udp_packet());
  EXPECT_EQ(w.host(w.b).frames.size(), 1u);
  send(w, w.b, w.a, udp_packet());
  EXPECT_TRUE(w.host(w.a).frames.empty());
  // B skipping its filter: A has no tag of B's, so it drops.
  send_raw(w, w.b, w.a, udp_packet());
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_EQ(w.a.vl2_counters().drop_filtered, 1u);
}

}  // namespace
}  // namespace zt
