// Revocations against upstream's vl2 vector.
#include "proto/credentials/revocation.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::credential_vectors()["revocation"]; }

TEST(Revocation, SignedByControllerMatchesUpstream) {
  const Identity controller = test::vl2_identity("controller");
  Revocation rev;
  rev.id = 0x11223344;
  rev.network_id = test::kVectorNwid;
  rev.credential_id = 0;
  rev.threshold = test::kVectorTs;
  rev.flags = Revocation::kFlagFastPropagate;
  rev.target = test::vl2_identity("memberB").address();
  rev.credential_type = CredentialType::kCom;
  ASSERT_TRUE(rev.sign(controller));
  EXPECT_EQ(to_hex(rev.signing_message()), vec()["signed_message_hex"].get<std::string>());
  EXPECT_EQ(to_hex(rev.serialize()), vec()["hex"].get<std::string>());
  EXPECT_TRUE(rev.verify(controller.public_only()));
}

TEST(Revocation, ParseVerifyAndTamper) {
  const Identity controller = test::vl2_identity("controller");
  const Bytes bytes = hex(vec()["hex"]);
  auto rev = Revocation::parse(bytes);
  ASSERT_TRUE(rev);
  EXPECT_EQ(rev->id, 0x11223344u);
  EXPECT_EQ(rev->network_id, test::kVectorNwid);
  EXPECT_EQ(rev->threshold, test::kVectorTs);
  EXPECT_TRUE(rev->fast_propagate());
  EXPECT_EQ(rev->credential_type, CredentialType::kCom);
  EXPECT_EQ(rev->target, test::vl2_identity("memberB").address());
  EXPECT_EQ(rev->serialize(), bytes);
  EXPECT_TRUE(rev->verify(controller));
  Revocation changed = *rev;
  changed.threshold += 1;
  EXPECT_FALSE(changed.verify(controller));
  EXPECT_FALSE(rev->verify(test::vl2_identity("memberB")));
  // The unused words are ignored on read and written as zero.
  Bytes unused = bytes;
  unused[0] = 0xab;
  auto read_back = Revocation::parse(unused);
  ASSERT_TRUE(read_back);
  EXPECT_EQ(read_back->serialize(), bytes);
}

TEST(Revocation, MalformedInput) {
  const Bytes bytes = hex(vec()["hex"]);
  auto parse = [](std::span<const std::uint8_t> b) { return Revocation::parse(b); };
  auto write = [](ByteWriter& w, const Revocation& v) { v.write(w); };
  test::expect_every_truncation_fails(parse, bytes);
  Bytes wrong_len = bytes;
  wrong_len[52] = 0x00;
  wrong_len[53] = 0x40;  // 64-byte type-1 signature
  EXPECT_FALSE(Revocation::parse(wrong_len));
  test::run_garbage(parse, write);
  test::run_mutations(parse, write, bytes);
}

}  // namespace
}  // namespace zt
