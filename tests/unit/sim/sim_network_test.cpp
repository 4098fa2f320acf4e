// The simulator itself, proven with plain recording endpoints before it
// drives the engine: clock order, wire statistics, NAT rules, TTL model.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sim_network.hpp"

namespace zt::sim {
namespace {

InetAddress ep(const char* text) {
  auto a = InetAddress::from_string(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(InetAddress());
}

struct Received {
  Time at;
  LocalSocket socket;
  InetAddress from;
  std::vector<std::uint8_t> bytes;
};

struct Recorder : Receiver {
  std::vector<Received> got;
  void on_receive(Time now, LocalSocket socket, const InetAddress& from,
                  std::span<const std::uint8_t> data) override {
    got.push_back({now, socket, from, {data.begin(), data.end()}});
  }
};

std::vector<std::uint8_t> payload(std::uint32_t n) {
  return {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
          static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
}

std::uint32_t number(const Received& r) {
  return (std::uint32_t(r.bytes[0]) << 24) | (std::uint32_t(r.bytes[1]) << 16) |
         (std::uint32_t(r.bytes[2]) << 8) | r.bytes[3];
}

// Two public hosts, a (10.0.0.1/9993) and b (10.0.0.2/9993), with recorders.
struct TwoHosts {
  explicit TwoHosts(std::uint64_t seed) : net(seed) {
    a = net.add_host("a", {ep("10.0.0.1/9993")});
    b = net.add_host("b", {ep("10.0.0.2/9993")});
    net.attach(a, &ra);
    net.attach(b, &rb);
  }
  // One datagram a->b every `spacing` ms, numbered from 0.
  void send_many(std::uint32_t count, Time spacing = 1) {
    const InetAddress to = ep("10.0.0.2/9993");
    for (std::uint32_t i = 0; i < count; ++i) {
      net.clock().run_until(Time(i) * spacing);
      net.send(a, kAnySocket, to, payload(i));
    }
    net.clock().run_for(10000);
  }
  Network net;
  HostId a, b;
  Recorder ra, rb;
};

TEST(SimClock, RunsByTimeThenByInsertionOrder) {
  EventQueue q;
  std::string order;
  q.schedule(20, [&] { order += 'c'; });
  q.schedule(10, [&] { order += 'a'; });
  q.schedule(10, [&] { order += 'b'; });
  q.schedule(30, [&] {
    order += 'd';
    q.schedule(5, [&] { order += 'e'; });  // in the past: runs now, never rewinds
  });
  q.run_until(100);
  EXPECT_EQ(order, "abcde");
  EXPECT_EQ(q.now(), 100);
  EXPECT_EQ(q.executed(), 5u);
}

TEST(SimClock, RunUntilStopsWhenDoneOrAtDeadline) {
  EventQueue q;
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    q.schedule_in(100, tick);
  };
  q.schedule(0, tick);
  EXPECT_TRUE(q.run_until(10000, [&] { return ticks == 5; }));
  EXPECT_EQ(q.now(), 400);
  EXPECT_FALSE(q.run_until(1000, [&] { return ticks == 1000; }));
  EXPECT_EQ(q.now(), 1000);
  EXPECT_EQ(ticks, 11);
}

TEST(SimNetwork, DeliversAfterLatencyWithTheSendersAddress) {
  TwoHosts t(1);
  t.net.set_default_link({.latency = 25});
  t.net.send(t.a, kAnySocket, ep("10.0.0.2/9993"), payload(7));
  t.net.clock().run_until(24);
  EXPECT_TRUE(t.rb.got.empty());
  t.net.clock().run_until(25);
  ASSERT_EQ(t.rb.got.size(), 1u);
  EXPECT_EQ(t.rb.got[0].from, ep("10.0.0.1/9993"));
  EXPECT_EQ(t.rb.got[0].socket, 0);
  EXPECT_EQ(number(t.rb.got[0]), 7u);
  EXPECT_EQ(t.net.counters().delivered, 1u);
}

TEST(SimNetwork, UnknownAddressHasNoRoute) {
  TwoHosts t(1);
  t.net.send(t.a, kAnySocket, ep("10.9.9.9/9993"), payload(1));
  t.net.clock().run_for(1000);
  EXPECT_EQ(t.net.counters().no_route, 1u);
  EXPECT_TRUE(t.rb.got.empty());
}

TEST(SimNetwork, LossMatchesProbabilityAndRepeatsWithTheSeed) {
  auto run = [](std::uint64_t seed) {
    TwoHosts t(seed);
    t.net.set_default_link({.loss = 0.2});
    t.send_many(5000);
    std::vector<std::uint32_t> seq;
    for (const auto& r : t.rb.got) seq.push_back(number(r));
    EXPECT_EQ(t.net.counters().lost + seq.size(), 5000u);
    return seq;
  };
  const auto first = run(42);
  EXPECT_GT(first.size(), 3850u);  // 4000 expected, sigma 28
  EXPECT_LT(first.size(), 4150u);
  EXPECT_EQ(run(42), first);
  EXPECT_NE(run(43), first);
}

TEST(SimNetwork, PerLinkParamsOverrideTheDefault) {
  Network net(5);
  const HostId a = net.add_host("a", {ep("10.0.0.1/1")});
  const HostId b = net.add_host("b", {ep("10.0.0.2/1")});
  const HostId c = net.add_host("c", {ep("10.0.0.3/1")});
  Recorder rb, rc;
  net.attach(b, &rb);
  net.attach(c, &rc);
  net.set_default_link({.latency = 10});
  net.set_link(b, a, {.loss = 1.0});
  for (int i = 0; i < 20; ++i) {
    net.send(a, 0, ep("10.0.0.2/1"), payload(i));
    net.send(a, 0, ep("10.0.0.3/1"), payload(i));
  }
  net.clock().run_for(100);
  EXPECT_TRUE(rb.got.empty());
  EXPECT_EQ(rc.got.size(), 20u);
  EXPECT_EQ(rc.got[0].at, 10);
}

TEST(SimNetwork, JitterStaysWithinBounds) {
  TwoHosts t(3);
  t.net.set_default_link({.latency = 40, .jitter = 20});
  t.send_many(2000, 1000);
  ASSERT_EQ(t.rb.got.size(), 2000u);
  Time lo = 1'000'000, hi = 0;
  for (const auto& r : t.rb.got) {
    const Time d = r.at - Time(number(r)) * 1000;
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_EQ(lo, 40);
  EXPECT_EQ(hi, 60);
}

TEST(SimNetwork, FixedLatencyKeepsOrderAndReorderingBreaksIt) {
  auto inversions = [](const Recorder& r) {
    int n = 0;
    for (std::size_t i = 1; i < r.got.size(); ++i) n += number(r.got[i]) < number(r.got[i - 1]);
    return n;
  };
  TwoHosts steady(9);
  steady.send_many(1000);
  EXPECT_EQ(inversions(steady.rb), 0);

  TwoHosts shaken(9);
  shaken.net.set_default_link({.latency = 5, .reorder = 0.1, .reorder_delay = 30});
  shaken.send_many(1000);
  ASSERT_EQ(shaken.rb.got.size(), 1000u);  // held back, never lost
  EXPECT_GT(shaken.net.counters().reordered, 60u);
  EXPECT_LT(shaken.net.counters().reordered, 140u);
  EXPECT_GT(inversions(shaken.rb), 60);
}

TEST(SimNetwork, DuplicatesAreExtraCopiesOfTheSameBytes) {
  TwoHosts t(11);
  t.net.set_default_link({.latency = 5, .jitter = 10, .duplicate = 0.25});
  std::uint64_t marked = 0;
  t.net.set_trace([&](const WireEvent& e) {
    marked += e.kind == WireEvent::Kind::kDeliver && e.duplicate;
  });
  t.send_many(4000);
  const auto dups = t.net.counters().duplicated;
  EXPECT_EQ(marked, dups);
  EXPECT_GT(dups, 900u);
  EXPECT_LT(dups, 1100u);
  EXPECT_EQ(t.rb.got.size(), 4000u + dups);
  std::vector<int> seen(4000);
  for (const auto& r : t.rb.got) ++seen[number(r)];
  std::uint64_t twice = 0;
  for (int s : seen) {
    EXPECT_GE(s, 1);
    EXPECT_LE(s, 2);
    twice += s == 2;
  }
  EXPECT_EQ(twice, dups);
}

TEST(SimNetwork, LinkAndHostDownDropEverythingUntilUp) {
  TwoHosts t(1);
  t.net.set_link_up(t.b, t.a, false);
  t.net.send(t.a, 0, ep("10.0.0.2/9993"), payload(1));
  t.net.set_link_up(t.a, t.b, true);
  t.net.send(t.a, 0, ep("10.0.0.2/9993"), payload(2));
  t.net.clock().run_for(100);
  ASSERT_EQ(t.rb.got.size(), 1u);
  EXPECT_EQ(number(t.rb.got[0]), 2u);

  t.net.send(t.a, 0, ep("10.0.0.2/9993"), payload(3));
  t.net.set_host_up(t.b, false);  // dies while the datagram is in flight
  t.net.clock().run_for(100);
  EXPECT_FALSE(t.net.send(t.b, 0, ep("10.0.0.1/9993"), payload(4)));
  t.net.clock().run_for(100);
  EXPECT_EQ(t.rb.got.size(), 1u);
  EXPECT_TRUE(t.ra.got.empty());
  EXPECT_EQ(t.net.counters().link_down, 2u);
}

TEST(SimNetwork, RebindingASocketStrandsDatagramsInFlight) {
  TwoHosts t(1);
  t.net.set_default_link({.latency = 50});
  t.net.send(t.a, 0, ep("10.0.0.2/9993"), payload(1));
  t.net.set_endpoint(t.b, 0, ep("10.0.0.22/4000"));
  t.net.send(t.a, 0, ep("10.0.0.22/4000"), payload(2));
  t.net.clock().run_for(100);
  ASSERT_EQ(t.rb.got.size(), 1u);
  EXPECT_EQ(number(t.rb.got[0]), 2u);
  EXPECT_EQ(t.net.counters().no_route, 1u);
  t.net.send(t.b, 0, ep("10.0.0.1/9993"), payload(3));
  t.net.clock().run_for(100);
  ASSERT_EQ(t.ra.got.size(), 1u);
  EXPECT_EQ(t.ra.got[0].from, ep("10.0.0.22/4000"));
}

TEST(SimNetwork, HostWithTwoSocketsSendsFromTheChosenOne) {
  Network net(1);
  const HostId a = net.add_host("a", {ep("10.0.0.1/1"), ep("10.0.1.1/2")});
  const HostId b = net.add_host("b", {ep("10.0.0.2/1")});
  Recorder ra, rb;
  net.attach(a, &ra);
  net.attach(b, &rb);
  net.send(a, 1, ep("10.0.0.2/1"), payload(1));
  net.send(b, 0, ep("10.0.1.1/2"), payload(2));
  EXPECT_FALSE(net.send(a, 5, ep("10.0.0.2/1"), payload(3)));
  net.clock().run_for(100);
  ASSERT_EQ(rb.got.size(), 1u);
  EXPECT_EQ(rb.got[0].from, ep("10.0.1.1/2"));
  ASSERT_EQ(ra.got.size(), 1u);
  EXPECT_EQ(ra.got[0].socket, 1);
}

// A NATed host 192.168.1.2/9993 behind 203.0.113.1, and two public hosts.
struct Natted {
  explicit Natted(NatType type, Time timeout = 0) : net(7) {
    nat = net.add_nat(ep("203.0.113.1/0"), type, timeout);
    inside = net.add_host("inside", {ep("192.168.1.2/9993")}, nat);
    p = net.add_host("p", {ep("10.0.0.1/9993"), ep("10.0.0.1/7777")});
    q = net.add_host("q", {ep("10.0.0.2/9993")});
    net.attach(inside, &rin);
    net.attach(p, &rp);
    net.attach(q, &rq);
  }
  void step() { net.clock().run_for(100); }
  Network net;
  NatId nat;
  HostId inside, p, q;
  Recorder rin, rp, rq;
};

TEST(SimNat, RewritesSourceWithOneMappingForEveryDestination) {
  Natted t(NatType::kPortRestrictedCone);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1));
  t.net.send(t.inside, 0, ep("10.0.0.2/9993"), payload(2));
  t.step();
  ASSERT_EQ(t.rp.got.size(), 1u);
  ASSERT_EQ(t.rq.got.size(), 1u);
  EXPECT_EQ(t.rp.got[0].from, ep("203.0.113.1/20000"));
  EXPECT_EQ(t.rq.got[0].from, ep("203.0.113.1/20000"));
  EXPECT_EQ(t.net.nat(t.nat).mapping_count(), 1u);

  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(3));  // a reply
  t.step();
  ASSERT_EQ(t.rin.got.size(), 1u);
  EXPECT_EQ(t.rin.got[0].from, ep("10.0.0.1/9993"));
}

TEST(SimNat, RefusesUnsolicitedAndUnmappedInbound) {
  Natted t(NatType::kAddressRestrictedCone);
  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(1));  // no mapping yet
  t.step();
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(2));
  t.step();
  t.net.send(t.q, 0, ep("203.0.113.1/20000"), payload(3));  // never contacted
  t.step();
  EXPECT_TRUE(t.rin.got.empty());
  EXPECT_EQ(t.net.counters().nat_filtered, 2u);
}

