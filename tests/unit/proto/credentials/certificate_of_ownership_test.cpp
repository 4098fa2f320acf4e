// Certificates of ownership against upstream's vl2 vectors.
#include "proto/credentials/certificate_of_ownership.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/network_id.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::credential_vectors()["coo"]; }

InetAddress ipv4(const char* text) { return *InetAddress::from_string(text); }

TEST(CertificateOfOwnership, SignedByControllerMatchesUpstream) {
  const Identity controller = test::vl2_identity("controller");
  const Address member = test::vl2_identity("memberA").address();
  CertificateOfOwnership coo;
  coo.network_id = test::kVectorNwid;
  coo.timestamp = test::kVectorTs;
  coo.id = 1;
  coo.issued_to = member;
  ASSERT_TRUE(coo.add(ipv4("10.147.17.5")));
  ASSERT_TRUE(coo.add(rfc4193_address(test::kVectorNwid, member)));
  ASSERT_TRUE(coo.add(MacAddress::from_address(member, test::kVectorNwid)));
  ASSERT_TRUE(coo.sign(controller));
  EXPECT_EQ(to_hex(coo.signing_message()), vec()["signed_message_hex"].get<std::string>());
  EXPECT_EQ(to_hex(coo.serialize()), vec()["hex"].get<std::string>());
  EXPECT_EQ(coo.verify(controller.public_only()), vec()["verify"].get<bool>());
}

TEST(CertificateOfOwnership, ParseOwnsAndTamper) {
  const Identity controller = test::vl2_identity("controller");
  const Address member = test::vl2_identity("memberA").address();
  const Bytes bytes = hex(vec()["hex"]);
  auto coo = CertificateOfOwnership::parse(bytes);
  ASSERT_TRUE(coo);
  EXPECT_EQ(coo->things.size(), 3u);
  EXPECT_EQ(coo->issued_to, member);
  EXPECT_EQ(coo->serialize(), bytes);
  EXPECT_TRUE(coo->verify(controller));
  EXPECT_TRUE(coo->owns(ipv4("10.147.17.5")));
  EXPECT_TRUE(coo->owns(ipv4("10.147.17.5/9993")));  // the port is not part of it
  EXPECT_FALSE(coo->owns(ipv4("10.147.17.6")));
  EXPECT_TRUE(coo->owns(rfc4193_address(test::kVectorNwid, member)));
  EXPECT_FALSE(coo->owns(sixplane_address(test::kVectorNwid, member)));
  EXPECT_TRUE(coo->owns(MacAddress::from_address(member, test::kVectorNwid)));
  EXPECT_FALSE(coo->owns(MacAddress(0x020000000001ULL)));
  EXPECT_FALSE(coo->owns(InetAddress()));
  CertificateOfOwnership extra = *coo;
  extra.add(ipv4("10.147.17.6"));
  EXPECT_FALSE(extra.verify(controller));
  EXPECT_FALSE(coo->verify(test::vl2_identity("memberA")));
}

TEST(CertificateOfOwnership, AtMostSixteenThings) {
  CertificateOfOwnership coo;
  for (int i = 0; i < 16; ++i) EXPECT_TRUE(coo.add(MacAddress(0x020000000000ULL + i)));
  EXPECT_FALSE(coo.add(MacAddress(0x020000000100ULL)));
  EXPECT_EQ(coo.things.size(), 16u);
  auto back = CertificateOfOwnership::parse(coo.serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, coo);
}

TEST(CertificateOfOwnership, MoreThanSixteenThingsAreNotConsumed) {
  // Upstream reads 16 things and goes on with the 17th thing's bytes as the
  // addresses; mirror that so we agree on where the credential ends.
  CertificateOfOwnership coo;
  for (int i = 0; i < 16; ++i) coo.add(MacAddress(0x020000000000ULL + i));
  Bytes bytes = coo.serialize();
  bytes[29] = 17;  // the thing count's low byte
  auto read = CertificateOfOwnership::parse(bytes);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->things.size(), 16u);
  // A 17th thing whose bytes read as issuedTo, signedBy, an unknown
  // signature type with no bytes, and no additional fields.
  const Bytes thing17 = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb,
                         0xbb, 0x02, 0x00, 0x00, 0x00, 0x00, 0xcc, 0xcc};
  Bytes longer = bytes;
  const std::size_t after_16 = 30 + 16 * 17;
  longer.insert(longer.begin() + after_16, thing17.begin(), thing17.end());
  ByteReader r(longer);
  auto c = CertificateOfOwnership::read(r);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->things.size(), 16u);
  EXPECT_EQ(c->issued_to, Address(0xaaaaaaaaaaULL));
  EXPECT_EQ(c->signed_by, Address(0xbbbbbbbbbbULL));
  EXPECT_EQ(r.position(), after_16 + 15);
}

TEST(CertificateOfOwnership, MalformedInput) {
  const Bytes bytes = hex(vec()["hex"]);
  auto parse = [](std::span<const std::uint8_t> b) { return CertificateOfOwnership::parse(b); };
  auto write = [](ByteWriter& w, const CertificateOfOwnership& c) { c.write(w); };
  test::expect_every_truncation_fails(parse, bytes);
  test::run_garbage(parse, write);
  test::run_mutations(parse, write, bytes);
}

}  // namespace
}  // namespace zt
