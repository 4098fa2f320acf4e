// Nodes behind cone NATs: the root sees them at their NATs' public
// addresses, and RENDEZVOUS (junk datagram with TTL 2, then HELLO/ECHO)
// punches the holes for a direct path.
#include <gtest/gtest.h>

#include "sim/sim_scenario.hpp"

namespace zt::sim {
namespace {

// Root and public hosts on global addresses, NATed hosts on 192.168/16.
struct NatWorld {
  explicit NatWorld(std::uint64_t seed) : s(seed, {.latency = 15, .jitter = 5}) {
    s.record_wire(true);
  }

  // `host`'s address as the rest of the world sees it.
  InetAddress outside(const SimHost& host, std::optional<NatId> nat) {
    if (!nat) return host.endpoint();
    return s.net().nat(*nat).mapping_of(s.now(), host.endpoint()).value_or(InetAddress());
  }
  bool direct_both_ways(SimHost& x, std::optional<NatId> x_nat, SimHost& y,
                        std::optional<NatId> y_nat) {
    return direct_over(x, y, outside(y, y_nat)) && direct_over(y, x, outside(x, x_nat));
  }
  std::string dump(const SimHost& x, const SimHost& y) {
    return describe(r) + describe(x) + describe(y) + s.timeline(80);
  }

  Scenario s;
  SimHost& r = s.add_root(ep("45.0.0.1/9993"));
};

TEST(SimNatTraversal, NodeBehindNatGetsADirectPath) {
  for (NatType type : {NatType::kAddressRestrictedCone, NatType::kPortRestrictedCone}) {
    SCOPED_TRACE(static_cast<int>(type));
    NatWorld w(51);
    const NatId n = w.s.net().add_nat(ep("45.1.0.1/0"), type);
    SimHost& a = w.s.add_node("A", vector_identity(0), {ep("192.168.1.2/9993")}, n);
    SimHost& b = w.s.add_node("B", vector_identity(1), {ep("45.0.0.3/9993")});
    ASSERT_TRUE(w.s.run_until([&] { return a.online() && b.online(); }, 5000)) << w.dump(a, b);
    // The root knows A by its NAT's public address.
    const InetAddress a_out = w.outside(a, n);
    EXPECT_EQ(a_out, ep("45.1.0.1/20000"));
    EXPECT_TRUE(w.s.run_until([&] { return direct_over(w.r, a, a_out); }, 5000)) << w.dump(a, b);

    auto ab = w.s.keep_echoing(a, b, 1000);
    auto ba = w.s.keep_echoing(b, a, 1000);
    ASSERT_TRUE(w.s.run_until([&] { return w.direct_both_ways(a, n, b, std::nullopt); }, 60000))
        << w.dump(a, b);
    w.s.stop_echoing({ab, ba});
    // A's opener died right past its own NAT, as TTL 2 should.
    EXPECT_GE(w.s.net().counters().ttl_expired, 1u);

    const auto to_b = w.s.echo(a, b);
    ASSERT_TRUE(to_b.has_value()) << w.dump(a, b);
    EXPECT_FALSE(to_b->via_relay);
    EXPECT_EQ(to_b->endpoint, b.endpoint());
    const auto to_a = w.s.echo(b, a);
    ASSERT_TRUE(to_a.has_value()) << w.dump(a, b);
    EXPECT_FALSE(to_a->via_relay);
    EXPECT_EQ(to_a->endpoint, a_out);
  }
}

TEST(SimNatTraversal, TwoNodesBehindTwoNatsGetADirectPath) {
  for (NatType type : {NatType::kAddressRestrictedCone, NatType::kPortRestrictedCone}) {
    SCOPED_TRACE(static_cast<int>(type));
    NatWorld w(52);
    const NatId na = w.s.net().add_nat(ep("45.1.0.1/0"), type);
    const NatId nb = w.s.net().add_nat(ep("45.2.0.1/0"), type);
    // The same private address behind each NAT, as two home routers would give.
    SimHost& a = w.s.add_node("A", vector_identity(0), {ep("192.168.1.2/9993")}, na);
    SimHost& b = w.s.add_node("B", vector_identity(1), {ep("192.168.1.2/9993")}, nb);
    ASSERT_TRUE(w.s.run_until([&] { return a.online() && b.online(); }, 5000)) << w.dump(a, b);

    auto ab = w.s.keep_echoing(a, b, 1000);
    auto ba = w.s.keep_echoing(b, a, 1000);
    ASSERT_TRUE(w.s.run_until([&] { return w.direct_both_ways(a, na, b, nb); }, 120000))
        << w.dump(a, b);
    w.s.stop_echoing({ab, ba});

    const auto to_b = w.s.echo(a, b);
    ASSERT_TRUE(to_b.has_value()) << w.dump(a, b);
    EXPECT_FALSE(to_b->via_relay);
    EXPECT_EQ(to_b->endpoint, w.outside(b, nb));
    const auto to_a = w.s.echo(b, a);
    ASSERT_TRUE(to_a.has_value()) << w.dump(a, b);
    EXPECT_FALSE(to_a->via_relay);
    EXPECT_EQ(to_a->endpoint, w.outside(a, na));
  }
}

TEST(SimNatTraversal, PeersFollowANatThatRebootsWithNewPorts) {
  NatWorld w(53);
  const NatId n = w.s.net().add_nat(ep("45.1.0.1/0"), NatType::kPortRestrictedCone);
  SimHost& a = w.s.add_node("A", vector_identity(0), {ep("192.168.1.2/9993")}, n);
  SimHost& b = w.s.add_node("B", vector_identity(1), {ep("45.0.0.3/9993")});
  auto ab = w.s.keep_echoing(a, b, 1000);
  auto ba = w.s.keep_echoing(b, a, 1000);
  ASSERT_TRUE(w.s.run_until([&] { return w.direct_both_ways(a, n, b, std::nullopt); }, 60000))
      << w.dump(a, b);
  const InetAddress before = w.outside(a, n);

  w.s.net().nat(n).reset();
  // B hears A from a new port at once, confirms it and moves over.
  ASSERT_TRUE(w.s.run_until(
      [&] {
        const InetAddress now_out = w.outside(a, n);
        return !now_out.is_nil() && now_out != before && w.direct_both_ways(a, n, b, std::nullopt);
      },
      60000))
      << w.dump(a, b);
  // The root only hears from A at its next upstream contact (§18.1: up to
  // 16 heartbeat periods while A has a path to it).
  EXPECT_TRUE(w.s.run_until([&] { return preferred_over(w.r, a, w.outside(a, n)); }, 240000))
      << w.dump(a, b);
  w.s.stop_echoing({ab, ba});
  const auto to_a = w.s.echo(b, a);
  ASSERT_TRUE(to_a.has_value()) << w.dump(a, b);
  EXPECT_FALSE(to_a->via_relay);
  EXPECT_EQ(to_a->endpoint, w.outside(a, n));
}

}  // namespace
}  // namespace zt::sim
