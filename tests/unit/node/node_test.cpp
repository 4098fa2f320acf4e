// Engine scenarios: a root R and leaves A and B on the vector test planet,
// wired through FakeNet with a manual clock.
#include "node/node.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "node_fixtures.hpp"
#include "proto/packet_armor.hpp"
#include "proto/verbs/ok_error.hpp"

namespace zt {
namespace {

using test::vector_identity;
using test::vector_planet;

const Identity& A() { return vector_identity("A"); }
const Identity& B() { return vector_identity("B"); }
const Identity& R() { return vector_identity("R"); }

constexpr const char* kRootAt = "127.0.0.1/9993";  // the vector planet's stable endpoint
constexpr const char* kAAt = "127.0.0.1/10001";
constexpr const char* kBAt = "127.0.0.1/10002";

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

// A packet as `from` would armor it for `to`.
Bytes craft(const Identity& from, const Identity& to, Verb verb, const Bytes& payload,
            CipherSuite suite = CipherSuite::kPoly1305Salsa2012, std::uint8_t hops = 0,
            std::uint64_t id = 0x0123456789abcdefULL) {
  Packet p(id, to.address(), from.address(), verb);
  EXPECT_TRUE(p.append_bytes(payload));
  const PeerKey key(*from.agree(to));
  armor(p.bytes(), key, suite);
  p.set_hops(hops);
  return Bytes(p.bytes().begin(), p.bytes().end());
}

class Recorder : public PacketHandler {
 public:
  bool on_packet(std::int64_t, const InboundPacket& packet) override {
    if (packet.verb != Verb::kUserMessage) return false;
    received.emplace_back(packet.payload.begin(), packet.payload.end());
    last_source = packet.source;
    return true;
  }
  std::vector<Bytes> received;
  Address last_source;
};

class NodeScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    r_ = &net_.add(R(), vector_planet(), kRootAt);
    a_ = &net_.add(A(), vector_planet(), kAAt);
    b_ = &net_.add(B(), vector_planet(), kBAt);
  }

  // Everyone says HELLO to the root and hears back.
  void bring_up() {
    net_.tick();
    ASSERT_TRUE(a_->online(net_.now));
    ASSERT_TRUE(b_->online(net_.now));
  }

  // A reaches B directly: echo once through R, let RENDEZVOUS do its work.
  void go_direct() {
    bring_up();
    a_->echo(net_.now, B().address());
    net_.deliver();
    net_.advance(100);
    net_.tick();
  }

  // The last datagram A sent B directly that holds a whole packet.
  Bytes last_direct_a_to_b() {
    for (auto it = net_.delivered.rbegin(); it != net_.delivered.rend(); ++it)
      if (it->from == ip(kAAt) && it->to == ip(kBAt) && it->data.size() >= kMinPacketLength)
        return it->data;
    ADD_FAILURE() << "no direct datagram from A to B";
    return {};
  }

  test::FakeNet net_;
  Node* r_ = nullptr;
  Node* a_ = nullptr;
  Node* b_ = nullptr;
};

TEST_F(NodeScenario, LeavesReachTheRootAndGoOnline) {
  EXPECT_FALSE(a_->online(net_.now));
  EXPECT_TRUE(r_->is_root());
  EXPECT_FALSE(a_->is_root());
  bring_up();
  EXPECT_EQ(net_.host(*a_).count(NodeEventType::kOnline), 1u);
  EXPECT_EQ(net_.host(*b_).count(NodeEventType::kOnline), 1u);
  EXPECT_EQ(net_.host(*a_).count(NodeEventType::kPeerDirect), 1u);

  const std::optional<PeerInfo> root = a_->peer(R().address(), net_.now);
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->role, PeerRole::kPlanet);
  EXPECT_EQ(root->protocol_version, kProtoVersion);
  EXPECT_EQ(root->version_minor, kSoftwareVersionMinor);
  EXPECT_GE(root->latency_ms, 0);
  ASSERT_EQ(root->paths.size(), 1u);
  EXPECT_EQ(root->paths[0].address, ip(kRootAt));
  EXPECT_TRUE(root->paths[0].preferred);
  EXPECT_TRUE(root->paths[0].active);

  // The root learned both leaves (after confirming their paths with HELLO).
  const std::vector<PeerInfo> seen = r_->peers(net_.now);
  ASSERT_EQ(seen.size(), 2u);
  for (const PeerInfo& p : seen) {
    EXPECT_EQ(p.role, PeerRole::kLeaf);
    EXPECT_EQ(p.paths.size(), 1u);
  }
  EXPECT_EQ(a_->counters().drop_bad_mac + b_->counters().drop_bad_mac + r_->counters().drop_bad_mac,
            0u);
}

