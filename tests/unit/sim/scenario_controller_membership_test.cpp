// Membership on a network run by the real controller (memory-backed Store)
// on a simulated internet: join with a pool address, refusal, authorization
// later, deauthorization, and a member whose certificate ages out.
#include <gtest/gtest.h>

#include "node/rule_frames.hpp"
#include "sim/sim_controller.hpp"

namespace zt::sim {
namespace {

using controller::json;
namespace frames = test::frames;

TEST(SimController, JoinGetsOkAndAPoolAddressUnderLoss) {
  ControllerWorld w(81, {.loss = 0.1, .latency = 15, .jitter = 5});
  w.authorize(w.a);
  ASSERT_TRUE(w.join_all({&w.a})) << w.dump();

  const NetworkInfo n = *w.a.network(w.nwid);
  EXPECT_EQ(n.name, "sim-net");
  ASSERT_EQ(n.assigned_addresses.size(), 1u);
  const InetAddress ip = n.assigned_addresses[0];
  EXPECT_TRUE(ip.is_v4());
  EXPECT_EQ(ip.port(), 24);  // the pool's route gives the prefix
  const std::uint8_t* b = ip.ip();
  EXPECT_TRUE(b[0] == 10 && b[1] == 147 && b[2] == 17 && b[3] >= 1 && b[3] <= 254) << ip.to_string();

  // The controller kept what it handed out, and whom it handed it to.
  const json* record = w.member_record(w.a);
  ASSERT_NE(record, nullptr);
  ASSERT_EQ((*record)["ipAssignments"].size(), 1u);
  EXPECT_EQ((*record)["ipAssignments"][0].get<std::string>() + "/24", ip.to_string());
  EXPECT_EQ((*record)["identity"], w.a.identity().to_string(false));
  EXPECT_EQ(w.db->members.at({w.nwid, w.a.address()})["ipAssignments"], (*record)["ipAssignments"]);
  EXPECT_GT(w.s.net().counters().lost, 0u);
}

TEST(SimController, AnUnauthorizedMemberIsDenied) {
  ControllerWorld w(82);
  ASSERT_TRUE(w.join(w.a, NetworkStatus::kAccessDenied)) << w.dump();
  w.s.run_for(20000);  // retries change nothing
  EXPECT_EQ(w.status(w.a), NetworkStatus::kAccessDenied);
  EXPECT_TRUE(w.a.network(w.nwid)->assigned_addresses.empty());

  // It shows up in the records for an admin to authorize.
  const json* record = w.member_record(w.a);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ((*record)["authorized"], false);
  EXPECT_EQ((*record)["identity"], w.a.identity().to_string(false));
}

TEST(SimController, AuthorizingAWaitingMemberConfiguresItAtOnce) {
  ControllerWorld w(83);
  ASSERT_TRUE(w.join(w.a, NetworkStatus::kAccessDenied)) << w.dump();
  // Just refused: its own next request is a retry interval (5 s) away, so
  // only the controller's push can configure it within a second.
  const Time authorized_at = w.s.now();
  w.authorize(w.a);
  ASSERT_TRUE(w.s.run_until([&] { return w.ok(w.a); }, 1000)) << w.dump();
  EXPECT_LT(w.s.now() - authorized_at, 1000);
  EXPECT_FALSE(w.ipv4(w.a).is_nil());
}

TEST(SimController, DeauthorizingCutsTheMemberOffAtItsPeersAtOnce) {
  ControllerWorld w(84);
  w.authorize(w.a);
  w.authorize(w.b);
  ASSERT_TRUE(w.join_all({&w.a, &w.b})) << w.dump();
  ASSERT_TRUE(w.deliver(w.b, w.a, w.mac(w.a), frames::kIpv4, w.udp(w.b, w.a, 1)))
      << w.dump();

  w.authorize(w.b, false);
  w.s.run_for(500);  // the revocation's one-way trip
  // B's own config is still good; A refuses it on the revocation alone.
  EXPECT_TRUE(w.ok(w.b));
  EXPECT_EQ(w.attempt(w.b, w.a, w.mac(w.a), frames::kIpv4, w.udp(w.b, w.a, 2), 3), 0u)
      << w.dump();

  // Its next refresh (within a minute) is refused.
  ASSERT_TRUE(w.s.run_until([&] { return w.status(w.b) == NetworkStatus::kAccessDenied; }, 70000))
      << w.dump();
  EXPECT_TRUE(w.ok(w.a));
}

TEST(SimController, AMemberThatStopsRefreshingIsCutOffWhenItsCertificateAges) {
  constexpr Time kWindow = 300000;  // the smallest certificateTimeoutWindowSize
  ControllerWorld w(85, {.latency = 10, .jitter = 4}, json{{"certificateTimeoutWindowSize", kWindow}});
  for (SimHost* m : {&w.a, &w.b, &w.d}) w.authorize(*m);
  ASSERT_TRUE(w.join_all({&w.a, &w.b, &w.d})) << w.dump();
  const Bytes a_to_b = w.udp(w.a, w.b, 1);
  const Bytes b_to_d = w.udp(w.b, w.d, 2);
  const Bytes d_to_b = w.udp(w.d, w.b, 3);
  ASSERT_TRUE(w.deliver(w.a, w.b, w.mac(w.b), frames::kIpv4, a_to_b)) << w.dump();
  ASSERT_TRUE(w.deliver(w.b, w.d, w.mac(w.d), frames::kIpv4, b_to_d)) << w.dump();

  // A can no longer reach the controller, directly or through the root;
  // its link to B stays up.
  w.s.net().set_link_up(w.a.host_id(), w.c.host_id(), false);
  w.s.net().set_link_up(w.a.host_id(), w.r.host_id(), false);

  // Within the window its certificate still agrees with B's.
  w.s.run_for(kWindow * 2 / 3);
  ASSERT_TRUE(w.deliver(w.a, w.b, w.mac(w.b), frames::kIpv4, a_to_b, 5)) << w.dump();

  // Past the window (plus B's refresh period) B refuses it, while B and D,
  // which keep refreshing, keep talking.
  w.s.run_for(kWindow / 3 + 2 * 60000);
  EXPECT_EQ(w.attempt(w.a, w.b, w.mac(w.b), frames::kIpv4, a_to_b, 5), 0u) << w.dump();
  EXPECT_TRUE(w.deliver(w.b, w.d, w.mac(w.d), frames::kIpv4, b_to_d, 5)) << w.dump();
  EXPECT_TRUE(w.deliver(w.d, w.b, w.mac(w.b), frames::kIpv4, d_to_b, 5)) << w.dump();
  EXPECT_TRUE(w.ok(w.b) && w.ok(w.d));
}

}  // namespace
}  // namespace zt::sim
