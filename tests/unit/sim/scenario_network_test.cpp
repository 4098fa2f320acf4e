// A virtual network on a lossy simulated internet: root R, controller C
// (serving the vl2 vector network) and members A and B. Both get their
// configs despite 10% loss, then exchange unicast frames and ARP.
#include <gtest/gtest.h>

#include "node/vl2_fixtures.hpp"
#include "sim/sim_scenario.hpp"

namespace zt::sim {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

struct NetworkWorld {
  explicit NetworkWorld(std::uint64_t seed)
      : s(seed, {.loss = 0.1, .latency = 15, .jitter = 5}),
        r(s.add_root(ep("10.0.0.1/9993"))),
        c(s.add_node("C", test::vl2_identity("controller"), {ep("10.0.0.10/9993")})),
        a(s.add_node("A", test::vl2_identity("memberA"), {ep("10.0.0.2/9993")})),
        b(s.add_node("B", test::vl2_identity("memberB"), {ep("10.0.0.3/9993")})),
        controller(test::vl2_identity("controller")),
        nwid(test::vl2_network_id()) {
    s.record_wire(true);
    controller.members[a.address()].ips = {ip("10.147.17.5/24")};
    controller.members[b.address()].ips = {ip("10.147.17.6/24")};
    c.node().set_controller(&controller);
  }

  bool ok(const SimHost& h) const {
    const std::optional<NetworkInfo> n = h.network(nwid);
    return n && n->status == NetworkStatus::kOk;
  }
  MacAddress mac(const SimHost& h) const { return MacAddress::from_address(h.address(), nwid); }
  std::string dump() { return describe(r) + describe(c) + describe(a) + describe(b) + s.timeline(); }

  // Keeps sending until `to` has received `count` frames of `ethertype`.
  bool deliver(SimHost& from, const SimHost& to, MacAddress dest, std::uint16_t ethertype,
               const Bytes& data, std::size_t count = 1) {
    const auto received = [&] {
      std::size_t n = 0;
      for (const SimFrame& f : to.frames()) n += f.ethertype == ethertype && f.data == data;
      return n;
    };
    for (int attempt = 0; attempt < 30 && received() < count; ++attempt) {
      from.send_frame(nwid, dest, ethertype, data);
      s.run_until([&] { return received() >= count; }, 1000);
    }
    return received() >= count;
  }

  Scenario s;
  SimHost& r;
  SimHost& c;
  SimHost& a;
  SimHost& b;
  test::TestController controller;
  std::uint64_t nwid;
};

TEST(SimVirtualNetwork, MembersConvergeAndExchangeFramesUnderLoss) {
  for (std::uint64_t seed : {71, 72, 73}) {
    SCOPED_TRACE(seed);
    NetworkWorld w(seed);
    w.s.run_for(2000);
    ASSERT_TRUE(w.a.join(w.nwid));
    ASSERT_TRUE(w.b.join(w.nwid));
    ASSERT_TRUE(w.s.run_until([&] { return w.ok(w.a) && w.ok(w.b); }, 120000)) << w.dump();
    EXPECT_EQ(w.a.network(w.nwid)->assigned_addresses[0].to_string(), "10.147.17.5/24");

    // Unicast both ways (credentials are pushed and re-pushed as needed).
    const Bytes ping = test::ipv4_packet("10.147.17.5", "10.147.17.6", 1, Bytes(16, 0x5a));
    const Bytes pong = test::ipv4_packet("10.147.17.6", "10.147.17.5", 1, Bytes(16, 0xa5));
    ASSERT_TRUE(w.deliver(w.a, w.b, w.mac(w.b), 0x0800, ping)) << w.dump();
    ASSERT_TRUE(w.deliver(w.b, w.a, w.mac(w.a), 0x0800, pong)) << w.dump();
    for (const SimFrame& f : w.b.frames())
      if (f.ethertype == 0x0800) {
        EXPECT_EQ(f.from, w.mac(w.a));
      }

    // ARP for B's address reaches B (found through gathers and LIKEs).
    Bytes arp = {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01};
    arp.resize(28, 0);
    w.mac(w.a).to_bytes(arp.data() + 8);
    const std::uint8_t a_ip[4] = {10, 147, 17, 5}, b_ip[4] = {10, 147, 17, 6};
    std::copy(a_ip, a_ip + 4, arp.begin() + 14);
    std::copy(b_ip, b_ip + 4, arp.begin() + 24);
    ASSERT_TRUE(w.deliver(w.a, w.b, MacAddress(MacAddress::kMask), 0x0806, arp)) << w.dump();

    // Both stay configured through a few refreshes.
    w.s.run_for(200000);
    EXPECT_TRUE(w.ok(w.a) && w.ok(w.b)) << w.dump();
    EXPECT_GT(w.controller.requests.size(), 6u);
    EXPECT_GT(w.s.net().counters().lost, 0u);
  }
}

}  // namespace
}  // namespace zt::sim
