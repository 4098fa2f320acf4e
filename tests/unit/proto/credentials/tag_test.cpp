// Tags against upstream's vl2 vector: bytes, signed message, signing and
// verification, malformed input.
#include "proto/credentials/tag.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::credential_vectors()["tag"]; }

TEST(Tag, SignedByControllerMatchesUpstream) {
  const Identity controller = test::vl2_identity("controller");
  Tag tag;
  tag.network_id = test::kVectorNwid;
  tag.timestamp = test::kVectorTs;
  tag.id = 1000;
  tag.value = 42;
  tag.issued_to = test::vl2_identity("memberA").address();
  ASSERT_TRUE(tag.sign(controller));
  EXPECT_EQ(to_hex(tag.signing_message()), vec()["signed_message_hex"].get<std::string>());
  EXPECT_EQ(to_hex(tag.serialize()), vec()["hex"].get<std::string>());
  EXPECT_TRUE(tag.verify(controller.public_only()));
  EXPECT_FALSE(tag.sign(controller.public_only()));
}

TEST(Tag, ParseVerifyAndTamper) {
  const Identity controller = test::vl2_identity("controller");
  const Bytes bytes = hex(vec()["hex"]);
  auto tag = Tag::parse(bytes);
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->network_id, test::kVectorNwid);
  EXPECT_EQ(tag->timestamp, test::kVectorTs);
  EXPECT_EQ(tag->id, 1000u);
  EXPECT_EQ(tag->value, 42u);
  EXPECT_EQ(tag->signed_by, controller.address());
  EXPECT_EQ(tag->serialize(), bytes);
  EXPECT_TRUE(tag->verify(controller));
  EXPECT_FALSE(tag->verify(test::vl2_identity("memberA")));
  Tag changed = *tag;
  changed.value = 43;
  EXPECT_FALSE(changed.verify(controller));
  // Signed by someone other than the network's controller.
  Tag forged = *tag;
  ASSERT_TRUE(forged.sign(test::vl2_identity("memberB")));
  EXPECT_FALSE(forged.verify(test::vl2_identity("memberB")));
  EXPECT_FALSE(forged.verify(controller));
}

TEST(Tag, MalformedInput) {
  const Bytes bytes = hex(vec()["hex"]);
  auto parse = [](std::span<const std::uint8_t> b) { return Tag::parse(b); };
  test::expect_every_truncation_fails(parse, bytes);
  // A type-1 signature must be 96 bytes.
  Bytes short_sig = bytes;
  short_sig[35] = 0x00;
  short_sig[36] = 0x5f;
  EXPECT_FALSE(Tag::parse(short_sig));
  // Another signature type is skipped by its length and leaves no signature.
  Bytes other_type(bytes.begin(), bytes.begin() + 34);
  for (std::uint8_t b : {0x02, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x00, 0x00}) other_type.push_back(b);
  auto skipped = Tag::parse(other_type);
  ASSERT_TRUE(skipped);
  EXPECT_EQ(skipped->signature, Signature{});
  // Additional fields are skipped, and not written back.
  Bytes extra = bytes;
  extra[extra.size() - 1] = 2;
  extra.push_back(0xee);
  extra.push_back(0xff);
  auto with_extra = Tag::parse(extra);
  ASSERT_TRUE(with_extra);
  EXPECT_EQ(with_extra->serialize(), bytes);
  test::run_garbage(parse, [](ByteWriter& w, const Tag& t) { t.write(w); });
  test::run_mutations(
      parse, [](ByteWriter& w, const Tag& t) { t.write(w); }, bytes);
}

}  // namespace
}  // namespace zt
