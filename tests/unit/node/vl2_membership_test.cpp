// Unicast frames between members and the membership gate in front of them
// (vl2.md §7–§9): credentials pushed before the first frame, ERROR
// NEED_MEMBERSHIP_CERTIFICATE for non-members, old and revoked COMs,
// PUBLIC networks, and the re-push the error triggers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/node.hpp"
#include "proto/credentials/network_credentials.hpp"
#include "proto/verbs/frame.hpp"
#include "proto/verbs/ok_error.hpp"
#include "vectors.hpp"
#include "vl2_fixtures.hpp"

namespace zt {
namespace {

using test::Vl2World;

constexpr std::uint16_t kIpv4 = 0x0800;

MacAddress mac_of(const Node& n, std::uint64_t nwid) {
  return MacAddress::from_address(n.identity().address(), nwid);
}

Bytes icmp_echo() { return test::hex(test::vl2()["frames"]["ipv4_icmp_echo_hex"]); }

// `from` sends the vector ICMP echo to `to` on the network.
void send_echo(Vl2World& w, Node& from, const Node& to) {
  from.on_frame(w.net.now, w.nwid, mac_of(from, w.nwid), mac_of(to, w.nwid), kIpv4, icmp_echo());
  w.net.deliver();
}

// A FRAME sent raw through VL1, with no credentials pushed first.
void send_raw_frame(Vl2World& w, Node& from, const Node& to) {
  Frame f;
  f.network_id = w.nwid;
  f.ethertype = kIpv4;
  const Bytes data = icmp_echo();
  f.data = data;
  Bytes payload;
  ByteWriter bw(payload);
  write_frame(bw, f);
  from.send(w.net.now, to.identity().address(), Verb::kFrame, payload);
  w.net.deliver();
}

// ERRORs `to` got from `from` with this code.
std::size_t errors(Vl2World& w, const Node& to, const Node& from, ErrorCode code) {
  std::size_t n = 0;
  for (const Bytes& p : test::payloads_between(w.net, to, from.identity(), Verb::kError)) {
    const std::optional<ErrorMessage> e = parse_error(p);
    n += e && e->code == static_cast<std::uint8_t>(code) && e->network_id == w.nwid;
  }
  return n;
}

TEST(Vl2Membership, MembersExchangeFramesAfterPushingCredentials) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_echo(w, w.a, w.b);

  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  const test::PortFrame& got = w.host(w.b).frames[0];
  EXPECT_EQ(got.network_id, w.nwid);
  EXPECT_EQ(got.from.to_string(), test::vl2()["frames"]["from_mac"].get<std::string>());
  EXPECT_EQ(got.to.to_string(), test::vl2()["frames"]["to_mac"].get<std::string>());
  EXPECT_EQ(got.ethertype, kIpv4);
  EXPECT_EQ(got.data, icmp_echo());

  // On the wire: A's credentials (its COM from the config) and then the
  // FRAME, byte for byte the vector's.
  const std::vector<test::WirePacket> packets = test::packets_between(w.net, w.b, w.a.identity());
  std::optional<std::size_t> creds_at, frame_at;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    const Packet& p = packets[i].packet;
    if (p.verb() == Verb::kNetworkCredentials && !creds_at) {
      creds_at = i;
      const std::optional<NetworkCredentials> c =
          parse_network_credentials({p.payload().begin(), p.payload().end()});
      ASSERT_TRUE(c.has_value());
      ASSERT_EQ(c->coms.size(), 1u);
      EXPECT_EQ(c->coms[0].issued_to(), w.a.identity().address());
      EXPECT_TRUE(c->coms[0].verify(w.c.identity()));
    }
    if (p.verb() == Verb::kFrame && !frame_at) {
      frame_at = i;
      EXPECT_EQ(Bytes(p.payload().begin(), p.payload().end()),
                test::hex(test::vl2()["frames"]["frame_payload_hex"]));
    }
  }
  ASSERT_TRUE(creds_at && frame_at);
  EXPECT_LT(*creds_at, *frame_at);

  // And back: B pushes its own credentials once, then frames flow.
  send_echo(w, w.b, w.a);
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  send_echo(w, w.a, w.b);
  EXPECT_EQ(w.host(w.b).frames.size(), 2u);
  EXPECT_EQ(test::payloads_between(w.net, w.b, w.a.identity(), Verb::kNetworkCredentials).size(), 1u);
  EXPECT_EQ(w.a.vl2_counters().frames_in, 1u);
  EXPECT_EQ(w.b.vl2_counters().frames_in, 2u);
  EXPECT_EQ(w.b.vl2_counters().drop_not_member, 0u);
}