TEST(SimNat, AddressRestrictedAcceptsAnyPortOfAContactedIp) {
  Natted t(NatType::kAddressRestrictedCone);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1));
  t.step();
  t.net.send(t.p, 1, ep("203.0.113.1/20000"), payload(2));  // from port 7777
  t.step();
  ASSERT_EQ(t.rin.got.size(), 1u);
  EXPECT_EQ(t.rin.got[0].from, ep("10.0.0.1/7777"));
}

TEST(SimNat, PortRestrictedRefusesAnotherPortOfAContactedIp) {
  Natted t(NatType::kPortRestrictedCone);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1));
  t.step();
  t.net.send(t.p, 1, ep("203.0.113.1/20000"), payload(2));
  t.step();
  EXPECT_TRUE(t.rin.got.empty());
  EXPECT_EQ(t.net.counters().nat_filtered, 1u);
}

TEST(SimNat, IdleMappingsExpireAndRebootsForgetThem) {
  Natted t(NatType::kPortRestrictedCone, 30000);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1));
  t.net.clock().run_for(29000);
  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(2));  // refreshes it
  t.net.clock().run_for(29000);
  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(3));
  t.net.clock().run_for(31000);
  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(4));  // idle too long
  t.step();
  EXPECT_EQ(t.rin.got.size(), 2u);
  EXPECT_EQ(t.net.counters().nat_filtered, 1u);

  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(5));
  t.net.nat(t.nat).reset();
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(6));
  t.step();
  ASSERT_EQ(t.rp.got.size(), 3u);
  EXPECT_EQ(t.rp.got[1].from, ep("203.0.113.1/20001"));
  EXPECT_EQ(t.rp.got[2].from, ep("203.0.113.1/20002"));
}

