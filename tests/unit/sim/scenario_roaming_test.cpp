// A peer moves to another IP/port while two nodes talk directly: the other
// side and the root follow it, and the old path dies.
#include <gtest/gtest.h>

#include "sim/sim_star.hpp"

namespace zt::sim {
namespace {

void follows_the_move(std::uint64_t seed, const InetAddress& moved_to) {
  Star t(seed);
  t.meet_directly();
  if (::testing::Test::HasFatalFailure()) return;
  auto ab = t.s.keep_echoing(t.a, t.b, 1000);
  auto ba = t.s.keep_echoing(t.b, t.a, 1000);

  const InetAddress old_ep = t.b.endpoint();
  t.b.change_endpoint(moved_to);
  const Time moved = t.s.now();
  ASSERT_TRUE(t.s.run_until([&] { return direct_over(t.a, t.b, moved_to); }, 60000))
      << t.dump();
  EXPECT_LT(t.s.now() - moved, 30000);
  EXPECT_TRUE(t.s.run_until([&] { return direct_over(t.r, t.b, moved_to); }, 300000))
      << t.dump();

  // The old path stops being used at once and expires once nothing has
  // come in on it for the path expiry time (243 s).
  EXPECT_FALSE(direct_over(t.a, t.b, old_ep)) << t.dump();
  const bool gone = t.s.run_until(
      [&] {
        const auto p = path_to(t.a, t.b, old_ep);
        return !p || p->expired;
      },
      300000);
  EXPECT_TRUE(gone) << t.dump();
  EXPECT_TRUE(direct_over(t.a, t.b, moved_to)) << t.dump();
  EXPECT_TRUE(direct_over(t.b, t.a, t.a.endpoint())) << t.dump();

  t.s.stop_echoing({ab, ba});
  const auto reply = t.s.echo(t.a, t.b);
  ASSERT_TRUE(reply.has_value()) << t.dump();
  EXPECT_FALSE(reply->via_relay);
  EXPECT_EQ(reply->endpoint, moved_to);
  // Once A had followed, the echo traffic flowed over the new path.
  std::size_t over_new_path = 0;
  for (std::uint64_t id : ab->ids) {
    const NodeEvent* r = t.a.echo_reply(id);
    over_new_path += r && !r->via_relay && r->endpoint == moved_to;
  }
  EXPECT_GT(over_new_path, 200u);
}

TEST(SimRoaming, PeerChangesPort) { follows_the_move(21, ep("10.0.0.3/4444")); }

TEST(SimRoaming, PeerChangesAddress) { follows_the_move(22, ep("10.0.7.33/9993")); }

}  // namespace
}  // namespace zt::sim
