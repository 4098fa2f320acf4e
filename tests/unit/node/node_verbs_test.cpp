// Engine handling of individual verbs with hand-made packets: HELLO from
// bad identities, identity collisions, WHOIS/ECHO/PUSH_DIRECT_PATHS limits.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "node/node.hpp"
#include "node_fixtures.hpp"
#include "proto/packet_armor.hpp"
#include "proto/verbs/hello.hpp"
#include "proto/verbs/ok_error.hpp"
#include "proto/verbs/push_direct_paths.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::vector_identity;
using test::vector_planet;

const Identity& A() { return vector_identity("A"); }
const Identity& B() { return vector_identity("B"); }
const Identity& R() { return vector_identity("R"); }

constexpr const char* kRootAt = "127.0.0.1/9993";
constexpr const char* kAAt = "127.0.0.1/10001";
constexpr const char* kBAt = "127.0.0.1/10002";

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

// The vector's invalid variants of A come public only; give them A's
// private key so they can armor (their X25519 half is A's).
Identity a_variant(const std::string& label) {
  for (const auto& v : test::vl1()["identities"]) {
    const std::string l = v["label"].get<std::string>();
    if (l.rfind(label, 0) != 0) continue;
    const std::string a = A().to_string(true);
    const std::string text = v["public_string"].get<std::string>() + a.substr(a.rfind(':'));
    std::optional<Identity> id = Identity::from_string(text);
    EXPECT_TRUE(id.has_value()) << text;
    return id.value_or(Identity());
  }
  ADD_FAILURE() << "no vector identity " << label;
  return {};
}

Bytes armored(Packet& p, const Identity& from, const Identity& to, CipherSuite suite) {
  const PeerKey key(*from.agree(to));
  armor(p.bytes(), key, suite);
  return Bytes(p.bytes().begin(), p.bytes().end());
}

Bytes craft(const Identity& from, const Identity& to, Verb verb, const Bytes& payload,
            std::uint64_t id) {
  Packet p(id, to.address(), from.address(), verb);
  EXPECT_TRUE(p.append_bytes(payload));
  return armored(p, from, to, CipherSuite::kPoly1305Salsa2012);
}

// A HELLO as `from` would send it, with no moons (nothing under cryptField).
Bytes hello(const Identity& from, const Identity& to, std::uint64_t id) {
  Hello h;
  h.protocol_version = kProtoVersion;
  h.version_major = 1;
  h.version_minor = 14;
  h.version_revision = 1;
  h.timestamp = 1;
  h.identity = from.public_only();
  h.physical_destination = ip(kRootAt);
  Bytes payload;
  ByteWriter w(payload);
  write_hello(w, h);
  Packet p(id, to.address(), from.address(), Verb::kHello);
  EXPECT_TRUE(p.append_bytes(payload));
  return armored(p, from, to, CipherSuite::kPoly1305None);
}

Bytes push_of(std::initializer_list<const char*> addresses) {
  PushDirectPaths push;
  for (const char* a : addresses) push.paths.push_back({0, ip(a)});
  Bytes payload;
  ByteWriter w(payload);
  write_push_direct_paths(w, push);
  return payload;
}

class NodeVerbs : public ::testing::Test {
 protected:
  void SetUp() override {
    r_ = &net_.add(R(), vector_planet(), kRootAt);
    a_ = &net_.add(A(), vector_planet(), kAAt);
    b_ = &net_.add(B(), vector_planet(), kBAt);
    net_.tick();
    ASSERT_TRUE(a_->online(net_.now));
  }

  // Makes A know B (WHOIS through R) and B's version (HELLO from B).
  void introduce_b_to_a() {
    a_->on_datagram(net_.now, 0, ip(kBAt), hello(B(), A(), 0x4242));
    net_.deliver();
    ASSERT_TRUE(a_->peer(B().address(), net_.now).has_value());
  }

  // The packet id of the latest HELLO sent from `from` to `to`.
  std::uint64_t last_hello_id(const char* from, const char* to) const {
    std::uint64_t id = 0;
    for (const test::Datagram& d : net_.delivered) {
      if (d.from == ip(from) && d.to == ip(to) && d.data.size() > kVerbOffset &&
          d.data[kVerbOffset] == static_cast<std::uint8_t>(Verb::kHello))
        id = load_be(d.data.data(), 8);
    }
    return id;
  }

  std::size_t in_flight_to(const char* address) const {
    return static_cast<std::size_t>(
        std::count_if(net_.in_flight.begin(), net_.in_flight.end(),
                      [&](const test::Datagram& d) { return d.to == ip(address); }));
  }

  test::FakeNet net_;
  Node* r_ = nullptr;
  Node* a_ = nullptr;
  Node* b_ = nullptr;
};

