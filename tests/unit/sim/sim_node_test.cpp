// SimHost: the node's timer, process restarts and the store, on the wire.
#include <gtest/gtest.h>

#include "sim/sim_star.hpp"

namespace zt::sim {
namespace {

TEST(SimHost, TimerRunsAtTheNodesDeadlinesOnly) {
  Scenario s(61);
  s.set_planet(make_planet(vector_identity(2), {ep("10.0.0.1/9993")}));  // nobody there
  SimHost& a = s.add_node("A", vector_identity(0), {ep("10.0.0.2/9993")});
  s.run_for(60000);
  // A 5 s ping pass and a 30 s housekeeping pass: about a dozen wake-ups a
  // minute, not a tick every few milliseconds.
  EXPECT_GE(a.timer_runs(), 10u);
  EXPECT_LE(a.timer_runs(), 30u);
  EXPECT_EQ(a.timer_stalls(), 0u);
  // Each ping pass says HELLO to the unreachable root.
  EXPECT_GE(s.net().counters().no_route, 10u);
  EXPECT_FALSE(a.online());
}

TEST(SimHost, SameSeedSameRun) {
  auto run = [](std::uint64_t seed) {
    Star t(seed, {.loss = 0.1, .latency = 10, .jitter = 20});
    t.meet_directly(120000);
    return t.s.timeline(100000);
  };
  const std::string first = run(7);
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(run(7), first);
  EXPECT_NE(run(8), first);
}

TEST(SimHost, StoppedProcessHearsNothingAndRestartsFresh) {
  Star t(62);
  ASSERT_TRUE(t.s.run_until([&] { return t.settled(); }, 5000)) << t.dump();
  ASSERT_TRUE(t.r.peer(t.a.address()).has_value());

  t.r.stop();
  EXPECT_FALSE(t.r.running());
  const auto unheard = t.s.net().counters().no_route;
  const auto echo_id = t.a.echo(t.r.address());
  t.s.run_for(1000);
  EXPECT_EQ(t.a.echo_reply(echo_id), nullptr);
  EXPECT_GT(t.s.net().counters().no_route, unheard);

  t.r.start();
  EXPECT_TRUE(t.r.running());
  EXPECT_EQ(t.r.counters().rx_datagrams, 0u);  // a new process remembers nothing
  EXPECT_FALSE(t.r.peer(t.a.address()).has_value());
  // A contacts its root again within 16 heartbeat periods (§18.1).
  ASSERT_TRUE(t.s.run_until([&] { return t.r.peer(t.a.address()).has_value(); }, 240000))
      << t.dump();
  EXPECT_TRUE(t.s.echo(t.a, t.r).has_value()) << t.dump();
}

TEST(SimHost, RestartKeepsAPlanetUpdateFromTheStore) {
  Scenario s(63);
  const World v1 = make_planet(vector_identity(2), {ep("10.0.0.1/9993")}, 1);
  const World v2 = make_planet(vector_identity(2), {ep("10.0.0.1/9993")}, 2);
  s.set_planet(v2);
  SimHost& r = s.add_node("R", vector_identity(2), {ep("10.0.0.1/9993")});
  s.set_planet(v1);
  SimHost& a = s.add_node("A", vector_identity(0), {ep("10.0.0.2/9993")});
  ASSERT_TRUE(s.run_until([&] { return a.count(NodeEventType::kWorldUpdated) > 0; }, 5000))
      << describe(r) << describe(a);
  EXPECT_EQ(a.node().planet().timestamp, 2u);
  ASSERT_TRUE(a.stored().count("planet"));

  a.restart();
  EXPECT_EQ(a.node().planet().timestamp, 2u);
  EXPECT_TRUE(s.run_until([&] { return a.online(); }, 5000)) << describe(a);
}

TEST(SimHost, ChangedEndpointIsWhereDatagramsGoAndComeFrom) {
  Star t(64);
  ASSERT_TRUE(t.s.run_until([&] { return t.settled(); }, 5000)) << t.dump();
  t.a.change_endpoint(ep("10.0.9.9/1234"));
  EXPECT_EQ(t.a.endpoint(), ep("10.0.9.9/1234"));
  const auto reply = t.s.echo(t.a, t.r, 60000);
  ASSERT_TRUE(reply.has_value()) << t.dump();
  // The root confirmed the new address at once, and prefers it once the
  // old one has gone quiet (a path is alive for 19 s after its last packet).
  EXPECT_TRUE(
      t.s.run_until([&] { return path_to(t.r, t.a, ep("10.0.9.9/1234")).has_value(); }, 1000))
      << t.dump();
  EXPECT_TRUE(t.s.run_until([&] { return preferred_over(t.r, t.a, ep("10.0.9.9/1234")); }, 30000))
      << t.dump();
}

}  // namespace
}  // namespace zt::sim