TEST(SimNat, HostsOnTheSameLanTalkWithoutTheNat) {
  Natted t(NatType::kPortRestrictedCone);
  const HostId lan = t.net.add_host("lan", {ep("192.168.1.3/9993")}, t.nat);
  Recorder rlan;
  t.net.attach(lan, &rlan);
  t.net.send(t.inside, 0, ep("192.168.1.3/9993"), payload(1), 2);
  t.step();
  ASSERT_EQ(rlan.got.size(), 1u);
  EXPECT_EQ(rlan.got[0].from, ep("192.168.1.2/9993"));
  EXPECT_EQ(t.net.nat(t.nat).mapping_count(), 0u);
}

TEST(SimNat, ShortTtlOpensTheOwnNatButReachesNobody) {
  Natted t(NatType::kPortRestrictedCone);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1), kShortTtl);
  t.step();
  EXPECT_TRUE(t.rp.got.empty());
  EXPECT_EQ(t.net.counters().ttl_expired, 1u);
  // ...yet the hole is punched: p's datagram now gets in.
  t.net.send(t.p, 0, ep("203.0.113.1/20000"), payload(2), kShortTtl + 1);
  t.step();
  ASSERT_EQ(t.rin.got.size(), 1u);

  // A short-TTL datagram towards a NAT dies before it and opens nothing.
  t.net.send(t.q, 0, ep("203.0.113.1/20000"), payload(3), 1);
  t.step();
  EXPECT_EQ(t.rin.got.size(), 1u);
  EXPECT_EQ(t.net.counters().ttl_expired, 2u);
  EXPECT_EQ(t.net.counters().nat_filtered, 0u);
}