TEST_F(NodeVerbs, HelloFromUnknownPeerIsValidatedAndAnswered) {
  introduce_b_to_a();
  EXPECT_EQ(a_->counters().drop_invalid_identity, 0u);
  const std::optional<PeerInfo> b = a_->peer(B().address(), net_.now);
  EXPECT_EQ(b->protocol_version, kProtoVersion);
  // The HELLO came from an unconfirmed path: OK(HELLO) and a HELLO went back.
  EXPECT_GE(std::count_if(net_.delivered.begin(), net_.delivered.end(),
                          [](const test::Datagram& d) { return d.to == ip(kBAt); }),
            2);
}

TEST_F(NodeVerbs, HelloWithWrongAddressOrForgedMacIsDropped) {
  const Identity wrong = a_variant("A-wrong-address");
  r_->on_datagram(net_.now, 0, ip("127.0.0.1/20000"), hello(wrong, R(), 1));
  EXPECT_EQ(r_->counters().drop_invalid_identity, 1u);

  Bytes forged = hello(B(), R(), 2);
  forged[kMacOffset] ^= 0x80;
  r_->on_datagram(net_.now, 0, ip("127.0.0.1/20001"), forged);
  EXPECT_EQ(r_->counters().drop_bad_mac, 1u);

  // Header source and the identity inside must agree.
  Bytes mismatched = hello(B(), R(), 3);
  A().address().to_bytes(mismatched.data() + kSourceOffset);
  r_->on_datagram(net_.now, 0, ip("127.0.0.1/20002"), mismatched);
  EXPECT_EQ(r_->counters().drop_invalid_identity, 2u);
}

TEST_F(NodeVerbs, ReplayedHelloIsDropped) {
  const Bytes h = hello(A(), R(), 0x777);
  r_->on_datagram(net_.now, 0, ip(kAAt), h);
  const std::uint64_t replayed = r_->counters().drop_replayed;
  r_->on_datagram(net_.now, 0, ip(kAAt), h);
  EXPECT_EQ(r_->counters().drop_replayed, replayed + 1);
}

TEST_F(NodeVerbs, CollidingIdentityGetsErrorFromRoot) {
  const Identity impostor = a_variant("A-tampered");  // A's address and X25519 key
  ASSERT_EQ(impostor.address(), A().address());
  net_.in_flight.clear();
  r_->on_datagram(net_.now, 0, ip("127.0.0.1/20000"), hello(impostor, R(), 9));
  EXPECT_EQ(r_->counters().drop_invalid_identity, 1u);
  ASSERT_EQ(in_flight_to("127.0.0.1/20000"), 1u);  // ERROR(IDENTITY_COLLISION)
  // The real A is still the one R knows.
  EXPECT_EQ(r_->peer(A().address(), net_.now)->public_identity, A().to_string(false));
}

TEST_F(NodeVerbs, IdentityCollisionErrorFromUpstreamRaisesEvent) {
  // The in-re id must be one A really sent R: take A's last HELLO.
  const std::uint64_t hello_id = last_hello_id(kAAt, kRootAt);
  ASSERT_NE(hello_id, 0u);
  ErrorMessage e;
  e.in_re_verb = Verb::kHello;
  e.in_re_packet_id = hello_id;
  e.code = static_cast<std::uint8_t>(ErrorCode::kIdentityCollision);
  Bytes body;
  ByteWriter w(body);
  write_error(w, e);
  // From a leaf it means nothing.
  introduce_b_to_a();
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kError, body, 10));
  EXPECT_EQ(net_.host(*a_).count(NodeEventType::kIdentityCollision), 0u);
  a_->on_datagram(net_.now, 0, ip(kRootAt), craft(R(), A(), Verb::kError, body, 11));
  EXPECT_EQ(net_.host(*a_).count(NodeEventType::kIdentityCollision), 1u);
}

// OK(HELLO) echoes the HELLO's timestamp; one that is not a recent reading
// of our clock (a huge value, found by fuzz_node overflowing the round-trip
// arithmetic, or one in the future) gives no round-trip time.
TEST_F(NodeVerbs, OkHelloWithAForeignTimestampGivesNoRoundTrip) {
  const std::uint64_t hello_id = last_hello_id(kAAt, kRootAt);
  ASSERT_NE(hello_id, 0u);
  const int latency = a_->peer(R().address(), net_.now)->latency_ms;
  std::uint64_t packet_id = 30;
  for (const std::uint64_t timestamp :
       {std::uint64_t{1} << 63, ~std::uint64_t{0}, static_cast<std::uint64_t>(net_.now) + 5000}) {
    OkHello ok;
    ok.timestamp = timestamp;
    ok.protocol_version = kProtoVersion;
    ok.version_major = 1;
    ok.version_minor = 14;
    ok.version_revision = 1;
    Bytes body;
    ByteWriter w(body);
    write_ok_header(w, Verb::kHello, hello_id);
    write_ok_hello(w, ok);
    a_->on_datagram(net_.now, 0, ip(kRootAt), craft(R(), A(), Verb::kOk, body, ++packet_id));
    EXPECT_EQ(a_->peer(R().address(), net_.now)->latency_ms, latency) << timestamp;
  }
}

