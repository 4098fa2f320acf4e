// Which managed addresses and routes reach the kernel, and which kernel
// multicast groups reach the engine.
#include <gtest/gtest.h>

#include "stack/tap/tap_plan.hpp"

namespace zt::stack::tap {
namespace {

InetAddress addr(const char* text) { return *InetAddress::from_string(text); }

NetworkRoute route(const char* target, const char* via = nullptr) {
  NetworkRoute r;
  r.target = addr(target);
  if (via) r.via = addr(via);
  return r;
}

NetworkInfo network(std::vector<InetAddress> addresses, std::vector<NetworkRoute> routes) {
  NetworkInfo info;
  info.id = 0x8056c2e21c000001ULL;
  info.assigned_addresses = std::move(addresses);
  info.routes = std::move(routes);
  return info;
}

TEST(TapPlan, PrivateAddressesAreSortedAndUnique) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24"), addr("fd00:1::5/88"), addr("10.1.2.3/24")}, {}));
  EXPECT_EQ(p.addresses, (std::vector<InetAddress>{addr("10.1.2.3/24"), addr("fd00:1::5/88")}));
}

TEST(TapPlan, GlobalLoopbackLinkLocalAndMulticastAddressesStayOff) {
  const TapPlan p = tap_plan(network({addr("8.8.8.8/24"), addr("127.0.0.2/8"), addr("169.254.1.1/16"),
                                      addr("224.1.1.1/8"), addr("fe80::1234/64"), addr("2001:db8::1/64"),
                                      addr("100.64.1.1/10"), addr("28.1.2.3/8")},
                                     {}));
  // Carrier-grade NAT space and upstream's pseudo-private blocks are allowed.
  EXPECT_EQ(p.addresses, (std::vector<InetAddress>{addr("28.1.2.3/8"), addr("100.64.1.1/10")}));
}

TEST(TapPlan, RouteImpliedByAnAddressIsLeftToTheKernel) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24")}, {route("10.1.2.0/24"), route("10.1.0.0/16")}));
  EXPECT_EQ(p.routes, (std::vector<NetworkRoute>{route("10.1.0.0/16")}));
}

TEST(TapPlan, DefaultAndGlobalRoutesAreRefused) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24"), addr("fd00:1::5/88")},
                                     {route("0.0.0.0/0", "10.1.2.1"), route("::/0", "fd00:1::1"),
                                      route("8.8.8.0/24", "10.1.2.1"), route("2001:db8::/32")}));
  EXPECT_TRUE(p.routes.empty());
}

TEST(TapPlan, OnLinkRoutesComeBeforeGatewayRoutes) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24")},
                                     {route("192.168.7.0/24", "10.1.2.1"), route("10.50.0.0/16")}));
  EXPECT_EQ(p.routes, (std::vector<NetworkRoute>{route("10.50.0.0/16"),
                                                  route("192.168.7.0/24", "10.1.2.1")}));
}

TEST(TapPlan, RouteViaOurOwnAddressIsSkipped) {
  // The router of a network must not route to itself.
  const TapPlan p = tap_plan(network({addr("10.1.2.1/24")}, {route("192.168.7.0/24", "10.1.2.1")}));
  EXPECT_TRUE(p.routes.empty());
}

TEST(TapPlan, RoutesNeedAnAddressOfTheirFamily) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24")}, {route("fd00:2::/64"), route("10.7.0.0/16")}));
  EXPECT_EQ(p.routes, (std::vector<NetworkRoute>{route("10.7.0.0/16")}));
  EXPECT_TRUE(tap_plan(network({}, {route("10.7.0.0/16")})).routes.empty());
}

TEST(TapPlan, RouteTargetHostBitsAreCleared) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24")}, {route("10.7.9.9/16"), route("10.7.0.0/16")}));
  EXPECT_EQ(p.routes, (std::vector<NetworkRoute>{route("10.7.0.0/16")}));  // and de-duplicated
}

TEST(TapPlan, MixedFamilyGatewayIsSkipped) {
  const TapPlan p = tap_plan(network({addr("10.1.2.3/24"), addr("fd00:1::5/88")},
                                     {route("10.7.0.0/16", "fd00:1::1")}));
  EXPECT_TRUE(p.routes.empty());
}

TEST(TapGroups, KernelGroupsLessThoseTheEngineDerives) {
  const std::vector<MacAddress> kernel = {
      MacAddress(0x333300000001ULL),  // all-nodes
      MacAddress(0x3333ff000005ULL),  // solicited-node of fd00:1::5: the engine has it
      MacAddress(0x3333ff123456ULL),  // solicited-node of the link-local address
      MacAddress(0x01005e000001ULL),  // IPv4 all-hosts
      MacAddress(0xffffffffffffULL),  // broadcast: never a subscription
      MacAddress(0x021122334455ULL),  // not multicast
      MacAddress(0x333300000001ULL),  // listed twice
  };
  const std::vector<InetAddress> assigned = {addr("10.1.2.3/24"), addr("fd00:1::5/88")};
  EXPECT_EQ(groups_to_report(kernel, assigned),
            (std::vector<MulticastGroup>{{MacAddress(0x01005e000001ULL), 0},
                                         {MacAddress(0x333300000001ULL), 0},
                                         {MacAddress(0x3333ff123456ULL), 0}}));
}

}  // namespace
}  // namespace zt::stack::tap
