// Capabilities against upstream's vl2 vector: rules kept as encoded, the
// chain of custody, malformed input.
#include "proto/credentials/capability.hpp"

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::credential_vectors()["capability"]; }

// MATCH_IP_PROTOCOL 17 (UDP), ACTION_ACCEPT.
const Bytes kUdpAccept = {0x24, 0x01, 0x11, 0x01, 0x00};

Capability vector_capability() {
  Capability cap;
  cap.network_id = test::kVectorNwid;
  cap.timestamp = test::kVectorTs;
  cap.id = 7;
  EXPECT_TRUE(cap.set_rules(kUdpAccept));
  cap.max_custody_chain_length = 1;
  return cap;
}

TEST(Capability, SignedByControllerMatchesUpstream) {
  const Identity controller = test::vl2_identity("controller");
  const Identity member = test::vl2_identity("memberA");
  Capability cap = vector_capability();
  EXPECT_EQ(cap.rule_count, 2);
  EXPECT_EQ(to_hex(cap.signing_message()), vec()["signed_message_hex"].get<std::string>());
  ASSERT_TRUE(cap.sign(controller, member.address()));
  EXPECT_EQ(to_hex(cap.serialize()), vec()["hex"].get<std::string>());
  EXPECT_EQ(cap.issued_to(), member.address());
  EXPECT_TRUE(cap.verify(controller.public_only()));
  // The chain of one is full.
  EXPECT_FALSE(cap.sign(member, test::vl2_identity("memberB").address()));
}

TEST(Capability, ParseVerifyAndTamper) {
  const Identity controller = test::vl2_identity("controller");
  const Bytes bytes = hex(vec()["hex"]);
  auto cap = Capability::parse(bytes);
  ASSERT_TRUE(cap);
  EXPECT_EQ(cap->id, 7u);
  EXPECT_EQ(cap->rule_count, 2);
  EXPECT_EQ(cap->rules, kUdpAccept);
  ASSERT_EQ(cap->custody.size(), 1u);
  EXPECT_EQ(cap->custody[0].from, controller.address());
  EXPECT_EQ(cap->serialize(), bytes);
  EXPECT_TRUE(cap->verify(controller));
  EXPECT_FALSE(cap->verify(test::vl2_identity("memberA")));
  Capability changed = *cap;
  changed.rules[2] = 0x06;  // TCP instead of UDP
  EXPECT_FALSE(changed.verify(controller));
}

TEST(Capability, LongerChainOfCustody) {
  const Identity controller = test::vl2_identity("controller");
  const Identity a = test::vl2_identity("memberA");
  const Identity b = test::vl2_identity("memberB");
  Capability cap = vector_capability();
  cap.max_custody_chain_length = 3;
  ASSERT_TRUE(cap.sign(controller, a.address()));
  ASSERT_TRUE(cap.sign(a, b.address()));
  EXPECT_EQ(cap.issued_to(), b.address());
  const Identity holders[] = {a.public_only()};
  EXPECT_TRUE(cap.verify(controller, holders));
  EXPECT_FALSE(cap.verify(controller));  // a's identity unknown
  auto back = Capability::parse(cap.serialize());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, cap);
  EXPECT_TRUE(back->verify(controller, holders));
  // A hop not from the previous holder breaks the chain.
  Capability broken = vector_capability();
  broken.max_custody_chain_length = 3;
  ASSERT_TRUE(broken.sign(controller, a.address()));
  ASSERT_TRUE(broken.sign(b, b.address()));
  const Identity both[] = {a.public_only(), b.public_only()};
  EXPECT_FALSE(broken.verify(controller, both));
  // The first entry must come from the controller.
  Capability not_controller = vector_capability();
  ASSERT_TRUE(not_controller.sign(a, b.address()));
  EXPECT_FALSE(not_controller.verify(a, both));
  EXPECT_FALSE(vector_capability().verify(controller));  // no custody at all
}

TEST(Capability, RulesAreCountedBySkipping) {
  EXPECT_EQ(count_encoded_rules({}), 0u);
  EXPECT_EQ(count_encoded_rules(kUdpAccept), 2u);
  const Bytes unknown_type = {0x3f, 0x03, 1, 2, 3, 0x01, 0x00};
  EXPECT_EQ(count_encoded_rules(unknown_type), 2u);
  const Bytes cut = {0x24, 0x02, 0x11};
  EXPECT_FALSE(count_encoded_rules(cut));
  EXPECT_FALSE(count_encoded_rules(Bytes{0x01}));
  Capability cap;
  EXPECT_FALSE(cap.set_rules(cut));
  Bytes too_many;
  for (int i = 0; i < 65; ++i) too_many.insert(too_many.end(), {0x01, 0x00});
  EXPECT_FALSE(cap.set_rules(too_many));
  too_many.resize(128);
  EXPECT_TRUE(cap.set_rules(too_many));
  EXPECT_EQ(cap.rule_count, 64);
}

TEST(Capability, MalformedInput) {
  const Bytes bytes = hex(vec()["hex"]);
  auto parse = [](std::span<const std::uint8_t> b) { return Capability::parse(b); };
  auto write = [](ByteWriter& w, const Capability& c) { c.write(w); };
  test::expect_every_truncation_fails(parse, bytes);
  // Layout: nwid ts id (20) | count (2) | 5 rule bytes | mccl at 27.
  Bytes over_64 = bytes;
  over_64[21] = 65;
  EXPECT_FALSE(Capability::parse(over_64));
  for (std::uint8_t mccl : {0, 8}) {
    Bytes bad = bytes;
    bad[27] = mccl;
    EXPECT_FALSE(Capability::parse(bad)) << int(mccl);
  }
  // A rule count larger than the rules present runs into the chain bytes.
  Bytes more_rules = bytes;
  more_rules[21] = 3;
  auto misread = Capability::parse(more_rules);
  EXPECT_FALSE(misread.has_value() && misread->serialize() == bytes);
  // Two custody entries where the chain length allows one.
  const Identity controller = test::vl2_identity("controller");
  Capability two = vector_capability();
  two.max_custody_chain_length = 2;
  ASSERT_TRUE(two.sign(controller, test::vl2_identity("memberA").address()));
  ASSERT_TRUE(two.sign(test::vl2_identity("memberA"), test::vl2_identity("memberB").address()));
  Bytes two_bytes = two.serialize();
  ASSERT_TRUE(Capability::parse(two_bytes));
  two_bytes[27] = 1;
  EXPECT_FALSE(Capability::parse(two_bytes));
  test::run_garbage(parse, write);
  test::run_mutations(parse, write, bytes);
}

}  // namespace
}  // namespace zt