TEST_F(NodeVerbs, LeafAnswersWhoisAtMostEvery100ms) {
  introduce_b_to_a();
  Bytes ask(5);
  R().address().to_bytes(ask.data());
  net_.in_flight.clear();
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kWhois, ask, 20));
  a_->on_datagram(net_.now + 50, 0, ip(kBAt), craft(B(), A(), Verb::kWhois, ask, 21));
  EXPECT_EQ(a_->counters().drop_rate_limited, 1u);
  EXPECT_EQ(in_flight_to(kBAt), 1u);
  a_->on_datagram(net_.now + 100, 0, ip(kBAt), craft(B(), A(), Verb::kWhois, ask, 22));
  EXPECT_EQ(in_flight_to(kBAt), 2u);
}

TEST_F(NodeVerbs, RootAnswersWhoisWithoutLimit) {
  Bytes ask(10);
  A().address().to_bytes(ask.data());
  B().address().to_bytes(ask.data() + 5);
  net_.in_flight.clear();
  for (std::uint64_t i = 0; i < 5; ++i)
    r_->on_datagram(net_.now, 0, ip(kAAt), craft(A(), R(), Verb::kWhois, ask, 30 + i));
  EXPECT_EQ(r_->counters().drop_rate_limited, 0u);
  EXPECT_EQ(in_flight_to(kAAt), 5u);
}

TEST_F(NodeVerbs, EchoRepliesAreRateLimitedPerPath) {
  introduce_b_to_a();
  net_.in_flight.clear();
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kEcho, Bytes{1}, 40));
  a_->on_datagram(net_.now + 100, 0, ip(kBAt), craft(B(), A(), Verb::kEcho, Bytes{2}, 41));
  a_->on_datagram(net_.now + 170, 0, ip(kBAt), craft(B(), A(), Verb::kEcho, Bytes{3}, 42));
  EXPECT_EQ(a_->counters().drop_rate_limited, 1u);
  EXPECT_EQ(in_flight_to(kBAt), 2u);
}

TEST_F(NodeVerbs, RendezvousIsOnlyTakenFromUpstreams) {
  introduce_b_to_a();
  Bytes rv = {0, 0, 0, 0, 0, 0, 0x27, 0x11, 4, 10, 9, 9, 9};
  B().address().to_bytes(rv.data() + 1);
  net_.in_flight.clear();
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kRendezvous, rv, 50));
  EXPECT_EQ(in_flight_to("10.9.9.9/10001"), 0u);
  a_->on_datagram(net_.now, 0, ip(kRootAt), craft(R(), A(), Verb::kRendezvous, rv, 51));
  ASSERT_EQ(in_flight_to("10.9.9.9/10001"), 2u);  // the TTL-2 opener, then a probe
  EXPECT_EQ(net_.in_flight.front().ttl, 2u);
  EXPECT_EQ(net_.in_flight.front().data.size(), 4u);
  // Link-local endpoints are refused by the path filter.
  Bytes bad = rv;
  bad[9] = 169;
  bad[10] = 254;
  a_->on_datagram(net_.now, 0, ip(kRootAt), craft(R(), A(), Verb::kRendezvous, bad, 52));
  EXPECT_EQ(a_->counters().drop_path_refused, 1u);
}

TEST_F(NodeVerbs, PushDirectPathsContactsAllowedAddressesWithinTheRateGate) {
  introduce_b_to_a();
  net_.in_flight.clear();
  a_->on_datagram(net_.now, 0, ip(kBAt),
                  craft(B(), A(), Verb::kPushDirectPaths,
                        push_of({"10.1.1.1/9993", "169.254.1.1/9993", "10.1.1.2/9993"}), 60));
  EXPECT_EQ(in_flight_to("10.1.1.1/9993"), 1u);
  EXPECT_EQ(in_flight_to("10.1.1.2/9993"), 1u);
  EXPECT_EQ(in_flight_to("169.254.1.1/9993"), 0u);
  EXPECT_EQ(a_->counters().drop_path_refused, 1u);
  for (std::uint64_t i = 1; i < 8; ++i)
    a_->on_datagram(net_.now + 1, 0, ip(kBAt),
                    craft(B(), A(), Verb::kPushDirectPaths, push_of({"10.1.1.3/1"}), 60 + i));
  EXPECT_EQ(a_->counters().drop_rate_limited, 0u);
  a_->on_datagram(net_.now + 2, 0, ip(kBAt),
                  craft(B(), A(), Verb::kPushDirectPaths, push_of({"10.1.1.3/1"}), 70));
  EXPECT_EQ(a_->counters().drop_rate_limited, 1u);
}

TEST_F(NodeVerbs, MalformedPayloadsAreCounted) {
  introduce_b_to_a();
  const std::uint64_t before = a_->counters().drop_malformed;
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kWhois, Bytes{1, 2}, 80));
  a_->on_datagram(net_.now, 0, ip(kBAt), craft(B(), A(), Verb::kOk, Bytes{3}, 81));
  a_->on_datagram(net_.now, 0, ip(kBAt), Bytes(20, 0));
  EXPECT_EQ(a_->counters().drop_malformed, before + 3);
}

}  // namespace
}  // namespace zt
