// Certificates of membership against upstream's vl2 vectors: issue, sign,
// verify, the agreement test, and malformed input.
#include "proto/credentials/certificate_of_membership.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::vl2()["certificate_of_membership"]; }

CertificateOfMembership parsed(const std::string& field) {
  auto com = CertificateOfMembership::parse(hex(field));
  EXPECT_TRUE(com) << field;
  return com ? *com : CertificateOfMembership();
}

TEST(CertificateOfMembership, IssueAndSignMatchUpstream) {
  const Identity controller = test::vl2_identity("controller");
  const Identity member = test::vl2_identity("memberA");
  const auto hash = identity_public_key_hash(member);
  EXPECT_EQ(to_hex(hash), vec()["memberA_publicKeyHash_sha384"].get<std::string>());

  CertificateOfMembership com = CertificateOfMembership::issue(
      vec()["timestamp"].get<std::uint64_t>(), vec()["maxDelta"].get<std::uint64_t>(),
      test::kVectorNwid, member);
  EXPECT_EQ(com.qualifiers().size(), 7u);
  EXPECT_TRUE(com.signed_by().is_nil());
  EXPECT_FALSE(com.verify(controller));
  EXPECT_EQ(to_hex(com.signing_message()), vec()["comA_signed_message_hex"].get<std::string>());
  ASSERT_TRUE(com.sign(controller));
  const Bytes bytes = com.serialize();
  EXPECT_EQ(bytes.size(), vec()["comA_len"].get<std::size_t>());
  EXPECT_EQ(to_hex(bytes), vec()["comA_hex"].get<std::string>());
  EXPECT_TRUE(com.verify(controller));
  EXPECT_FALSE(com.sign(controller.public_only()));
}

TEST(CertificateOfMembership, ParseAndVerify) {
  const Identity controller = test::vl2_identity("controller");
  const CertificateOfMembership com = parsed(vec()["comA_hex"]);
  EXPECT_EQ(com.timestamp(), 1700000000000ULL);
  EXPECT_EQ(com.network_id(), test::kVectorNwid);
  EXPECT_EQ(com.issued_to().to_string(), vec()["issuedTo"].get<std::string>());
  EXPECT_EQ(com.signed_by(), controller.address());
  EXPECT_EQ(to_hex(com.serialize()), vec()["comA_hex"].get<std::string>());
  EXPECT_EQ(com.verify(controller.public_only()),
            vec()["comA_signature_verifies_with_controller"].get<bool>());
  // Someone else's key, or a changed qualifier, does not verify.
  EXPECT_FALSE(com.verify(test::vl2_identity("memberA")));
  Bytes tampered = hex(vec()["comA_hex"]);
  tampered[3 + 8 + 7] ^= 1;  // timestamp value
  auto bad = CertificateOfMembership::parse(tampered);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->verify(controller));
  Bytes bad_sig = hex(vec()["comA_hex"]);
  bad_sig.back() ^= 1;
  EXPECT_FALSE(CertificateOfMembership::parse(bad_sig)->verify(controller));
}

TEST(CertificateOfMembership, VerifyNeedsTheNetworksController) {
  // A COM signed by a key that is not nwid >> 24 is rejected even though the
  // signature itself is good.
  const Identity member = test::vl2_identity("memberA");
  CertificateOfMembership com =
      CertificateOfMembership::issue(1, 100, test::kVectorNwid, test::vl2_identity("memberB"));
  ASSERT_TRUE(com.sign(member));
  EXPECT_FALSE(com.verify(member));
  // The right controller identity but a COM for another controller's network.
  const Identity controller = test::vl2_identity("controller");
  CertificateOfMembership other =
      CertificateOfMembership::issue(1, 100, 0x1122334455000001ULL, member);
  ASSERT_TRUE(other.sign(controller));
  EXPECT_FALSE(other.verify(controller));
}

TEST(CertificateOfMembership, AgreementCasesFromUpstream) {
  const Identity a = test::vl2_identity("memberA");
  const Identity b = test::vl2_identity("memberB");
  const CertificateOfMembership com_a = parsed(vec()["comA_hex"]);
  const CertificateOfMembership com_b = parsed(vec()["comB_hex"]);
  EXPECT_EQ(com_b.timestamp(), vec()["comB_timestamp"].get<std::uint64_t>());
  const auto& cases = vec()["agreement"];
  ASSERT_EQ(cases.size(), 6u);
  EXPECT_EQ(com_a.agrees_with(com_b, b), cases[0]["result"].get<bool>());
  EXPECT_EQ(com_b.agrees_with(com_a, a), cases[1]["result"].get<bool>());
  EXPECT_EQ(com_a.agrees_with(com_b, a), cases[2]["result"].get<bool>());
  EXPECT_EQ(com_a.agrees_with(parsed(cases[3]["Bedge_hex"]), b), cases[3]["result"].get<bool>());
  EXPECT_EQ(com_a.agrees_with(parsed(cases[4]["Bfar_hex"]), b), cases[4]["result"].get<bool>());
  EXPECT_EQ(com_a.agrees_with(parsed(cases[5]["other_hex"]), b), cases[5]["result"].get<bool>());
  // Sanity on the vector itself: the cases are not all alike.
  EXPECT_TRUE(cases[0]["result"].get<bool>());
  EXPECT_FALSE(cases[4]["result"].get<bool>());
}

