// Two nodes meet through a root: relayed first, then direct; and what
// happens to them when the root restarts or dies.
#include <gtest/gtest.h>

#include "sim/sim_star.hpp"

namespace zt::sim {
namespace {

TEST(SimMeet, NodesComeOnlineThroughTheRoot) {
  Star t(1);
  ASSERT_TRUE(t.s.run_until(
      [&] {
        return t.both_online() && has_direct(t.r, t.a) && has_direct(t.r, t.b);
      },
      5000))
      << t.dump();
  EXPECT_EQ(t.a.count(NodeEventType::kOnline), 1u);
  EXPECT_TRUE(direct_over(t.a, t.r, t.r.endpoint())) << t.dump();
  // The root learned both where they are.
  EXPECT_TRUE(direct_over(t.r, t.a, t.a.endpoint())) << t.dump();
  EXPECT_TRUE(direct_over(t.r, t.b, t.b.endpoint())) << t.dump();
  // Timers follow deadlines: well under one wake-up per 100 ms of virtual time.
  EXPECT_EQ(t.a.timer_stalls(), 0u);
}

TEST(SimMeet, RelayedFirstThenDirect) {
  Star t(2);
  ASSERT_TRUE(t.s.run_until([&] { return t.both_online(); }, 5000)) << t.dump();
  // A firewall between A and B: only the root can carry their traffic.
  t.s.net().set_link_up(t.a.host_id(), t.b.host_id(), false);
  const auto relayed = t.s.echo(t.a, t.b);
  ASSERT_TRUE(relayed.has_value()) << t.dump();
  EXPECT_TRUE(relayed->via_relay);
  EXPECT_EQ(relayed->endpoint, t.r.endpoint());
  EXPECT_GT(t.r.counters().relayed, 0u);
  EXPECT_FALSE(has_direct(t.a, t.b)) << t.dump();

  // The firewall opens; traffic keeps flowing and the root's next
  // introduction (at most one per 30 s per pair) puts them in touch.
  t.s.net().set_link_up(t.a.host_id(), t.b.host_id(), true);
  auto loop = t.s.keep_echoing(t.a, t.b, 1000);
  ASSERT_TRUE(t.s.run_until([&] { return t.both_direct(); }, 60000)) << t.dump();
  EXPECT_EQ(t.a.count(NodeEventType::kPeerDirect, t.b.address()), 1u) << t.dump();
  t.s.stop_echoing({loop});

  const auto direct = t.s.echo(t.a, t.b);
  ASSERT_TRUE(direct.has_value()) << t.dump();
  EXPECT_FALSE(direct->via_relay);
  EXPECT_EQ(direct->endpoint, t.b.endpoint());
}

TEST(SimMeet, IntroducedRightAwayWhenNothingBlocksThem) {
  Star t(3);
  ASSERT_TRUE(t.s.run_until([&] { return t.both_online(); }, 5000)) << t.dump();
  const Time start = t.s.now();
  const auto first = t.s.echo(t.a, t.b);
  ASSERT_TRUE(first.has_value()) << t.dump();
  ASSERT_TRUE(t.s.run_until([&] { return t.both_direct(); }, 5000)) << t.dump();
  // One round of WHOIS, relay and RENDEZVOUS: well under a second.
  EXPECT_LT(t.s.now() - start, 1000);
  EXPECT_EQ(t.r.count(NodeEventType::kPeerDirect, t.a.address()), 1u);
  const auto direct = t.s.echo(t.a, t.b);
  ASSERT_TRUE(direct.has_value()) << t.dump();
  EXPECT_FALSE(direct->via_relay);
  EXPECT_EQ(direct->endpoint, t.b.endpoint());
}

TEST(SimMeet, RootRestartKeepsDirectPathAndNodesComeBackOnline) {
  Star t(4);
  t.meet_directly();
  if (HasFatalFailure()) return;
  auto ab = t.s.keep_echoing(t.a, t.b, 2000);
  auto ba = t.s.keep_echoing(t.b, t.a, 2000);

  // The root process dies and stays down past the activity timeout.
  t.r.stop();
  const Time activity = NodeOptions{}.peer_activity_timeout_ms;
  const bool broke = t.s.run_until([&] { return !t.both_direct(); }, activity + 20000);
  EXPECT_FALSE(broke) << "direct path lost while the root was down\n" << t.dump();
  EXPECT_FALSE(t.a.online());
  EXPECT_FALSE(t.b.online());
  EXPECT_EQ(t.a.count(NodeEventType::kOffline), 1u);

  // A new process, same identity and store: both nodes find it again.
  t.r.start();
  const bool back = t.s.run_until(
      [&] {
        return !t.both_direct() || (t.a.online() && t.b.online() && has_direct(t.r, t.a) &&
                                    has_direct(t.r, t.b));
      },
      60000);
  ASSERT_TRUE(back) << t.dump();
  EXPECT_TRUE(t.both_direct()) << "direct path lost when the root came back\n" << t.dump();
  EXPECT_EQ(t.a.count(NodeEventType::kOnline), 2u);
  EXPECT_EQ(t.b.count(NodeEventType::kOnline), 2u);

  // Every echo sent along the way was answered directly.
  t.s.stop_echoing({ab, ba});
  for (const auto& [host, loop] : {std::pair{&t.a, ab}, std::pair{&t.b, ba}}) {
    ASSERT_FALSE(loop->ids.empty());
    for (std::uint64_t id : loop->ids) {
      const NodeEvent* reply = host->echo_reply(id);
      ASSERT_NE(reply, nullptr) << "echo " << id << " unanswered\n" << t.dump();
      EXPECT_FALSE(reply->via_relay);
    }
  }
}

TEST(SimMeet, RootQuickRestartRelearnsNodesAndRelaysAgain) {
  Star t(6);
  t.meet_directly();
  if (HasFatalFailure()) return;
  auto ab = t.s.keep_echoing(t.a, t.b, 2000);
  auto ba = t.s.keep_echoing(t.b, t.a, 2000);

  t.r.restart();  // crash and immediate restart: a root that knows nobody
  // Each node contacts its root again within 16 heartbeat periods (§18.1);
  // meanwhile nobody goes offline and A<->B stays direct.
  const bool broke_or_back = t.s.run_until(
      [&] {
        return !t.both_direct() || !t.both_online() ||
               (preferred_over(t.r, t.a, t.a.endpoint()) &&
                preferred_over(t.r, t.b, t.b.endpoint()));
      },
      240000);
  ASSERT_TRUE(broke_or_back) << "the root never re-learned A and B\n" << t.dump();
  EXPECT_TRUE(t.both_direct()) << t.dump();
  EXPECT_TRUE(t.both_online()) << t.dump();
  EXPECT_EQ(t.a.count(NodeEventType::kOffline), 0u);
  t.s.stop_echoing({ab, ba});

  // The new root process relays between them again, once their direct
  // path has expired (a path is used until 243 s without a packet, §18.2).
  t.s.net().set_link_up(t.a.host_id(), t.b.host_id(), false);
  t.s.run_for(250000);
  EXPECT_FALSE(has_direct(t.a, t.b)) << t.dump();
  const auto relayed = t.s.echo(t.a, t.b);
  ASSERT_TRUE(relayed.has_value()) << t.dump();
  EXPECT_TRUE(relayed->via_relay);
  EXPECT_GT(t.r.counters().relayed, 0u);
}

TEST(SimMeet, RestartedRootRecognizesKnownNodesFromItsPeerCache) {
  Star t(7);
  t.meet_directly();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(t.r.stored().count("peers.d/" + t.a.address().to_string()))
      << "the root did not keep A's identity";
  t.r.restart();
  // A's next packet to the new root process is understood at once: the
  // root reads A's identity from peers.d instead of waiting for A's next
  // HELLO (up to 16 heartbeat periods away).
  const auto reply = t.s.echo(t.a, t.r, 2000);
  ASSERT_TRUE(reply.has_value()) << t.dump();
  EXPECT_FALSE(reply->via_relay);
}

TEST(SimMeet, RootKilledForGoodAfterDirectEchoStillWorks) {
  Star t(5);
  t.meet_directly();
  if (HasFatalFailure()) return;
  t.s.net().set_host_up(t.r.host_id(), false);  // unplugged, never back
  auto loop = t.s.keep_echoing(t.a, t.b, 5000);
  t.s.run_for(15 * 60 * 1000);
  t.s.stop_echoing({loop});
  ASSERT_GT(loop->ids.size(), 150u);
  for (std::uint64_t id : loop->ids) {
    const NodeEvent* reply = t.a.echo_reply(id);
    ASSERT_NE(reply, nullptr) << "echo " << id << " unanswered\n" << t.dump();
    EXPECT_FALSE(reply->via_relay);
    EXPECT_EQ(reply->endpoint, t.b.endpoint());
  }
  EXPECT_TRUE(t.both_direct()) << t.dump();
  // Nothing was heard from the root for longer than the activity timeout.
  EXPECT_FALSE(t.a.online());
  EXPECT_EQ(t.a.count(NodeEventType::kOffline), 1u);
}

}  // namespace
}  // namespace zt::sim