// The root confirms a leaf's path with a HELLO whose OK gets lost: it tries
// again within seconds instead of waiting for the leaf's next direct packet
// (which, for a leaf that only talks through the root, is 224 s away).
TEST_F(NodeScenario, RootRetriesALostPathConfirmation) {
  int a_to_root = 0;
  net_.filter = [&](const test::Datagram& d) {
    if (d.from == ip(kAAt) && d.to == ip(kRootAt)) ++a_to_root;
    return !(d.from == ip(kAAt) && d.to == ip(kRootAt) && a_to_root == 2);  // A's first OK
  };
  net_.tick();
  ASSERT_TRUE(a_->online(net_.now)) << "A heard the root's OK";
  const auto paths_to_a = [&] {
    const std::optional<PeerInfo> a = r_->peer(A().address(), net_.now);
    return a ? a->paths.size() : 0u;
  };
  EXPECT_EQ(paths_to_a(), 0u) << "A's OK(HELLO) was lost, so no path yet";
  for (int i = 0; i < 15; ++i) {
    net_.advance(100);
    net_.tick();
  }
  EXPECT_EQ(paths_to_a(), 1u) << "the root did not retry its confirming HELLO";
}

TEST_F(NodeScenario, EchoGoesThroughTheRootThenDirectAfterRendezvous) {
  bring_up();
  const std::uint64_t first = a_->echo(net_.now, B().address());
  net_.deliver();
  const NodeEvent* reply = net_.host(*a_).last(NodeEventType::kEchoReply);
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->echo_id, first);
  EXPECT_EQ(reply->peer, B().address());
  EXPECT_TRUE(reply->via_relay);
  EXPECT_EQ(reply->endpoint, ip(kRootAt));
  EXPECT_GT(r_->counters().relayed, 0u);

  // RENDEZVOUS made both sides contact each other directly.
  EXPECT_EQ(net_.host(*a_).count(NodeEventType::kPeerDirect), 2u);  // R, then B
  const std::optional<PeerInfo> b_seen = a_->peer(B().address(), net_.now);
  ASSERT_TRUE(b_seen.has_value());
  ASSERT_FALSE(b_seen->paths.empty());
  EXPECT_EQ(b_seen->paths[0].address, ip(kBAt));
  const bool junk_sent = std::any_of(net_.delivered.begin(), net_.delivered.end(),
                                     [](const test::Datagram& d) { return d.ttl == 2; });
  EXPECT_TRUE(junk_sent);

  net_.advance(200);
  const std::uint64_t second = a_->echo(net_.now, B().address());
  net_.deliver();
  reply = net_.host(*a_).last(NodeEventType::kEchoReply);
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->echo_id, second);
  EXPECT_FALSE(reply->via_relay);
  EXPECT_EQ(reply->endpoint, ip(kBAt));
}

TEST_F(NodeScenario, IdleDirectPathExpiresAndPeerFallsBackToRelay) {
  go_direct();
  ASSERT_EQ(net_.host(*a_).count(NodeEventType::kPeerRelayed), 0u);
  // Without VL2 traffic B is not "active", so nothing keeps the path alive;
  // housekeeping (every 30 s) notices once it is 243 s silent.
  for (int i = 0; i < 60; ++i) {
    net_.advance(kPingCheckInterval);
    net_.tick();
  }
  const NodeEvent* relayed = net_.host(*a_).last(NodeEventType::kPeerRelayed);
  ASSERT_NE(relayed, nullptr);
  EXPECT_EQ(relayed->peer, B().address());
  EXPECT_TRUE(a_->peer(B().address(), net_.now)->paths.empty());
  // The root stays reachable and echoes still get through it.
  EXPECT_TRUE(a_->online(net_.now));
  const std::uint64_t id = a_->echo(net_.now, B().address());
  net_.deliver();
  ASSERT_NE(net_.host(*a_).last(NodeEventType::kEchoReply), nullptr);
  EXPECT_EQ(net_.host(*a_).last(NodeEventType::kEchoReply)->echo_id, id);
}

TEST_F(NodeScenario, ReplayedPacketIsDroppedAndCounted) {
  go_direct();
  const Bytes packet = last_direct_a_to_b();
  const std::uint64_t before = b_->counters().drop_replayed;
  const std::uint64_t rx = b_->counters().rx_packets;
  b_->on_datagram(net_.now, 0, ip(kAAt), packet);
  EXPECT_EQ(b_->counters().drop_replayed, before + 1);
  EXPECT_EQ(b_->counters().rx_packets, rx);
}

