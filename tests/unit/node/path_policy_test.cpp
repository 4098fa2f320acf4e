// IP scopes and the §18.3 path filter, with ztsdk's loopback switch.
#include "node/path_policy.hpp"

#include <gtest/gtest.h>

namespace zt {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

TEST(PathPolicy, ClassifiesIpv4Scopes) {
  EXPECT_EQ(ip_scope(ip("10.1.2.3/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("172.16.0.1/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("172.32.0.1/1")), IpScope::kGlobal);
  EXPECT_EQ(ip_scope(ip("192.168.1.1/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("192.0.2.7/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("198.19.0.1/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("198.51.100.1/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("203.0.113.9/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("100.64.0.1/1")), IpScope::kShared);
  EXPECT_EQ(ip_scope(ip("100.128.0.1/1")), IpScope::kGlobal);
  EXPECT_EQ(ip_scope(ip("127.0.0.1/1")), IpScope::kLoopback);
  EXPECT_EQ(ip_scope(ip("169.254.1.1/1")), IpScope::kLinkLocal);
  EXPECT_EQ(ip_scope(ip("224.0.0.1/1")), IpScope::kMulticast);
  EXPECT_EQ(ip_scope(ip("0.1.2.3/1")), IpScope::kNone);
  EXPECT_EQ(ip_scope(ip("255.255.255.255/1")), IpScope::kNone);
  EXPECT_EQ(ip_scope(ip("28.1.2.3/1")), IpScope::kPseudoprivate);
  EXPECT_EQ(ip_scope(ip("8.8.8.8/1")), IpScope::kGlobal);
}

TEST(PathPolicy, ClassifiesIpv6Scopes) {
  EXPECT_EQ(ip_scope(ip("fd00::1/1")), IpScope::kPrivate);
  EXPECT_EQ(ip_scope(ip("fe80::1/1")), IpScope::kLinkLocal);
  EXPECT_EQ(ip_scope(ip("ff02::1/1")), IpScope::kMulticast);
  EXPECT_EQ(ip_scope(ip("::1/1")), IpScope::kLoopback);
  EXPECT_EQ(ip_scope(ip("::/1")), IpScope::kNone);
  EXPECT_EQ(ip_scope(ip("2001:db8::1/1")), IpScope::kGlobal);
  EXPECT_EQ(ip_scope(InetAddress()), IpScope::kNone);
}

TEST(PathPolicy, FilterFollowsSpecWithLoopbackSwitch) {
  EXPECT_TRUE(path_allowed(ip("10.0.0.1/9993"), false));
  EXPECT_TRUE(path_allowed(ip("8.8.8.8/9993"), false));
  EXPECT_TRUE(path_allowed(ip("100.64.1.1/9993"), false));
  EXPECT_TRUE(path_allowed(ip("2001:db8::1/9993"), false));
  EXPECT_FALSE(path_allowed(ip("127.0.0.1/9993"), false));
  EXPECT_TRUE(path_allowed(ip("127.0.0.1/9993"), true));
  EXPECT_TRUE(path_allowed(ip("::1/9993"), true));
  EXPECT_FALSE(path_allowed(ip("169.254.0.1/9993"), true));
  EXPECT_FALSE(path_allowed(ip("fe80::1/9993"), true));
  EXPECT_FALSE(path_allowed(ip("239.1.1.1/9993"), true));
  EXPECT_FALSE(path_allowed(ip("0.0.0.1/9993"), true));
  EXPECT_FALSE(path_allowed(ip("2001:470::1/9993"), true));  // he.net tunnels
  EXPECT_FALSE(path_allowed(ip("10.0.0.1/0"), true));
  EXPECT_FALSE(path_allowed(InetAddress(), true));
}

TEST(PathPolicy, SameIpIgnoresPort) {
  EXPECT_TRUE(same_ip(ip("10.0.0.1/1"), ip("10.0.0.1/2")));
  EXPECT_FALSE(same_ip(ip("10.0.0.1/1"), ip("10.0.0.2/1")));
  EXPECT_FALSE(same_ip(ip("::ffff:10.0.0.1/1"), ip("10.0.0.1/1")));
}

}  // namespace
}  // namespace zt
