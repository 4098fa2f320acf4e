// NETWORK_CREDENTIALS payloads against upstream's vl2 vectors.
#include "proto/credentials/network_credentials.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

Bytes written(const NetworkCredentials& c) { return test::written(write_network_credentials, c); }

TEST(NetworkCredentials, FullPayloadFromUpstream) {
  const auto& v = test::credential_vectors();
  const Bytes payload = hex(v["network_credentials_payload_hex"]);
  auto creds = parse_network_credentials(payload);
  ASSERT_TRUE(creds);
  ASSERT_EQ(creds->coms.size(), 1u);
  ASSERT_EQ(creds->capabilities.size(), 1u);
  ASSERT_EQ(creds->tags.size(), 1u);
  EXPECT_EQ(creds->revocations.size(), 0u);
  ASSERT_EQ(creds->coos.size(), 1u);
  EXPECT_EQ(to_hex(creds->coms[0].serialize()),
            test::vl2()["certificate_of_membership"]["comA_hex"].get<std::string>());
  EXPECT_EQ(to_hex(creds->capabilities[0].serialize()), v["capability"]["hex"].get<std::string>());
  EXPECT_EQ(to_hex(creds->tags[0].serialize()), v["tag"]["hex"].get<std::string>());
  EXPECT_EQ(to_hex(creds->coos[0].serialize()), v["coo"]["hex"].get<std::string>());
  EXPECT_EQ(to_hex(written(*creds)), to_hex(payload));
  const Identity controller = test::vl2_identity("controller");
  EXPECT_TRUE(creds->coms[0].verify(controller));
  EXPECT_TRUE(creds->capabilities[0].verify(controller));
  EXPECT_TRUE(creds->tags[0].verify(controller));
  EXPECT_TRUE(creds->coos[0].verify(controller));
}

TEST(NetworkCredentials, ComOnlyPayloadFromUpstream) {
  const Bytes payload = hex(test::credential_vectors()["network_credentials_com_only_payload_hex"]);
  auto creds = parse_network_credentials(payload);
  ASSERT_TRUE(creds);
  EXPECT_EQ(creds->coms.size(), 1u);
  EXPECT_TRUE(creds->capabilities.empty() && creds->tags.empty() && creds->revocations.empty() &&
              creds->coos.empty());
  EXPECT_EQ(to_hex(written(*creds)), to_hex(payload));
}

TEST(NetworkCredentials, OlderSendersStopEarly) {
  const Bytes com = hex(test::vl2()["certificate_of_membership"]["comA_hex"]);
  // COMs without the terminator, with it, and with only some sections.
  Bytes just_com = com;
  Bytes terminated = com;
  terminated.push_back(0);
  Bytes caps_only = terminated;
  caps_only.insert(caps_only.end(), {0, 0});
  for (const Bytes* p : {&just_com, &terminated, &caps_only}) {
    auto creds = parse_network_credentials(*p);
    ASSERT_TRUE(creds);
    EXPECT_EQ(creds->coms.size(), 1u);
  }
  EXPECT_TRUE(parse_network_credentials({}));
  // Revocations present; trailing bytes after the COO list are ignored.
  Revocation rev;
  rev.network_id = test::kVectorNwid;
  rev.id = 9;
  ASSERT_TRUE(rev.sign(test::vl2_identity("controller")));
  NetworkCredentials two_coms;
  two_coms.coms = {*CertificateOfMembership::parse(com), *CertificateOfMembership::parse(com)};
  two_coms.revocations = {rev};
  Bytes bytes = written(two_coms);
  bytes.push_back(0x99);
  auto back = parse_network_credentials(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, two_coms);
}

TEST(NetworkCredentials, MalformedInput) {
  const Bytes payload = hex(test::credential_vectors()["network_credentials_payload_hex"]);
  // A cut inside a credential or a count fails; a cut at a section boundary
  // is an older sender's shorter payload.
  std::vector<std::size_t> accepted;
  for (std::size_t n = 0; n < payload.size(); ++n)
    if (parse_network_credentials(std::span(payload).first(n))) accepted.push_back(n);
  // Nothing; the COM; +terminator; +1 capability (144); +1 tag (135); +0 revocations.
  const std::vector<std::size_t> boundaries = {0, 272, 273, 419, 556, 558};
  EXPECT_EQ(accepted, boundaries);
  Bytes bad_com = payload;
  bad_com[0] = 0x02;
  EXPECT_FALSE(parse_network_credentials(bad_com));
  auto parse = [](std::span<const std::uint8_t> b) { return parse_network_credentials(b); };
  test::run_garbage(parse, write_network_credentials);
  test::run_mutations(parse, write_network_credentials, payload);
}

}  // namespace
}  // namespace zt
