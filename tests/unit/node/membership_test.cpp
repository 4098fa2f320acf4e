// One peer's credentials on one network (vl2.md §7.3, §7.4, §8.4, §8.6),
// with the vector identities and credentials.
#include "node/membership.hpp"

#include <gtest/gtest.h>

#include "proto/credentials/credential_test_support.hpp"
#include "proto/network_id.hpp"

namespace zt {
namespace {

using test::kVectorNwid;
using test::kVectorTs;

const Identity& controller() {
  static const Identity id = test::vl2_identity("controller");
  return id;
}
const Identity& member_a() {
  static const Identity id = test::vl2_identity("memberA");
  return id;
}
const Identity& member_b() {
  static const Identity id = test::vl2_identity("memberB");
  return id;
}

CertificateOfMembership com_for(const Identity& member, std::int64_t ts) {
  CertificateOfMembership com = CertificateOfMembership::issue(
      static_cast<std::uint64_t>(ts), kDefaultCredentialTimeMaxDelta, kVectorNwid, member);
  EXPECT_TRUE(com.sign(controller()));
  return com;
}

// A's config as the controller issues it at `ts`.
NetworkConfig config_of_a(std::int64_t ts, NetworkConfig::Type type = NetworkConfig::Type::kPrivate) {
  NetworkConfig c;
  c.network_id = kVectorNwid;
  c.timestamp = ts;
  c.credential_time_max_delta = kDefaultCredentialTimeMaxDelta;
  c.issued_to = member_a().address();
  c.type = type;
  c.com = com_for(member_a(), ts);
  return c;
}

Tag tag_for(const Identity& member, std::int64_t ts, std::uint32_t id, std::uint32_t value) {
  Tag t;
  t.network_id = kVectorNwid;
  t.timestamp = ts;
  t.id = id;
  t.value = value;
  t.issued_to = member.address();
  EXPECT_TRUE(t.sign(controller()));
  return t;
}

Revocation revoke(CredentialType type, std::uint32_t id, std::int64_t threshold, const Identity& target) {
  Revocation r;
  r.id = 1;
  r.network_id = kVectorNwid;
  r.credential_id = id;
  r.threshold = threshold;
  r.target = target.address();
  r.credential_type = type;
  EXPECT_TRUE(r.sign(controller()));
  return r;
}

TEST(Membership, AComIsCheckedStoredAndAgreedWith) {
  Membership m;
  const NetworkConfig mine = config_of_a(kVectorTs);
  EXPECT_FALSE(m.allowed(mine, member_b()));  // nothing yet
  const CertificateOfMembership com = com_for(member_b(), kVectorTs + 600000);
  EXPECT_EQ(m.add_com(com, nullptr), CredentialResult::kDeferred);
  EXPECT_EQ(m.add_com(com, &member_a()), CredentialResult::kRejected);  // not the controller
  EXPECT_EQ(m.add_com(com, &controller()), CredentialResult::kAcceptedNew);
  EXPECT_EQ(m.add_com(com, &controller()), CredentialResult::kAcceptedRedundant);
  EXPECT_TRUE(m.allowed(mine, member_b()));
  EXPECT_FALSE(m.allowed(mine, member_a()));  // the COM binds B's key
  // B's address with A's key (an impostor): the hash kept for B is not reused.
  const std::string b_text = member_b().to_string(false);
  const std::string a_text = member_a().to_string(false);
  const std::optional<Identity> impostor =
      Identity::from_string(b_text.substr(0, 13) + a_text.substr(13));
  ASSERT_TRUE(impostor);
  EXPECT_EQ(impostor->address(), member_b().address());
  EXPECT_FALSE(m.allowed(mine, *impostor));
  EXPECT_TRUE(m.allowed(mine, member_b()));
  // Older than what we hold: refused.
  EXPECT_EQ(m.add_com(com_for(member_b(), kVectorTs), &controller()), CredentialResult::kRejected);
  // A tampered COM fails its signature.
  CertificateOfMembership forged = CertificateOfMembership::issue(
      kVectorTs + 700000, kDefaultCredentialTimeMaxDelta, kVectorNwid, member_b());
  EXPECT_EQ(m.add_com(forged, &controller()), CredentialResult::kRejected);
}

TEST(Membership, AgreementEndsBeyondTheWindowAndPublicNeedsNone) {
  Membership m;
  ASSERT_EQ(m.add_com(com_for(member_b(), kVectorTs), &controller()), CredentialResult::kAcceptedNew);
  const std::int64_t window = static_cast<std::int64_t>(kDefaultCredentialTimeMaxDelta);
  EXPECT_TRUE(m.allowed(config_of_a(kVectorTs + window), member_b()));
  EXPECT_FALSE(m.allowed(config_of_a(kVectorTs + window + 1), member_b()));
  Membership empty;
  EXPECT_TRUE(empty.allowed(config_of_a(kVectorTs, NetworkConfig::Type::kPublic), member_b()));
}

TEST(Membership, ComRevocationsVoidOlderComs) {
  Membership m;
  const NetworkConfig mine = config_of_a(kVectorTs);
  ASSERT_EQ(m.add_com(com_for(member_b(), kVectorTs), &controller()), CredentialResult::kAcceptedNew);
  ASSERT_TRUE(m.allowed(mine, member_b()));
  const Revocation r = revoke(CredentialType::kCom, 0, kVectorTs, member_b());
  EXPECT_EQ(m.add_revocation(r, nullptr), CredentialResult::kDeferred);
  EXPECT_EQ(m.add_revocation(r, &controller()), CredentialResult::kAcceptedNew);
  EXPECT_EQ(m.add_revocation(r, &controller()), CredentialResult::kAcceptedRedundant);
  EXPECT_FALSE(m.allowed(mine, member_b()));
  EXPECT_EQ(m.add_com(com_for(member_b(), kVectorTs), &controller()), CredentialResult::kRejected);
  // A newer COM is fine again.
  EXPECT_EQ(m.add_com(com_for(member_b(), kVectorTs + 1), &controller()),
            CredentialResult::kAcceptedNew);
  EXPECT_TRUE(m.allowed(mine, member_b()));
}

TEST(Membership, TagsCountOnlyInsideOurTimeWindowAndAboveRevocations) {
  Membership m;
  ASSERT_EQ(m.add_tag(tag_for(member_b(), kVectorTs, 1000, 42), &controller()),
            CredentialResult::kAcceptedNew);
  EXPECT_EQ(m.tag(config_of_a(kVectorTs), 1000), 42u);
  EXPECT_FALSE(m.tag(config_of_a(kVectorTs), 1001).has_value());
  const std::int64_t window = static_cast<std::int64_t>(kDefaultCredentialTimeMaxDelta);
  EXPECT_EQ(m.tag(config_of_a(kVectorTs - window), 1000), 42u);
  EXPECT_FALSE(m.tag(config_of_a(kVectorTs + window + 1), 1000).has_value());
  // Revoking tag 1000 up to its timestamp removes it; a newer one is taken.
  ASSERT_EQ(m.add_revocation(revoke(CredentialType::kTag, 1000, kVectorTs, member_b()), &controller()),
            CredentialResult::kAcceptedNew);
  EXPECT_FALSE(m.tag(config_of_a(kVectorTs), 1000).has_value());
  EXPECT_EQ(m.add_tag(tag_for(member_b(), kVectorTs, 1000, 42), &controller()),
            CredentialResult::kRejected);
  EXPECT_EQ(m.add_tag(tag_for(member_b(), kVectorTs + 5, 1000, 7), &controller()),
            CredentialResult::kAcceptedNew);
  EXPECT_EQ(m.tag(config_of_a(kVectorTs), 1000), 7u);
  // Stale ones go at cleaning.
  m.clean(config_of_a(kVectorTs + 10 * window));
  EXPECT_FALSE(m.tag(config_of_a(kVectorTs), 1000).has_value());
}

TEST(Membership, RemoteCredentialTablesAreBounded) {
  Membership m;
  std::size_t accepted = 0;
  for (std::uint32_t id = 0; id < 200; ++id)
    accepted += m.add_tag(tag_for(member_b(), kVectorTs, id, id), &controller()) ==
                CredentialResult::kAcceptedNew;
  EXPECT_EQ(accepted, 128u);
}

TEST(Membership, OwnershipFromCoosAndNdpEmulatedPrefixes) {
  Membership m;
  NetworkConfig mine = config_of_a(kVectorTs);
  CertificateOfOwnership coo;
  coo.network_id = kVectorNwid;
  coo.timestamp = kVectorTs;
  coo.id = 1;
  coo.issued_to = member_b().address();
  coo.add(*InetAddress::from_string("10.147.17.6"));
  ASSERT_TRUE(coo.sign(controller()));
  ASSERT_EQ(m.add_coo(coo, &controller()), CredentialResult::kAcceptedNew);
  EXPECT_TRUE(m.owns(mine, *InetAddress::from_string("10.147.17.6")));
  EXPECT_FALSE(m.owns(mine, *InetAddress::from_string("10.147.17.7")));
  // With NDP emulation and our own 6PLANE address, the whole /40 counts.
  const InetAddress b6 = sixplane_address(kVectorNwid, member_b().address());
  EXPECT_FALSE(m.owns(mine, b6));
  mine.flags |= kNetworkFlagEnableNdpEmulation;
  mine.static_ips.push_back(sixplane_address(kVectorNwid, member_a().address()));
  EXPECT_TRUE(m.owns(mine, b6));
}

}  // namespace
}  // namespace zt