TEST_F(NodeScenario, BadMacIsDroppedAndCounted) {
  go_direct();
  Bytes packet = last_direct_a_to_b();
  packet.back() ^= 0x01;
  const std::uint64_t before = b_->counters().drop_bad_mac;
  b_->on_datagram(net_.now, 0, ip(kAAt), packet);
  EXPECT_EQ(b_->counters().drop_bad_mac, before + 1);
}

TEST_F(NodeScenario, UnknownVerbIsAuthenticatedThenCountedUnsupported) {
  go_direct();
  const NodeCounters before = b_->counters();
  b_->on_datagram(net_.now, 0, ip(kAAt), craft(A(), B(), static_cast<Verb>(0x1e), Bytes{1, 2, 3}));
  EXPECT_EQ(b_->counters().rx_packets, before.rx_packets + 1);
  EXPECT_EQ(b_->counters().drop_unsupported, before.drop_unsupported + 1);
  // VL2 verbs go to the VL2 engine, which drops a frame for a network we
  // have not joined.
  const std::uint64_t unknown = b_->vl2_counters().drop_unknown_network;
  b_->on_datagram(net_.now, 0, ip(kAAt),
                  craft(A(), B(), Verb::kFrame, Bytes(20, 0), CipherSuite::kAesGmacSiv, 0, 77));
  EXPECT_EQ(b_->counters().drop_unsupported, before.drop_unsupported + 1);
  EXPECT_EQ(b_->vl2_counters().drop_unknown_network, unknown + 1);
}

TEST_F(NodeScenario, UnexpectedOkIsDropped) {
  bring_up();
  Bytes body;
  ByteWriter w(body);
  write_ok_header(w, Verb::kEcho, 0x5555555555555555ULL);
  const std::uint64_t before = a_->counters().drop_unexpected_reply;
  a_->on_datagram(net_.now, 0, ip(kRootAt), craft(R(), A(), Verb::kOk, body));
  EXPECT_EQ(a_->counters().drop_unexpected_reply, before + 1);
}

TEST_F(NodeScenario, UnsupportedCipherSuitesAreRefused) {
  bring_up();
  Bytes packet = craft(R(), A(), Verb::kNop, {});
  packet[kFlagsOffset] = static_cast<std::uint8_t>((packet[kFlagsOffset] & 0xc7) | (2 << 3));
  a_->on_datagram(net_.now, 0, ip(kRootAt), packet);
  packet[kFlagsOffset] = static_cast<std::uint8_t>((packet[kFlagsOffset] & 0xc7) | (5 << 3));
  a_->on_datagram(net_.now, 0, ip(kRootAt), packet);
  EXPECT_EQ(a_->counters().drop_bad_cipher, 2u);
}

TEST_F(NodeScenario, LeavesDoNotRelayAndRootsStopAtThreeHops) {
  bring_up();
  const Bytes for_b = craft(A(), B(), Verb::kNop, {});
  b_->on_datagram(net_.now, 0, ip(kAAt), craft(A(), R(), Verb::kNop, {}));  // not for B
  EXPECT_EQ(b_->counters().drop_relay, 1u);
  r_->on_datagram(net_.now, 0, ip(kAAt),
                  craft(A(), B(), Verb::kNop, {}, CipherSuite::kPoly1305Salsa2012, 3));
  EXPECT_EQ(r_->counters().drop_relay, 1u);
  const std::uint64_t relayed = r_->counters().relayed;
  r_->on_datagram(net_.now, 0, ip(kAAt), for_b);
  EXPECT_EQ(r_->counters().relayed, relayed + 1);
  // Forwarded unchanged but for the hop count (RENDEZVOUS follow it).
  auto forwarded = std::find_if(net_.in_flight.begin(), net_.in_flight.end(),
                                [&](const test::Datagram& d) { return d.to == ip(kBAt); });
  ASSERT_NE(forwarded, net_.in_flight.end());
  Bytes expected = for_b;
  expected[kFlagsOffset] |= 1;
  EXPECT_EQ(forwarded->data, expected);
  // The first relay between a pair also introduces them to each other.
  EXPECT_EQ(std::count_if(net_.in_flight.begin(), net_.in_flight.end(),
                          [&](const test::Datagram& d) { return d.to == ip(kAAt); }),
            1);
}

