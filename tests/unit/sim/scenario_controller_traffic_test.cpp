// Traffic on a network run by the real controller (memory-backed Store):
// a network change pushed to online members, ARP through multicast to the
// one member that owns the address, and a rule dropping one TCP port.
#include <gtest/gtest.h>

#include "node/rule_frames.hpp"
#include "sim/sim_controller.hpp"

namespace zt::sim {
namespace {

using controller::json;
namespace frames = test::frames;

bool has_route(const NetworkInfo& n, const char* target) {
  for (const NetworkRoute& r : n.routes)
    if (r.target.to_string() == target) return true;
  return false;
}

std::size_t arp_frames(const SimHost& h) {
  std::size_t n = 0;
  for (const SimFrame& f : h.frames()) n += f.ethertype == frames::kArp;
  return n;
}

TEST(SimController, ANetworkChangeReachesOnlineMembersWithoutTheirAsking) {
  ControllerWorld w(91);
  w.authorize(w.a);
  w.authorize(w.b);
  ASSERT_TRUE(w.join_all({&w.a, &w.b})) << w.dump();
  // Both just configured: their own refreshes are most of a minute away.
  w.s.run_for(5000);

  json body = default_network_body();
  body["name"] = "renamed";
  body["routes"].push_back({{"target", "10.200.0.0/16"}, {"via", "10.147.17.1"}});
  const json record = w.set_network(body);
  const auto updated = [&](const SimHost& h) {
    const std::optional<NetworkInfo> n = h.network(w.nwid);
    return n && n->name == "renamed" && has_route(*n, "10.200.0.0/16");
  };
  ASSERT_TRUE(w.s.run_until([&] { return updated(w.a) && updated(w.b); }, 1000)) << w.dump();
  EXPECT_EQ(w.a.network(w.nwid)->revision, record["revision"].get<std::uint64_t>());
  EXPECT_EQ(record["revision"], 2);
}

TEST(SimController, ArpReachesOnlyTheOwnerAndItsReplyComesBackUnderLoss) {
  ControllerWorld w(92, {.loss = 0.1, .latency = 15, .jitter = 5});
  for (SimHost* m : {&w.a, &w.b, &w.d}) w.authorize(*m);
  ASSERT_TRUE(w.join_all({&w.a, &w.b, &w.d})) << w.dump();

  // Broadcast, but to the group of B's address only (the ARP ADI).
  const Bytes request = w.arp_request(w.a, w.b);
  ASSERT_TRUE(w.deliver(w.a, w.b, MacAddress(MacAddress::kMask), frames::kArp, request))
      << w.dump();
  const Bytes reply = w.arp_reply(w.b, w.a);
  ASSERT_TRUE(w.deliver(w.b, w.a, w.mac(w.a), frames::kArp, reply)) << w.dump();
  for (const SimFrame& f : w.a.frames())
    if (f.data == reply) {
      EXPECT_EQ(f.from, w.mac(w.b));
    }
  w.s.run_for(2000);  // anything still in flight
  EXPECT_EQ(arp_frames(w.d), 0u);
  EXPECT_EQ(arp_frames(w.a), ControllerWorld::received(w.a, frames::kArp, reply));
  EXPECT_GT(w.s.net().counters().lost, 0u);
}

TEST(SimController, ARuleDropsTcpToPort22AndAcceptsTheRestUnderLoss) {
  ControllerWorld w(93, {.loss = 0.1, .latency = 15, .jitter = 5});
  json body = default_network_body();
  body["rules"] = json::parse(R"([
    {"type": "MATCH_IP_PROTOCOL", "not": false, "or": false, "ipProtocol": 6},
    {"type": "MATCH_IP_DEST_PORT_RANGE", "not": false, "or": false, "start": 22, "end": 22},
    {"type": "ACTION_DROP"},
    {"type": "ACTION_ACCEPT"}])");
  w.set_network(body);
  w.authorize(w.a);
  w.authorize(w.b);
  ASSERT_TRUE(w.join_all({&w.a, &w.b})) << w.dump();

  const Bytes ssh = w.tcp_syn(w.a, w.b, 22);
  const Bytes web = w.tcp_syn(w.a, w.b, 80);
  ASSERT_TRUE(w.deliver(w.a, w.b, w.mac(w.b), frames::kIpv4, web)) << w.dump();
  EXPECT_EQ(w.attempt(w.a, w.b, w.mac(w.b), frames::kIpv4, ssh, 5), 0u) << w.dump();
  EXPECT_TRUE(w.deliver(w.a, w.b, w.mac(w.b), frames::kIpv4, web)) << w.dump();
  // The other way too: every member enforces the same rules.
  EXPECT_EQ(w.attempt(w.b, w.a, w.mac(w.a), frames::kIpv4, w.tcp_syn(w.b, w.a, 22), 5), 0u);
  EXPECT_TRUE(w.deliver(w.b, w.a, w.mac(w.a), frames::kIpv4, w.tcp_syn(w.b, w.a, 80)));
  EXPECT_GT(w.s.net().counters().lost, 0u);
}

}  // namespace
}  // namespace zt::sim
