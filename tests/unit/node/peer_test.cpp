// A peer's paths (§18.2 learning and replacement), cipher choice and gates.
#include "node/peer.hpp"

#include <gtest/gtest.h>

#include "node_fixtures.hpp"

namespace zt {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

Peer make_peer(std::int64_t now = 0) {
  const Identity& a = test::vector_identity("A");
  const Identity& b = test::vector_identity("B");
  return Peer(b, *a.agree(b), 64, now);
}

TEST(Peer, HoldsPublicIdentityAndAgreedKey) {
  Peer p = make_peer();
  EXPECT_EQ(p.address(), test::vector_identity("B").address());
  EXPECT_FALSE(p.identity().has_private());
  EXPECT_EQ(p.key().bytes(), *test::vector_identity("B").agree(test::vector_identity("A")));
}

TEST(Peer, CipherSuiteFollowsRemoteProtocol) {
  Peer p = make_peer();
  EXPECT_EQ(p.cipher_for(Verb::kHello), CipherSuite::kPoly1305None);
  EXPECT_EQ(p.cipher_for(Verb::kEcho), CipherSuite::kPoly1305Salsa2012);  // version unknown
  p.set_remote_version(11, 1, 10, 0);
  EXPECT_EQ(p.cipher_for(Verb::kFrame), CipherSuite::kPoly1305Salsa2012);
  p.set_remote_version(12, 1, 14, 1);
  EXPECT_EQ(p.cipher_for(Verb::kFrame), CipherSuite::kAesGmacSiv);
  EXPECT_EQ(p.cipher_for(Verb::kAck), CipherSuite::kPoly1305None);
}

TEST(Peer, EchoProbesNeedAKnownModernVersion) {
  Peer p = make_peer();
  EXPECT_FALSE(p.answers_echo());
  p.set_remote_version(4, 1, 1, 0);
  EXPECT_FALSE(p.answers_echo());
  p.set_remote_version(5, 1, 1, 0);
  EXPECT_FALSE(p.answers_echo());  // 1.1.0 is excluded
  p.set_remote_version(12, 1, 14, 1);
  EXPECT_TRUE(p.answers_echo());
}

TEST(Peer, LearnRefreshesKnownPathAndReplacesDeadSameIp) {
  Peer p = make_peer();
  p.learn_path(0, ip("10.0.0.1/1000"), 0);
  p.learn_path(0, ip("10.0.0.1/1000"), 500);
  ASSERT_EQ(p.paths().size(), 1u);
  EXPECT_EQ(p.paths()[0].last_receive(), 500);
  // Same IP, new port while the old one is alive: a second path.
  p.learn_path(0, ip("10.0.0.1/2000"), 1000);
  EXPECT_EQ(p.paths().size(), 2u);
  // Once both are dead, a third port replaces one of them instead of growing.
  p.learn_path(0, ip("10.0.0.1/3000"), 100000);
  EXPECT_EQ(p.paths().size(), 2u);
  EXPECT_NE(p.find_path(0, ip("10.0.0.1/3000")), nullptr);
  EXPECT_TRUE(p.has_alive_path_with_ip(0, ip("10.0.0.1/9"), 100001));
  EXPECT_FALSE(p.has_alive_path_with_ip(1, ip("10.0.0.1/9"), 100001));
}

TEST(Peer, FullTableReplacesLeastRecentlyHeard) {
  Peer p = make_peer();
  for (unsigned i = 0; i < kMaxPeerNetworkPaths; ++i) {
    const std::uint8_t b[4] = {10, 1, static_cast<std::uint8_t>(i >> 8),
                               static_cast<std::uint8_t>(i)};
    p.learn_path(0, InetAddress::v4(b, 9993), 1000 + i);
  }
  ASSERT_EQ(p.paths().size(), kMaxPeerNetworkPaths);
  p.learn_path(0, ip("10.2.0.1/9993"), 5000);
  EXPECT_EQ(p.paths().size(), kMaxPeerNetworkPaths);
  EXPECT_EQ(p.find_path(0, ip("10.1.0.0/9993")), nullptr);  // heard at 1000, the oldest
  EXPECT_NE(p.find_path(0, ip("10.1.0.1/9993")), nullptr);
}

TEST(Peer, BestPathPrefersQualityAndSkipsExpired) {
  Peer p = make_peer();
  p.learn_path(0, ip("8.8.8.8/1"), 0).update_latency(10);   // global: 10 * 4
  p.learn_path(0, ip("10.0.0.1/1"), 0).update_latency(30);  // private: 30 * 1
  ASSERT_NE(p.best_path(1000), nullptr);
  EXPECT_EQ(p.best_path(1000)->address(), ip("10.0.0.1/1"));
  EXPECT_TRUE(p.has_direct_path(1000));
  EXPECT_EQ(p.best_path(243000), nullptr);
  EXPECT_EQ(p.expire_paths(243000), 2u);
  EXPECT_TRUE(p.paths().empty());
}

TEST(Peer, WhoisAndPushGates) {
  Peer p = make_peer();
  EXPECT_TRUE(p.rate_gate_whois(0));
  EXPECT_FALSE(p.rate_gate_whois(99));
  EXPECT_TRUE(p.rate_gate_whois(100));
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(p.rate_gate_push_direct_paths(1000 + i));
  EXPECT_FALSE(p.rate_gate_push_direct_paths(1010));
  EXPECT_TRUE(p.rate_gate_push_direct_paths(31000));
}

TEST(Peer, ReplayWindowIsPerPeer) {
  Peer p = make_peer();
  EXPECT_TRUE(p.replay().check_and_insert(77));
  EXPECT_FALSE(p.replay().check_and_insert(77));
  EXPECT_EQ(p.replay().capacity(), 64u);
}

}  // namespace
}  // namespace zt