TEST(CertificateOfMembership, AgreementEdges) {
  const Identity a = test::vl2_identity("memberA");
  const Identity b = test::vl2_identity("memberB");
  const CertificateOfMembership com_a = parsed(vec()["comA_hex"]);
  const CertificateOfMembership com_b = parsed(vec()["comB_hex"]);
  EXPECT_FALSE(CertificateOfMembership().agrees_with(com_b, b));
  EXPECT_FALSE(com_a.agrees_with(CertificateOfMembership(), b));
  // Without identity-hash qualifiers of our own the other's hash is not checked.
  CertificateOfMembership old_style;
  old_style.add_qualifier({CertificateOfMembership::kNetworkIdId, test::kVectorNwid, 0});
  EXPECT_TRUE(old_style.agrees_with(com_b, a));
  // But a qualifier we hold must be present in the other.
  old_style.add_qualifier({42, 0, ~0ULL});
  EXPECT_FALSE(old_style.agrees_with(com_b, b));
  // An other COM lacking the hash fails when we carry one.
  CertificateOfMembership no_hash;
  for (const auto& q : com_b.qualifiers())
    if (q.id < 3) no_hash.add_qualifier(q);
  EXPECT_FALSE(com_a.agrees_with(no_hash, b));
}

TEST(CertificateOfMembership, QualifiersStaySorted) {
  CertificateOfMembership com;
  for (std::uint64_t id : {5, 1, 3, 3, 0, 7, 2, 6}) EXPECT_TRUE(com.add_qualifier({id, id, 0}));
  EXPECT_FALSE(com.add_qualifier({9, 0, 0}));
  std::uint64_t last = 0;
  for (const auto& q : com.qualifiers()) {
    EXPECT_GE(q.id, last);
    last = q.id;
  }
  // Its own serialization parses back (duplicates are allowed, decreasing ids are not).
  auto back = CertificateOfMembership::parse(com.serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, com);
}

TEST(CertificateOfMembership, MalformedInput) {
  const Bytes good = hex(vec()["comA_hex"]);
  test::expect_every_truncation_fails(
      [](std::span<const std::uint8_t> b) { return CertificateOfMembership::parse(b); }, good);
  Bytes bad_format = good;
  bad_format[0] = 0x02;
  EXPECT_FALSE(CertificateOfMembership::parse(bad_format));
  // Nine qualifiers.
  Bytes nine = {0x01, 0x00, 0x09};
  nine.resize(3 + 9 * 24 + 5, 0);
  EXPECT_FALSE(CertificateOfMembership::parse(nine));
  // Eight is fine (unsigned: a zero signer and no signature).
  Bytes eight = {0x01, 0x00, 0x08};
  eight.resize(3 + 8 * 24 + 5, 0);
  auto unsigned_com = CertificateOfMembership::parse(eight);
  ASSERT_TRUE(unsigned_com);
  EXPECT_EQ(unsigned_com->qualifiers().size(), 8u);
  EXPECT_EQ(unsigned_com->serialize(), eight);
  // Decreasing qualifier ids.
  Bytes swapped = good;
  swapped[3 + 7] = 0x05;  // first qualifier id 5, the next is 1
  EXPECT_FALSE(CertificateOfMembership::parse(swapped));
  // Trailing bytes are not part of one COM.
  Bytes longer = good;
  longer.push_back(0);
  EXPECT_FALSE(CertificateOfMembership::parse(longer));
  ByteReader r(longer);
  EXPECT_TRUE(CertificateOfMembership::read(r));
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(CertificateOfMembership, GarbageAndMutations) {
  auto parse = [](std::span<const std::uint8_t> b) { return CertificateOfMembership::parse(b); };
  auto write = [](ByteWriter& w, const CertificateOfMembership& c) { c.write(w); };
  test::run_garbage(parse, write);
  EXPECT_GT(test::run_mutations(parse, write, hex(vec()["comA_hex"])), 0u);
}

}  // namespace
}  // namespace zt
