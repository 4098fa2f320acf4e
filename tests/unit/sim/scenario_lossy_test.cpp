// A bad network: loss on every link, and links that reorder and duplicate.
#include <gtest/gtest.h>

#include <map>

#include "sim/sim_star.hpp"

namespace zt::sim {
namespace {

TEST(SimLossy, TwentyPercentLossStillConverges) {
  for (std::uint64_t seed : {31, 32, 33, 34}) {
    SCOPED_TRACE(seed);
    Star t(seed, {.loss = 0.2, .latency = 15, .jitter = 10});
    auto ab = t.s.keep_echoing(t.a, t.b, 1000);
    auto ba = t.s.keep_echoing(t.b, t.a, 1000);
    // A lost path confirmation can leave the root without a path to a
    // leaf until the leaf's next upstream contact (up to 224 s, §18.1).
    ASSERT_TRUE(t.s.run_until([&] { return t.both_online() && t.both_direct(); }, 600000))
        << t.dump();
    t.s.stop_echoing({ab, ba});
    // A good share of echoes gets through directly (0.8 * 0.8 per round
    // trip), spaced beyond the per-path ECHO reply rate limit.
    std::size_t direct = 0;
    for (int i = 0; i < 50; ++i) {
      const auto reply = t.s.echo(t.a, t.b, 1000);
      direct += reply && !reply->via_relay && reply->endpoint == t.b.endpoint();
      t.s.run_for(200);
    }
    EXPECT_GT(direct, 20u) << t.dump();
    EXPECT_GT(t.s.net().counters().lost, 0u);
  }
}

// Copies the wire duplicated, by the host they were delivered to.
struct DuplicateTally {
  explicit DuplicateTally(Scenario& s) {
    s.net().set_trace([this](const WireEvent& e) {
      if (e.kind == WireEvent::Kind::kDeliver && e.duplicate) ++by_host[e.to];
    });
  }
  std::map<HostId, std::uint64_t> by_host;
};

TEST(SimLossy, ReorderingAndDuplicatesCauseNoFalseReplays) {
  Star t(41, {.latency = 10, .jitter = 10, .reorder = 0.2, .reorder_delay = 40,
              .duplicate = 0.2});
  t.meet_directly();
  if (HasFatalFailure()) return;

  // From here on every packet between A and B is end-to-end (nothing is
  // relayed), so each duplicated copy must be dropped as a replay by its
  // receiver, and nothing else may be.
  DuplicateTally dups(t.s);
  const std::uint64_t a_before = t.a.counters().drop_replayed;
  const std::uint64_t b_before = t.b.counters().drop_replayed;
  const std::uint64_t relayed_before = t.r.counters().relayed;
  // ECHO replies are rate limited to one per 166 ms per path (§12.9):
  // space them so that even a held-back request cannot trip that.
  auto ab = t.s.keep_echoing(t.a, t.b, 500);
  auto ba = t.s.keep_echoing(t.b, t.a, 600);
  t.s.run_for(120000);
  t.s.stop_echoing({ab, ba});

  EXPECT_EQ(t.r.counters().relayed, relayed_before) << t.dump();
  const std::uint64_t a_dups = dups.by_host[t.a.host_id()];
  const std::uint64_t b_dups = dups.by_host[t.b.host_id()];
  EXPECT_GT(a_dups, 40u);
  EXPECT_GT(b_dups, 40u);
  EXPECT_EQ(t.a.counters().drop_replayed - a_before, a_dups) << t.dump();
  EXPECT_EQ(t.b.counters().drop_replayed - b_before, b_dups) << t.dump();
  EXPECT_GT(t.s.net().counters().reordered, 100u);

  // Legitimate traffic all got through, each reply reported once.
  for (const auto& [host, loop] : {std::pair{&t.a, ab}, std::pair{&t.b, ba}}) {
    std::map<std::uint64_t, int> replies;
    for (const TimedEvent& e : host->events())
      if (e.event.type == NodeEventType::kEchoReply) ++replies[e.event.echo_id];
    ASSERT_GT(loop->ids.size(), 150u);
    for (std::uint64_t id : loop->ids) EXPECT_EQ(replies[id], 1) << "echo " << id;
  }
}

}  // namespace
}  // namespace zt::sim