TEST_F(NodeScenario, RootSendsNewerPlanetWhichLeavesStore) {
  test::FakeNet net;
  Node& root = net.add(R(), test::vector_planet_update(), kRootAt);
  Node& leaf = net.add(A(), vector_planet(), kAAt);
  net.tick();
  EXPECT_EQ(root.planet().timestamp, vector_planet().timestamp + 1);
  EXPECT_EQ(leaf.planet().timestamp, vector_planet().timestamp + 1);
  EXPECT_EQ(net.host(leaf).count(NodeEventType::kWorldUpdated), 1u);
  ASSERT_TRUE(net.host(leaf).stored.count("planet"));
  EXPECT_EQ(net.host(leaf).stored["planet"], test::vector_planet_update().to_bytes());

  // The stored planet is picked up on the next start.
  Node restarted(A(), vector_planet(), net.host(leaf), {}, net.now);
  EXPECT_EQ(restarted.planet().timestamp, vector_planet().timestamp + 1);
}

TEST_F(NodeScenario, IdentityValidationIsRateLimitedPerSourceIp) {
  test::FakeNet net;
  Node& root = net.add(R(), vector_planet(), kRootAt);
  net.add(A(), vector_planet(), "10.0.0.1/1000");
  Node& b = net.add(B(), vector_planet(), "10.0.0.1/2000");
  net.tick();
  EXPECT_EQ(root.counters().drop_rate_limited, 1u);  // B's HELLO came too soon after A's
  EXPECT_EQ(root.peers(net.now).size(), 1u);
  EXPECT_FALSE(b.online(net.now));
  net.advance(kPingCheckInterval);
  net.tick();  // B says HELLO again, now outside the 2 s window
  EXPECT_EQ(root.peers(net.now).size(), 2u);
  EXPECT_TRUE(b.online(net.now));
}

TEST_F(NodeScenario, GoesOfflineWhenTheRootFallsSilent) {
  test::FakeNet net;
  NodeOptions options;
  options.peer_activity_timeout_ms = 30000;
  net.add(R(), vector_planet(), kRootAt);
  Node& a = net.add(A(), vector_planet(), kAAt, options);
  net.tick();
  ASSERT_TRUE(a.online(net.now));
  // With a short activity timeout the root is contacted often enough.
  for (int i = 0; i < 20; ++i) {
    net.advance(kPingCheckInterval);
    net.tick();
  }
  EXPECT_TRUE(a.online(net.now));
  EXPECT_EQ(net.host(a).count(NodeEventType::kOffline), 0u);
  net.filter = [](const test::Datagram&) { return false; };
  for (int i = 0; i < 8; ++i) {
    net.advance(kPingCheckInterval);
    net.tick();
  }
  EXPECT_FALSE(a.online(net.now));
  EXPECT_EQ(net.host(a).count(NodeEventType::kOffline), 1u);
}

TEST_F(NodeScenario, LargePayloadIsFragmentedAndReachesTheHandler) {
  Recorder recorder;
  b_->set_packet_handler(&recorder);
  go_direct();
  Bytes big(3000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7919 >> 3);
  ASSERT_TRUE(a_->send(net_.now, B().address(), Verb::kUserMessage, big));
  const std::size_t datagrams = net_.in_flight.size();
  EXPECT_GE(datagrams, 1u);
  net_.deliver();
  ASSERT_EQ(recorder.received.size(), 1u);
  EXPECT_EQ(recorder.received[0], big);
  EXPECT_EQ(recorder.last_source, A().address());
}

// 3000 bytes LZ4 cannot shrink (USER_MESSAGE is sent compressed when it can be).
Bytes incompressible() {
  Bytes b(3000);
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& byte : b) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    byte = static_cast<std::uint8_t>(x);
  }
  return b;
}

// Datagrams now in flight from `from` to `to`, by size.
std::vector<std::size_t> sizes_in_flight(const test::FakeNet& net, const char* from,
                                         const char* to) {
  std::vector<std::size_t> sizes;
  for (const test::Datagram& d : net.in_flight)
    if (d.from == ip(from) && d.to == ip(to)) sizes.push_back(d.data.size());
  return sizes;
}

TEST_F(NodeScenario, LoopbackPathsCarryWholePacketsButRelayedOnesAreFragmented) {
  Recorder recorder;
  b_->set_packet_handler(&recorder);
  bring_up();
  const Bytes big = incompressible();
  // No direct path yet: through the root (once a WHOIS has found B), whose
  // next hop may not be loopback.
  const std::size_t before = net_.delivered.size();
  ASSERT_TRUE(a_->send(net_.now, B().address(), Verb::kUserMessage, big));
  net_.deliver();
  std::size_t full_parts = 0;
  for (std::size_t i = before; i < net_.delivered.size(); ++i) {
    const test::Datagram& d = net_.delivered[i];
    if (d.from != ip(kAAt) || d.to != ip(kRootAt)) continue;
    EXPECT_LE(d.data.size(), kDefaultPhysMtu);
    if (d.data.size() == kDefaultPhysMtu) ++full_parts;
  }
  EXPECT_EQ(full_parts, 2u);  // head and first fragment; the second is shorter
  ASSERT_EQ(recorder.received.size(), 1u);
  net_.advance(100);
  net_.tick();
  // Direct over loopback: one datagram.
  ASSERT_TRUE(a_->send(net_.now, B().address(), Verb::kUserMessage, big));
  const std::vector<std::size_t> sizes = sizes_in_flight(net_, kAAt, kBAt);
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_GT(sizes[0], big.size());
  net_.deliver();
  ASSERT_EQ(recorder.received.size(), 2u);
  EXPECT_EQ(recorder.received[1], big);
}

