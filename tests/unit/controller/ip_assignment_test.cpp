// Managed address selection: route containment as upstream computes it and
// the exact order in which pool candidates are tried.
#include "controller/ip_assignment.hpp"

#include <gtest/gtest.h>

namespace zt::controller {
namespace {

const Address kMemberA(0x6362cd6fdaULL);  // low 32 bits 0x62cd6fda

InetAddress ip(const char* text) { return *InetAddress::from_string(text); }
NetworkConfig::Route on_link(const char* target) { return {ip(target), InetAddress(), 0, 0}; }
NetworkConfig::Route via(const char* target, const char* gateway) {
  return {ip(target), ip(gateway), 0, 0};
}

NetworkSummary allocated(std::initializer_list<const char*> ips) {
  NetworkSummary s;
  for (const char* text : ips) s.allocated_ips.push_back(ip(text));
  std::sort(s.allocated_ips.begin(), s.allocated_ips.end());
  return s;
}

std::uint64_t no_random() {
  ADD_FAILURE() << "no random draw expected";
  return 0;
}

TEST(IpAssignment, RouteContainment) {
  EXPECT_TRUE(route_contains(ip("10.147.17.0/24"), ip("10.147.17.200")));
  EXPECT_FALSE(route_contains(ip("10.147.17.0/24"), ip("10.147.18.1")));
  EXPECT_TRUE(route_contains(ip("0.0.0.0/0"), ip("1.2.3.4")));
  EXPECT_TRUE(route_contains(ip("10.147.17.9/32"), ip("10.147.17.9")));
  EXPECT_FALSE(route_contains(ip("10.0.0.0/33"), ip("10.0.0.0")));
  EXPECT_FALSE(route_contains(ip("10.0.0.0/8"), ip("fd00::1")));
  EXPECT_TRUE(route_contains(ip("fd00::/64"), ip("fd00::1234")));
  EXPECT_TRUE(route_contains(ip("fd00::/13"), ip("fd07::1")));
  EXPECT_FALSE(route_contains(ip("fd00::/13"), ip("fd08::1")));
  // IPv6 targets are compared unmasked: host bits in the target match nothing.
  EXPECT_FALSE(route_contains(ip("fd00::1/64"), ip("fd00::1")));
  EXPECT_FALSE(route_contains(ip("fd00::/129"), ip("fd00::")));

  const std::vector<NetworkConfig::Route> routes = {on_link("10.0.0.0/8"), on_link("10.147.0.0/16"),
                                                    on_link("10.147.17.0/24")};
  EXPECT_EQ(routed_netmask_bits(routes, ip("10.147.17.5")), 24);
  EXPECT_EQ(routed_netmask_bits(routes, ip("10.147.1.5")), 16);
  EXPECT_EQ(routed_netmask_bits(routes, ip("11.0.0.1")), -1);
}

TEST(IpAssignment, Ipv4CandidatesStartAtTheMemberAddress) {
  const std::vector<NetworkConfig::Route> routes = {on_link("10.147.17.0/24")};
  const InetAddress start = ip("10.147.17.1"), end = ip("10.147.17.254");
  // 0x62cd6fda mod 253 = 235: the first candidate is start + 235.
  EXPECT_EQ(allocate_ipv4(start, end, kMemberA, routes, {}, json::array()), ip("10.147.17.236/24"));
  // Taken by someone else, or already in the member's own list: the next one.
  EXPECT_EQ(
      allocate_ipv4(start, end, kMemberA, routes, allocated({"10.147.17.236"}), json::array()),
      ip("10.147.17.237/24"));
  EXPECT_EQ(allocate_ipv4(start, end, kMemberA, routes, allocated({"10.147.17.237"}),
                          json::array({"10.147.17.236"})),
            ip("10.147.17.238/24"));
  // Candidates are start + counter mod (end - start), so upstream never
  // hands out the pool's last address; a pool is tried (length + 1) times.
  const InetAddress small_start = ip("10.147.17.10"), small_end = ip("10.147.17.12");
  EXPECT_EQ(allocate_ipv4(small_start, small_end, Address(1), routes, {}, json::array()),
            ip("10.147.17.11/24"));
  EXPECT_EQ(allocate_ipv4(small_start, small_end, Address(1), routes, allocated({"10.147.17.11"}),
                          json::array()),
            ip("10.147.17.10/24"));
  EXPECT_FALSE(allocate_ipv4(small_start, small_end, Address(1), routes,
                             allocated({"10.147.17.10", "10.147.17.11"}), json::array()));
}

TEST(IpAssignment, Ipv4SkipsDotTwoFiftyFiveAndUnroutedPools) {
  const std::vector<NetworkConfig::Route> routes = {on_link("10.0.0.0/8")};
  // This pool's first candidate for member A is 10.1.0.255.
  EXPECT_EQ(
      allocate_ipv4(ip("10.0.255.174"), ip("10.1.1.173"), kMemberA, routes, {}, json::array()),
      ip("10.1.1.0/8"));
  EXPECT_FALSE(
      allocate_ipv4(ip("192.168.0.1"), ip("192.168.0.200"), kMemberA, routes, {}, json::array()));
  EXPECT_FALSE(allocate_ipv4(ip("10.0.0.9"), ip("10.0.0.1"), kMemberA, routes, {}, json::array()));
  EXPECT_FALSE(allocate_ipv4(ip("0.0.0.0"), ip("10.0.0.1"), kMemberA, routes, {}, json::array()));
  EXPECT_FALSE(allocate_ipv4(ip("fd00::1"), ip("fd00::9"), kMemberA, routes, {}, json::array()));
  // A one-address pool is tried once.
  EXPECT_EQ(allocate_ipv4(ip("10.9.9.9"), ip("10.9.9.9"), kMemberA, routes, {}, json::array()),
            ip("10.9.9.9/8"));
  EXPECT_FALSE(allocate_ipv4(ip("10.9.9.9"), ip("10.9.9.9"), kMemberA, routes,
                             allocated({"10.9.9.9"}), json::array()));
}

TEST(IpAssignment, Ipv4FirstMatchingRouteGivesTheBits) {
  // Upstream takes the first IPv4 route whose masked bits equal the target,
  // not the most specific one, and ignores via.
  const std::vector<NetworkConfig::Route> routes = {via("10.147.0.0/16", "10.147.17.1"),
                                                    on_link("10.147.17.0/24")};
  EXPECT_EQ(
      allocate_ipv4(ip("10.147.17.1"), ip("10.147.17.254"), kMemberA, routes, {}, json::array()),
      ip("10.147.17.236/16"));
}

TEST(IpAssignment, Ipv6TriesTheMemberAddressThenRandomOnes) {
  const std::vector<NetworkConfig::Route> routes = {on_link("fd00::/64")};
  const InetAddress start = ip("fd00::"), end = ip("fd00::ffff:ffff:ffff:ffff");
  EXPECT_EQ(allocate_ipv6(start, end, kMemberA, routes, {}, json::array(), no_random),
            ip("fd00::63:62cd:6fda/64"));

  std::vector<std::uint64_t> draws = {7, 1000, 8, 2000};
  std::size_t next = 0;
  RandomFn random = [&] { return draws.at(next++); };
  // The member's own address is taken: random candidates, the low half
  // reduced modulo the range (the high half's range is empty).
  EXPECT_EQ(allocate_ipv6(start, end, kMemberA, routes, allocated({"fd00::63:62cd:6fda"}),
                          json::array(), random),
            ip("fd00::3e8/64"));
  EXPECT_EQ(next, 2u);
}

TEST(IpAssignment, Ipv6NeedsAnOnLinkRoute) {
  const InetAddress start = ip("fd00::"), end = ip("fd00::ffff:ffff:ffff:ffff");
  int calls = 0;
  RandomFn random = [&] {
    ++calls;
    return std::uint64_t{1};
  };
  EXPECT_FALSE(allocate_ipv6(start, end, kMemberA, {{via("fd00::/64", "fd00::1")}}, {},
                             json::array(), random));
  EXPECT_EQ(calls, 2 * 999);  // every later trial draws two numbers
  // A small range skips the member-address candidate.
  calls = 0;
  EXPECT_EQ(allocate_ipv6(ip("fd00::10"), ip("fd00::20"), kMemberA, {{on_link("fd00::/64")}}, {},
                          json::array(), random),
            ip("fd00::11/64"));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace zt::controller
