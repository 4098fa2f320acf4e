#include "service/virtual_networks.hpp"

#include <gtest/gtest.h>

namespace zt::service {
namespace {

InetAddress ip(const char* text) { return *InetAddress::from_string(text); }

NetworkInfo network() {
  NetworkInfo n;
  n.id = 0x1122334455667788ull;
  n.assigned_addresses = {ip("10.77.0.1/24"), ip("fd11:2233:4455:6677:8899:9301:1122:3344/88")};
  NetworkRoute managed;
  managed.target = ip("10.78.0.0/16");
  managed.via = ip("10.77.0.9/0");
  NetworkRoute default_route;
  default_route.target = ip("0.0.0.0/0");
  n.routes = {managed, default_route};
  n.dns.domain = "zt.test";
  n.dns.servers = {ip("10.77.0.2/53")};
  return n;
}

TEST(VirtualNetworks, SubnetsAndRoutesButNotDefaultRoutes) {
  const VirtualNetworks v = VirtualNetworks::from({network()});
  EXPECT_TRUE(v.contains(ip("10.77.0.200/0")));
  EXPECT_TRUE(v.contains(ip("10.78.3.4/0")));
  EXPECT_FALSE(v.contains(ip("10.79.0.1/0")));
  EXPECT_FALSE(v.contains(ip("8.8.8.8/0")));  // the default route is not taken
  EXPECT_TRUE(v.contains(ip("fd11:2233:4455:6677:8899:9300::1/0")));
  EXPECT_FALSE(v.contains(ip("fd11:2233:4455:6677:8899:9400::1/0")));
  EXPECT_TRUE(v.contains(ip("::ffff:10.77.0.5/0")));  // IPv4-mapped
}

TEST(VirtualNetworks, OwnAddresses) {
  const VirtualNetworks v = VirtualNetworks::from({network()});
  EXPECT_TRUE(v.is_own(ip("10.77.0.1/80")));
  EXPECT_TRUE(v.is_own(ip("::ffff:10.77.0.1/0")));
  EXPECT_FALSE(v.is_own(ip("10.77.0.2/0")));
  EXPECT_EQ(v.own_addresses().size(), 2u);
}

TEST(VirtualNetworks, PrefixesMostSpecificFirstAndOnce) {
  NetworkInfo twice = network();
  twice.routes.push_back({ip("10.77.0.0/24"), InetAddress(), 0, 0});  // same as the address's subnet
  const std::vector<VirtualPrefix> p = VirtualNetworks::from({twice}).prefixes();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].bits, 88u);
  EXPECT_EQ(p[1].bits, 24u);
  EXPECT_EQ(p[2].bits, 16u);
}

TEST(VirtualNetworks, DnsDomainMatchesWholeLabels) {
  const VirtualNetworks v = VirtualNetworks::from({network()});
  EXPECT_TRUE(v.dns_network_for("web.zt.test"));
  EXPECT_TRUE(v.dns_network_for("WEB.ZT.TEST."));
  EXPECT_TRUE(v.dns_network_for("zt.test"));
  EXPECT_FALSE(v.dns_network_for("notzt.test"));
  EXPECT_FALSE(v.dns_network_for("example.com"));
  NetworkInfo no_servers = network();
  no_servers.dns.servers.clear();
  EXPECT_FALSE(VirtualNetworks::from({no_servers}).dns_network_for("web.zt.test"));
}

TEST(VirtualNetworks, NetworksWithoutAddressesAreLeftOut) {
  NetworkInfo waiting;
  waiting.id = 1;
  EXPECT_TRUE(VirtualNetworks::from({waiting}).networks().empty());
}

}  // namespace
}  // namespace zt::service