TEST(NodeOptions, LoopbackMtuAtThePhysicalMtuFragmentsAsUpstreamDoes) {
  test::FakeNet net;
  NodeOptions upstream_like;
  upstream_like.loopback_mtu = upstream_like.physical_mtu;
  net.add(R(), vector_planet(), kRootAt);
  Node& a = net.add(A(), vector_planet(), kAAt, upstream_like);
  Node& b = net.add(B(), vector_planet(), kBAt);
  Recorder recorder;
  b.set_packet_handler(&recorder);
  net.tick();
  a.echo(net.now, B().address());
  net.deliver();
  net.advance(100);
  net.tick();
  const Bytes big = incompressible();
  ASSERT_TRUE(a.send(net.now, B().address(), Verb::kUserMessage, big));
  const std::vector<std::size_t> sizes = sizes_in_flight(net, kAAt, kBAt);
  ASSERT_EQ(sizes.size(), 3u);
  for (std::size_t size : sizes) EXPECT_LE(size, kDefaultPhysMtu);
  net.deliver();
  ASSERT_EQ(recorder.received.size(), 1u);
  EXPECT_EQ(recorder.received[0], big);
}

TEST_F(NodeScenario, WhatWaitsForAPathGoesAsSoonAsTheRootAnswers) {
  Recorder recorder;
  r_->set_packet_handler(&recorder);
  // Before any HELLO: the root is known (planet) but has no path yet.
  ASSERT_TRUE(a_->send(net_.now, R().address(), Verb::kUserMessage, Bytes{1, 2, 3}));
  EXPECT_TRUE(recorder.received.empty());
  net_.tick();  // HELLO and OK(HELLO); the clock does not move
  ASSERT_EQ(recorder.received.size(), 1u);
  EXPECT_EQ(recorder.received[0], (Bytes{1, 2, 3}));
}

TEST_F(NodeScenario, SendToAnUnknownAddressGivesUpAfterTheQueueTimeout) {
  bring_up();
  const Address nobody(0x0102030405ULL);
  EXPECT_TRUE(a_->send(net_.now, nobody, Verb::kUserMessage, Bytes{1}));
  EXPECT_LE(a_->next_deadline(), net_.now + kWhoisRetryDelay);
  net_.deliver();
  for (int i = 0; i < 12; ++i) {
    net_.advance(kWhoisRetryDelay);
    net_.tick();
  }
  EXPECT_EQ(a_->counters().drop_unknown_peer, 1u);
  EXPECT_FALSE(a_->send(net_.now, A().address(), Verb::kNop, {}));
}

TEST_F(NodeScenario, PacketsFromUnknownSourcesStayBounded) {
  bring_up();
  for (std::uint64_t i = 0; i < 500; ++i) {
    Packet p(i, A().address(), Address(0x1000000000ULL + i), Verb::kNop);
    p.set_cipher(CipherSuite::kPoly1305Salsa2012);
    a_->on_datagram(net_.now, 0, ip(kBAt), p.bytes());
  }
  EXPECT_EQ(a_->counters().drop_unknown_peer, 500u - kRxQueueSize);
  // Each made-up source asks the root once, up to the node's WHOIS budget.
  EXPECT_EQ(net_.in_flight.size(), 200u);
  EXPECT_LE(a_->next_deadline(), net_.now + kWhoisRetryDelay);
  net_.in_flight.clear();
  net_.advance(kReceiveQueueTimeout + kWhoisRetryDelay);
  a_->on_timer(net_.now);
  EXPECT_EQ(a_->counters().drop_unknown_peer, 500u);
}

TEST_F(NodeScenario, TimerDeadlineIsThePingInterval) {
  const std::int64_t next = a_->on_timer(net_.now);
  EXPECT_EQ(next, net_.now + kPingCheckInterval);
  EXPECT_EQ(a_->next_deadline(), next);
}

}  // namespace
}  // namespace zt