TEST(SimNat, TwoNatsPunchAHoleBothWays) {
  for (NatType type : {NatType::kAddressRestrictedCone, NatType::kPortRestrictedCone}) {
    Network net(3);
    const NatId na = net.add_nat(ep("198.51.100.1/0"), type);
    const NatId nb = net.add_nat(ep("198.51.100.2/0"), type);
    // Same private address on both sides: the realms are separate.
    const HostId a = net.add_host("a", {ep("192.168.1.2/9993")}, na);
    const HostId b = net.add_host("b", {ep("192.168.1.2/9993")}, nb);
    Recorder ra, rb;
    net.attach(a, &ra);
    net.attach(b, &rb);
    const InetAddress a_pub = ep("198.51.100.1/20000"), b_pub = ep("198.51.100.2/21000");
    net.nat(na).outbound(0, ep("192.168.1.2/9993"), ep("10.0.0.1/9993"));  // as if via a root
    net.nat(nb).outbound(0, ep("192.168.1.2/9993"), ep("10.0.0.1/9993"));

    net.send(a, 0, b_pub, payload(1));  // refused by b's NAT, but opens a's
    net.clock().run_for(100);
    EXPECT_TRUE(rb.got.empty());
    net.send(b, 0, a_pub, payload(2), kShortTtl);  // opens b's only
    net.clock().run_for(100);
    EXPECT_TRUE(ra.got.empty());
    net.send(a, 0, b_pub, payload(3));
    net.send(b, 0, a_pub, payload(4));
    net.clock().run_for(100);
    ASSERT_EQ(rb.got.size(), 1u);
    ASSERT_EQ(ra.got.size(), 1u);
    EXPECT_EQ(rb.got[0].from, a_pub);
    EXPECT_EQ(ra.got[0].from, b_pub);
  }
}

TEST(SimNetwork, TraceNamesEveryFate) {
  Natted t(NatType::kPortRestrictedCone);
  std::vector<std::string> lines;
  t.net.set_trace([&](const WireEvent& e) { lines.push_back(e.to_string()); });
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1), 2);
  t.net.send(t.inside, 0, ep("10.0.0.1/9993"), payload(1));
  t.step();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "t=0 send 192.168.1.2/9993 -> 10.0.0.1/9993 4B ttl=2");
  EXPECT_EQ(lines[1],
            "t=0 drop 203.0.113.1/20000 -> 10.0.0.1/9993 4B ttl=2 "
            "(ttl expired past the sender's NAT)");
  EXPECT_EQ(lines[3], "t=5 deliver 203.0.113.1/20000 -> 10.0.0.1/9993 4B");
}

}  // namespace
}  // namespace zt::sim
