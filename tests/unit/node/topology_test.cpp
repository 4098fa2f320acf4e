// Upstreams, roles, root endpoint exclusivity, the bounded peer table and
// §17 upstream selection.
#include "node/topology.hpp"

#include <gtest/gtest.h>

#include "node_fixtures.hpp"

namespace zt {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }
const Identity& A() { return test::vector_identity("A"); }
const Identity& B() { return test::vector_identity("B"); }
const Identity& R() { return test::vector_identity("R"); }

World two_root_planet() {
  World w;
  w.type = World::Type::kPlanet;
  w.id = 99;
  w.timestamp = 1;
  w.roots.push_back({R().public_only(), {ip("10.0.0.1/9993")}});
  w.roots.push_back({B().public_only(), {}});
  return w;
}

TEST(Topology, RootsBecomeUpstreamPeersWithRoles) {
  Topology t(A(), 16, 64, 500000);
  t.set_planet(test::vector_planet(), 0);
  EXPECT_TRUE(t.is_upstream(R().address()));
  EXPECT_FALSE(t.is_upstream(B().address()));
  EXPECT_FALSE(t.am_root());
  ASSERT_NE(t.find(R().address()), nullptr);
  EXPECT_EQ(t.role(R().address()), PeerRole::kPlanet);
  EXPECT_EQ(t.role(B().address()), PeerRole::kLeaf);
  EXPECT_EQ(t.stable_endpoints(R().address()), std::vector<InetAddress>{ip("127.0.0.1/9993")});

  World moon;
  moon.type = World::Type::kMoon;
  moon.id = 5;
  moon.roots.push_back({B().public_only(), {}});
  t.set_moon(moon, 0);
  EXPECT_TRUE(t.is_upstream(B().address()));
  EXPECT_EQ(t.role(B().address()), PeerRole::kMoon);
  EXPECT_EQ(t.upstream_addresses().size(), 2u);
}

TEST(Topology, RootIdentityKnowsItIsRoot) {
  Topology t(R(), 16, 64, 500000);
  t.set_planet(test::vector_planet(), 0);
  EXPECT_TRUE(t.am_root());
  EXPECT_TRUE(t.upstream_addresses().empty());
  EXPECT_EQ(t.find(R().address()), nullptr);  // never a peer of itself
}

TEST(Topology, RootEndpointsAreExclusive) {
  Topology t(A(), 16, 64, 500000);
  t.set_planet(two_root_planet(), 0);
  EXPECT_TRUE(t.endpoint_allowed(R().address(), ip("10.0.0.1/4444")));
  EXPECT_FALSE(t.endpoint_allowed(R().address(), ip("10.0.0.2/9993")));
  EXPECT_TRUE(t.endpoint_allowed(B().address(), ip("10.9.9.9/1")));  // lists none
}

TEST(Topology, PeerTableIsBoundedAndKeepsUpstreams) {
  Topology t(A(), 1, 64, 500000);
  t.set_planet(test::vector_planet(), 0);
  ASSERT_NE(t.add(B(), 10), nullptr);
  EXPECT_EQ(t.peers().size(), 2u);                   // R does not count against the cap
  EXPECT_EQ(t.add(B(), 20), t.find(B().address()));  // already known: no change
  EXPECT_EQ(t.peers().size(), 2u);
  EXPECT_EQ(t.add(A(), 0), nullptr);  // ourselves
}

TEST(Topology, EvictsLeastRecentlyHeard) {
  Topology t(R(), 1, 64, 500000);
  t.set_planet(test::vector_planet(), 0);
  Peer* a = t.add(A(), 0);
  ASSERT_NE(a, nullptr);
  a->received(100);
  ASSERT_NE(t.add(B(), 200), nullptr);
  EXPECT_EQ(t.find(A().address()), nullptr);
  EXPECT_NE(t.find(B().address()), nullptr);
}

TEST(Topology, ForgetsIdleLeavesButNotUpstreams) {
  Topology t(A(), 16, 64, 30000);
  t.set_planet(test::vector_planet(), 0);
  t.add(B(), 0)->received(1000);
  EXPECT_EQ(t.forget_idle(30999).size(), 0u);
  EXPECT_EQ(t.forget_idle(31000).size(), 1u);
  EXPECT_NE(t.find(R().address()), nullptr);
}

TEST(Topology, BestUpstreamWeighsLatencyAndSilence) {
  Topology t(A(), 16, 64, 500000);
  t.set_planet(two_root_planet(), 0);
  Peer* r = t.find(R().address());
  Peer* b = t.find(B().address());
  ASSERT_TRUE(r && b);
  EXPECT_EQ(t.best_upstream(0), nullptr);  // no paths yet
  r->learn_path(0, ip("10.0.0.1/9993"), 0);
  b->learn_path(0, ip("10.0.0.2/9993"), 0);
  r->set_latency(50);
  b->set_latency(20);
  r->received(100000);
  b->received(100000);
  EXPECT_EQ(t.best_upstream(100000), b);
  EXPECT_EQ(t.best_upstream(100000, B().address()), r);
  // B silent for 3 x 61 s: 20 * 4 = 80 > R's 50 * 1.
  r->received(283000);
  r->learn_path(0, ip("10.0.0.1/9993"), 283000);
  b->learn_path(0, ip("10.0.0.2/9993"), 283000);
  EXPECT_EQ(t.best_upstream(283000), r);
}

}  // namespace
}  // namespace zt