TEST(Vl2Membership, FramesToOurOwnMacLoopBack) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  w.a.on_frame(w.net.now, w.nwid, mac_of(w.a, w.nwid), mac_of(w.a, w.nwid), kIpv4, icmp_echo());
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  EXPECT_EQ(w.host(w.a).frames[0].data, icmp_echo());
  // Frames for networks we are not on, or before a config, go nowhere.
  w.a.on_frame(w.net.now, w.nwid + 1, mac_of(w.a, w.nwid), mac_of(w.b, w.nwid), kIpv4, icmp_echo());
  EXPECT_EQ(w.a.vl2_counters().drop_unknown_network, 1u);
  w.controller.silent = true;
  w.b.join(w.net.now, w.nwid);
  w.b.on_frame(w.net.now, w.nwid, mac_of(w.b, w.nwid), mac_of(w.a, w.nwid), kIpv4, icmp_echo());
  EXPECT_EQ(w.b.vl2_counters().drop_no_config, 1u);
  // A source MAC that is not ours needs us to be a bridge.
  w.a.on_frame(w.net.now, w.nwid, MacAddress(0x02aabbccddeeULL), mac_of(w.b, w.nwid), kIpv4,
               icmp_echo());
  EXPECT_EQ(w.a.vl2_counters().drop_bridging, 1u);
}

TEST(Vl2Membership, NonMembersGetNeedCertificateAndNoDelivery) {
  Vl2World w;
  w.controller.members.erase(w.b.identity().address());  // B is not authorized
  ASSERT_TRUE(w.join(w.a));
  w.b.join(w.net.now, w.nwid);
  w.net.deliver();
  ASSERT_EQ(w.b.network(w.nwid)->status, NetworkStatus::kAccessDenied);
  send_raw_frame(w, w.b, w.a);
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_EQ(w.a.vl2_counters().drop_not_member, 1u);
  EXPECT_EQ(errors(w, w.b, w.a, ErrorCode::kNeedMembershipCertificate), 1u);
}

TEST(Vl2Membership, ComForAnotherNetworkDoesNotAdmit) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  // B holds a real COM, but for another network of the same controller.
  const CertificateOfMembership other = [&] {
    CertificateOfMembership com =
        CertificateOfMembership::issue(static_cast<std::uint64_t>(w.net.now),
                                       kDefaultCredentialTimeMaxDelta, w.nwid + 1, w.b.identity());
    EXPECT_TRUE(com.sign(w.c.identity()));
    return com;
  }();
  NetworkCredentials creds;
  creds.coms.push_back(other);
  Bytes payload;
  ByteWriter bw(payload);
  write_network_credentials(bw, creds);
  w.b.send(w.net.now, w.a.identity().address(), Verb::kNetworkCredentials, payload);
  w.net.deliver();
  w.run(1100);
  send_raw_frame(w, w.b, w.a);
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_EQ(errors(w, w.b, w.a, ErrorCode::kNeedMembershipCertificate), 1u);
}

TEST(Vl2Membership, ComsOlderThanTheWindowDoNotAgree) {
  Vl2World w;
  // B's config (and COM) is issued just over ctmd before A's.
  w.controller.fixed_timestamp = w.net.now - static_cast<std::int64_t>(kDefaultCredentialTimeMaxDelta) - 1;
  ASSERT_TRUE(w.join(w.b));
  w.controller.fixed_timestamp.reset();
  ASSERT_TRUE(w.join(w.a));
  send_echo(w, w.b, w.a);
  EXPECT_TRUE(w.host(w.a).frames.empty());
  EXPECT_GE(errors(w, w.b, w.a, ErrorCode::kNeedMembershipCertificate), 1u);
  // Once B refreshes (a fresh COM at its next request), it gets through.
  w.run(61000);
  send_echo(w, w.b, w.a);
  EXPECT_EQ(w.host(w.a).frames.size(), 1u);
}

TEST(Vl2Membership, RevokedMembersAreRefused) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_echo(w, w.b, w.a);
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  // The vector revocation: B's COMs up to TS are void (ours are older).
  ASSERT_LT(w.net.now, test::kVl2Ts);
  NetworkCredentials creds;
  creds.revocations.push_back(
      *Revocation::parse(test::hex(test::vl2()["credentials"]["revocation"]["hex"])));
  Bytes payload;
  ByteWriter bw(payload);
  write_network_credentials(bw, creds);
  w.c.send(w.net.now, w.a.identity().address(), Verb::kNetworkCredentials, payload);
  w.net.deliver();
  w.run(1100);
  send_echo(w, w.b, w.a);
  w.run(2000);
  send_echo(w, w.b, w.a);
  EXPECT_EQ(w.host(w.a).frames.size(), 1u);
  EXPECT_GE(errors(w, w.b, w.a, ErrorCode::kNeedMembershipCertificate), 1u);
  EXPECT_GE(w.a.vl2_counters().drop_bad_credential, 1u);  // B's re-pushed COM is revoked
}

