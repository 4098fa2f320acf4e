// The Packet buffer: header accessors against a vector's bytes, bounds and builders.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

#include "proto/packet.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

TEST(Packet, HeaderAccessorsReadAVector) {
  // OK(HELLO) B->A, suite 1, as it arrives on the wire.
  const auto& v = test::vl1()["packets"][1];
  const Bytes wire = hex(v["armored_hex"]);
  auto p = Packet::from_bytes(wire);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->size(), wire.size());
  EXPECT_EQ(p->packet_id(), 0x8877665544332211ULL);
  EXPECT_EQ(p->destination().to_string(),
            test::vl1()["identities"][0]["address"].get<std::string>());
  EXPECT_EQ(p->source().to_string(), test::vl1()["identities"][1]["address"].get<std::string>());
  EXPECT_EQ(p->flags(), 0x88);
  EXPECT_EQ(p->cipher(), CipherSuite::kPoly1305Salsa2012);
  EXPECT_EQ(p->hops(), 0);
  EXPECT_FALSE(p->fragmented());
  EXPECT_EQ(to_hex({wire.data() + 19, 8}), v["mac_field_hex"].get<std::string>());
  EXPECT_EQ(p->mac(), 0x0132237eb0040589ULL);
  EXPECT_EQ(p->payload().size(), wire.size() - 28);
  EXPECT_EQ(p->payload().data(), p->bytes().data() + 28);
}

TEST(Packet, DecodesVerbAndCompressedBit) {
  const Bytes compressed = hex(test::vl1()["lz4"]["compressed_plaintext_hex"]);
  auto p = Packet::from_bytes(compressed);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->verb(), Verb::kFrame);
  EXPECT_TRUE(p->compressed());
  p->set_compressed(false);
  EXPECT_EQ(p->bytes()[27], 0x06);
  p->set_verb(Verb::kMulticastFrame);
  p->set_compressed(true);
  EXPECT_EQ(p->bytes()[27], 0x8e);
  EXPECT_EQ(p->verb(), Verb::kMulticastFrame);
}

TEST(Packet, FromBytesEnforcesSizeBounds) {
  EXPECT_FALSE(Packet::from_bytes({}).has_value());
  Bytes b(kMinPacketLength - 1, 0);
  EXPECT_FALSE(Packet::from_bytes(b).has_value());
  b.push_back(0);
  EXPECT_TRUE(Packet::from_bytes(b).has_value());
  b.assign(kMaxPacketLength, 0xab);
  ASSERT_TRUE(Packet::from_bytes(b).has_value());
  EXPECT_EQ(Packet::from_bytes(b)->payload().size(), kMaxPacketLength - 28);
  b.push_back(0);
  EXPECT_FALSE(Packet::from_bytes(b).has_value());
}

TEST(Packet, BuildsHeaderAndPayload) {
  Packet p(0x0102030405060708ULL, Address(0xaabbccddee), Address(0x1122334455), Verb::kWhois);
  EXPECT_EQ(p.size(), kMinPacketLength);
  EXPECT_TRUE(p.append_address(Address(0x0102030405)));
  EXPECT_TRUE(p.append_u8(0x99));
  EXPECT_TRUE(p.append_u16(0x1234));
  EXPECT_TRUE(p.append_u32(0x56789abc));
  EXPECT_TRUE(p.append_u64(0x0011223344556677ULL));
  const std::uint8_t raw[] = {0xde, 0xad};
  EXPECT_TRUE(p.append_bytes(raw));
  EXPECT_EQ(to_hex(p.bytes()),
            "0102030405060708aabbccddee1122334455000000000000000000040102030405991234"
            "56789abc0011223344556677dead");
}

TEST(Packet, FlagSettersTouchOnlyTheirBits) {
  Packet p;
  p.set_flags(0xff);
  p.set_hops(2);
  EXPECT_EQ(p.flags(), 0xfa);
  p.set_hops(9);  // wraps into 3 bits
  EXPECT_EQ(p.hops(), 1);
  p.set_cipher(CipherSuite::kPoly1305None);
  EXPECT_EQ(p.flags(), 0xc1);
  p.set_cipher(CipherSuite::kAesGmacSiv);
  EXPECT_EQ(p.cipher(), CipherSuite::kAesGmacSiv);
  EXPECT_EQ(p.flags(), 0xd9);
  p.set_fragmented(false);
  EXPECT_EQ(p.flags(), 0x99);
  EXPECT_FALSE(p.fragmented());
  p.set_fragmented(true);
  EXPECT_TRUE(p.fragmented());
  p.set_mac(0x0102030405060708ULL);
  EXPECT_EQ(to_hex({p.bytes().data() + 19, 8}), "0102030405060708");
}

TEST(Packet, AppendStopsAtCapacity) {
  Packet p(1, Address(1), Address(2), Verb::kFrame);
  Bytes fill(kMaxPacketLength - kMinPacketLength - 3, 0x11);
  ASSERT_TRUE(p.append_bytes(fill));
  EXPECT_FALSE(p.append_u32(1));
  EXPECT_EQ(p.size(), kMaxPacketLength - 3);
  EXPECT_TRUE(p.append_u16(1));
  EXPECT_FALSE(p.append_u16(1));
  EXPECT_FALSE(p.append_address(Address(1)));
  EXPECT_TRUE(p.append_u8(1));
  EXPECT_EQ(p.size(), kMaxPacketLength);
  EXPECT_FALSE(p.append_u8(1));
  const std::uint8_t one[] = {1};
  EXPECT_FALSE(p.append_bytes(one));
  EXPECT_TRUE(p.append_bytes({}));
}

TEST(Packet, SetSizeKeepsTheInvariant) {
  Packet p;
  EXPECT_FALSE(p.set_size(kMinPacketLength - 1));
  EXPECT_FALSE(p.set_size(kMaxPacketLength + 1));
  EXPECT_TRUE(p.set_size(kMaxPacketLength));
  EXPECT_TRUE(p.set_size(kMinPacketLength));
  EXPECT_EQ(p.payload().size(), 0u);
}

TEST(Packet, CopiesAreIndependent) {
  Packet a(7, Address(1), Address(2), Verb::kEcho);
  a.append_u32(0xcafebabe);
  Packet b = a;
  b.payload()[0] = 0;
  EXPECT_EQ(a.payload()[0], 0xca);
  a = b;
  EXPECT_EQ(a.payload()[0], 0);
  EXPECT_EQ(a.size(), b.size());
}

TEST(Packet, VerbNames) {
  EXPECT_STREQ(verb_name(Verb::kHello), "HELLO");
  EXPECT_STREQ(verb_name(Verb::kOk), "OK");
  EXPECT_STREQ(verb_name(Verb::kPushDirectPaths), "PUSH_DIRECT_PATHS");
  EXPECT_STREQ(verb_name(Verb::kPathNegotiationRequest), "PATH_NEGOTIATION_REQUEST");
  EXPECT_STREQ(verb_name(static_cast<Verb>(0x0f)), "UNKNOWN");
  EXPECT_STREQ(verb_name(static_cast<Verb>(0x11)), "UNKNOWN");
  EXPECT_STREQ(verb_name(static_cast<Verb>(0x1f)), "UNKNOWN");
}

}  // namespace
}  // namespace zt