TEST(Vl2Membership, RevocationsFromTheControllerSenderReachMembers) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_echo(w, w.b, w.a);
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  Revocation rev;
  rev.id = 7;
  rev.network_id = w.nwid;
  rev.threshold = w.net.now;
  rev.flags = Revocation::kFlagFastPropagate;
  rev.target = w.b.identity().address();
  rev.credential_type = CredentialType::kCom;
  ASSERT_TRUE(rev.sign(w.c.identity()));
  w.c.controller_sender().send_revocation(w.net.now, w.a.identity().address(), rev);
  w.net.deliver();
  w.run(1100);
  send_echo(w, w.b, w.a);
  EXPECT_EQ(w.host(w.a).frames.size(), 1u);
}

// Upstream receivers drop NETWORK_CREDENTIALS that come within a second of
// the previous one; a revocation B forwards right after pushing its own
// credentials to A must wait that second, not be sent to be dropped.
TEST(Vl2Membership, CredentialsToOnePeerAreSpacedASecondApart) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_echo(w, w.b, w.a);  // B pushes its credentials to A first
  const auto creds_b_to_a = [&] {
    return payloads_between(w.net, w.a, w.b.identity(), Verb::kNetworkCredentials);
  };
  ASSERT_EQ(creds_b_to_a().size(), 1u);

  Revocation rev;  // of some other member, fast-propagated through B
  rev.id = 9;
  rev.network_id = w.nwid;
  rev.threshold = w.net.now;
  rev.flags = Revocation::kFlagFastPropagate;
  rev.target = Address(0x1234567890ULL);
  rev.credential_type = CredentialType::kCom;
  ASSERT_TRUE(rev.sign(w.c.identity()));
  w.c.controller_sender().send_revocation(w.net.now, w.b.identity().address(), rev);
  w.net.deliver();
  EXPECT_EQ(creds_b_to_a().size(), 1u) << "forwarded within the second: it must wait";
  w.run(1100);
  const std::vector<Bytes> sent = creds_b_to_a();
  ASSERT_EQ(sent.size(), 2u) << "the forwarded revocation went once the second was up";
  const auto forwarded = parse_network_credentials(sent[1]);
  ASSERT_TRUE(forwarded.has_value());
  ASSERT_EQ(forwarded->revocations.size(), 1u);
  EXPECT_EQ(forwarded->revocations[0].target, rev.target);
  EXPECT_EQ(w.a.vl2_counters().drop_rate_limited, 0u) << "A's own one-per-second gate let it in";
}

TEST(Vl2Membership, PublicNetworksNeedNoCom) {
  Vl2World w;
  w.controller.type = NetworkConfig::Type::kPublic;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_raw_frame(w, w.b, w.a);  // no credentials at all
  ASSERT_EQ(w.host(w.a).frames.size(), 1u);
  EXPECT_EQ(w.a.network(w.nwid)->type, NetworkType::kPublic);
}

TEST(Vl2Membership, NeedCertificateErrorMakesTheSenderPushAgain) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  send_echo(w, w.a, w.b);
  ASSERT_EQ(w.host(w.b).frames.size(), 1u);
  // B forgets everything about A (it leaves and rejoins); A still thinks
  // its credentials are there.
  w.b.leave(w.net.now, w.nwid);
  ASSERT_TRUE(w.join(w.b));
  w.run(2000);
  const std::size_t pushes = w.a.vl2_counters().credentials_pushed;
  send_echo(w, w.a, w.b);  // refused, answered with the error, which makes A push
  EXPECT_EQ(w.host(w.b).frames.size(), 1u);
  EXPECT_EQ(w.a.vl2_counters().credentials_pushed, pushes + 1);
  send_echo(w, w.a, w.b);
  EXPECT_EQ(w.host(w.b).frames.size(), 2u);
}

TEST(Vl2Membership, CredentialFloodsAreRateLimited) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  NetworkCredentials creds;
  Bytes payload;
  ByteWriter bw(payload);
  write_network_credentials(bw, creds);
  for (int i = 0; i < 5; ++i) w.b.send(w.net.now, w.a.identity().address(), Verb::kNetworkCredentials, payload);
  w.net.deliver();
  EXPECT_EQ(w.a.vl2_counters().drop_rate_limited, 4u);
}

}  // namespace
}  // namespace zt
