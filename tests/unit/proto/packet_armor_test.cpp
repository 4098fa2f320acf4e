// Armor, dearmor and cryptField against upstream's packet vectors (vl1.md §8).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "crypto/poly1305.hpp"
#include "crypto/salsa20.hpp"
#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/peer_key.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

SymmetricKey to_key(const Bytes& b) {
  SymmetricKey k{};
  EXPECT_EQ(b.size(), k.size());
  std::memcpy(k.data(), b.data(), std::min(b.size(), k.size()));
  return k;
}

SymmetricKey key_ab() {
  return to_key(hex(test::vl1()["key_agreement"]["symmetric_key_48_hex"]));
}

// The A<->R key, as carried by the vectors that give it.
SymmetricKey key_ar() {
  for (const auto& v : test::vl1()["packets"])
    if (v.contains("key_A_R_hex")) return to_key(hex(v["key_A_R_hex"]));
  ADD_FAILURE() << "no vector carries key_A_R_hex";
  return {};
}

// The key a packet vector was made with: only some A<->R vectors carry
// key_A_R_hex, so tell them by R's address in the header.
SymmetricKey key_for(const nlohmann::json& v) {
  if (v.contains("key_A_R_hex")) return to_key(hex(v["key_A_R_hex"]));
  const Bytes p = hex(v["plaintext_hex"]);
  const std::string r = test::vl1()["identities"][2]["address"];
  if (to_hex({p.data() + kDestinationOffset, 5}) == r || to_hex({p.data() + kSourceOffset, 5}) == r)
    return key_ar();
  return key_ab();
}

Identity identity(int index) {
  auto id =
      Identity::from_string(test::vl1()["identities"][index]["secret_string"].get<std::string>());
  EXPECT_TRUE(id.has_value());
  return id.value_or(Identity());
}

std::string str(const nlohmann::json& j) { return j.get<std::string>(); }

TEST(PacketArmor, VectorKeysAreTheAgreedKeys) {
  const Identity a = identity(0), b = identity(1), r = identity(2);
  EXPECT_EQ(a.agree(b), key_ab());
  EXPECT_EQ(a.agree(r), key_ar());
  int ar_vectors = 0;
  for (const auto& v : test::vl1()["packets"]) ar_vectors += key_for(v) == key_ar() ? 1 : 0;
  EXPECT_EQ(ar_vectors, 3);  // WHOIS, OK(WHOIS), RENDEZVOUS
}

TEST(PacketArmor, ArmorReproducesEveryVector) {
  int checked = 0;
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    const PeerKey key(key_for(v));
    Bytes packet = hex(v["plaintext_hex"]);
    ASSERT_GE(packet.size(), kMinPacketLength);
    EXPECT_EQ(to_hex({packet.data(), 8}), str(v["original_packet_id_hex"]));
    armor(packet, key, static_cast<CipherSuite>(v["cipher_suite"].get<int>()));
    EXPECT_EQ(to_hex(packet), str(v["armored_hex"]));
    EXPECT_EQ(to_hex({packet.data(), 8}), str(v["wire_packet_id_hex"]));
    EXPECT_EQ(to_hex({packet.data() + kFlagsOffset, 1}), str(v["flags_byte_hex"]));
    EXPECT_EQ(to_hex({packet.data() + kMacOffset, 8}), str(v["mac_field_hex"]));
    ++checked;
  }
  EXPECT_EQ(checked, 12);
}

TEST(PacketArmor, DearmorRecoversEveryPlaintext) {
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    const PeerKey key(key_for(v));
    Bytes packet = hex(v["armored_hex"]);
    const Bytes plain = hex(v["plaintext_hex"]);
    ASSERT_TRUE(v["dearmor_ok"].get<bool>());
    ASSERT_TRUE(dearmor(packet, key));
    EXPECT_EQ(to_hex(packet), str(v["dearmored_hex"]));
    ASSERT_EQ(packet.size(), plain.size());
    EXPECT_TRUE(
        std::equal(packet.begin() + kVerbOffset, packet.end(), plain.begin() + kVerbOffset));
  }
}

TEST(PacketArmor, TamperedLastByteIsRejected) {
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    const PeerKey key(key_for(v));
    Bytes packet = hex(v["armored_hex"]);
    packet.back() ^= 0x01;
    EXPECT_EQ(dearmor(packet, key), v["dearmor_after_flipping_last_byte"].get<bool>());
    EXPECT_FALSE(dearmor(packet, key));
  }
}

TEST(PacketArmor, HopsChangedByRelaysStillVerify) {
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    const PeerKey key(key_for(v));
    Bytes packet = hex(v["armored_hex"]);
    packet[kFlagsOffset] = static_cast<std::uint8_t>((packet[kFlagsOffset] & 0xf8) | 2);
    EXPECT_EQ(dearmor(packet, key), v["dearmor_with_hops_2"].get<bool>());
    const Bytes plain = hex(v["plaintext_hex"]);
    EXPECT_TRUE(
        std::equal(packet.begin() + kVerbOffset, packet.end(), plain.begin() + kVerbOffset));
  }
}

TEST(PacketArmor, HeaderTamperingIsRejected) {
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    const PeerKey key(key_for(v));
    for (std::size_t at : {std::size_t{0}, std::size_t{7}, kDestinationOffset, kSourceOffset + 4,
                           kMacOffset, kMacOffset + 7}) {
      Bytes packet = hex(v["armored_hex"]);
      packet[at] ^= 0x40;
      EXPECT_FALSE(dearmor(packet, key)) << "byte " << at;
    }
    Bytes packet = hex(v["armored_hex"]);
    packet[kFlagsOffset] ^= kFlagFragmented;  // authenticated flag
    EXPECT_FALSE(dearmor(packet, key));
  }
}

TEST(PacketArmor, WrongKeyIsRejectedAndLeavesThePacketForTheRightOne) {
  SymmetricKey other = key_ab();
  other[5] ^= 1;
  const PeerKey wrong(other);
  for (const auto& v : test::vl1()["packets"]) {
    SCOPED_TRACE(str(v["name"]));
    Bytes packet = hex(v["armored_hex"]);
    EXPECT_FALSE(dearmor(packet, wrong));
    EXPECT_EQ(to_hex(packet), str(v["armored_hex"]));
    EXPECT_TRUE(dearmor(packet, PeerKey(key_for(v))));
  }
}

// The intermediates of §8.1, recomputed from the primitives: the armored
// packet's MAC must be Poly1305 under the vector's Poly1305 key, which must
// come from the vector's mangled key.
TEST(PacketArmor, SalsaPolyIntermediatesMatchVectors) {
  int checked = 0;
  for (const auto& v : test::vl1()["packets"]) {
    if (!v.contains("debug_mangled_key_hex")) continue;
    SCOPED_TRACE(str(v["name"]));
    const SymmetricKey key = key_for(v);
    const Bytes packet = hex(v["armored_hex"]);
    std::uint8_t mangled[32];
    for (int i = 0; i < 18; ++i) mangled[i] = key[i] ^ packet[i];
    mangled[18] = key[18] ^ (packet[18] & 0xf8);
    mangled[19] = key[19] ^ static_cast<std::uint8_t>(packet.size());
    mangled[20] = key[20] ^ static_cast<std::uint8_t>(packet.size() >> 8);
    std::memcpy(mangled + 21, key.data() + 21, 11);
    EXPECT_EQ(to_hex(mangled), str(v["debug_mangled_key_hex"]));
    std::uint8_t block0[64];
    crypto::salsa2012_keystream(block0, sizeof block0, mangled, packet.data());
    EXPECT_EQ(to_hex({block0, 32}), str(v["debug_poly1305_key_hex"]));
    std::uint8_t tag[16];
    crypto::poly1305(tag, packet.data() + 27, packet.size() - 27, block0);
    EXPECT_EQ(to_hex({tag, 8}), str(v["mac_field_hex"]));
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

TEST(PacketArmor, HelloCryptFieldMatchesVector) {
  const auto& v = test::vl1()["packets"][0];
  ASSERT_EQ(str(v["name"]), "HELLO A->B");
  const SymmetricKey key = key_ab();
  Bytes before = hex(v["hello_before_cryptField_hex"]);
  const Bytes plain = hex(v["plaintext_hex"]);
  const std::size_t start = v["cryptField_start_offset"].get<std::size_t>();
  ASSERT_LT(start, before.size());
  EXPECT_NE(before, plain);
  ASSERT_TRUE(crypt_field(before, key, start, before.size() - start));
  EXPECT_EQ(to_hex(before), str(v["plaintext_hex"]));
  ASSERT_TRUE(crypt_field(before, key, start, before.size() - start));
  EXPECT_EQ(to_hex(before), str(v["hello_before_cryptField_hex"]));
}

TEST(PacketArmor, CryptFieldRefusesRangesOutsideThePacket) {
  Bytes packet(40, 0x5a);
  const Bytes original = packet;
  EXPECT_FALSE(crypt_field(packet, key_ab(), 41, 0));
  EXPECT_FALSE(crypt_field(packet, key_ab(), 30, 11));
  EXPECT_FALSE(crypt_field(packet, key_ab(), 1, SIZE_MAX));
  EXPECT_EQ(packet, original);
  EXPECT_TRUE(crypt_field(packet, key_ab(), 40, 0));
  EXPECT_EQ(packet, original);
}

TEST(PacketArmor, RoundTripOfEverySuiteAndSize) {
  const PeerKey key(key_ab());
  for (CipherSuite suite : {CipherSuite::kPoly1305None, CipherSuite::kPoly1305Salsa2012,
                            CipherSuite::kAesGmacSiv}) {
    for (std::size_t payload : std::initializer_list<std::size_t>{0, 1, 36, 37, 100, 1404, 5000,
                                                                  kMaxPacketLength - 28}) {
      SCOPED_TRACE(testing::Message() << "suite " << int(suite) << " payload " << payload);
      Packet p(0x0102030405060708ULL, Address(0x1122334455), Address(0x2233445566), Verb::kFrame);
      for (std::size_t i = 0; i < payload; ++i) {
        ASSERT_TRUE(p.append_u8(static_cast<std::uint8_t>(i)));
      }
      p.set_hops(5);  // armor must clear it
      const Packet plain = p;
      armor(p.bytes(), key, suite);
      EXPECT_EQ(p.cipher(), suite);
      EXPECT_EQ(p.hops(), 0);
      EXPECT_EQ((p.flags() & kFlagEncryptedDeprecated) != 0,
                suite == CipherSuite::kPoly1305Salsa2012);
      if (suite == CipherSuite::kPoly1305Salsa2012 && payload > 8) {
        EXPECT_FALSE(std::equal(p.payload().begin(), p.payload().end(), plain.payload().begin()));
      }
      ASSERT_TRUE(dearmor(p.bytes(), key));
      EXPECT_EQ(p.verb(), Verb::kFrame);
      EXPECT_TRUE(std::equal(p.payload().begin(), p.payload().end(), plain.payload().begin(),
                             plain.payload().end()));
    }
  }
}

TEST(PacketArmor, TrustedPathAndInvalidSuitesAreNotDearmored) {
  const PeerKey key(key_ab());
  Packet p(1, Address(0x1122334455), Address(0x2233445566), Verb::kEcho);
  p.append_u32(0xdeadbeef);
  armor_trusted_path(p.bytes(), 0x0123456789abcdefULL);
  EXPECT_EQ(p.cipher(), CipherSuite::kTrustedPath);
  EXPECT_EQ(p.mac(), 0x0123456789abcdefULL);
  EXPECT_EQ(p.flags() & kFlagEncryptedDeprecated, 0);
  EXPECT_FALSE(dearmor(p.bytes(), key));

  // Armoring with suite 2 through armor() is a no-op.
  Packet q = p;
  armor(q.bytes(), key, CipherSuite::kTrustedPath);
  EXPECT_TRUE(std::equal(q.bytes().begin(), q.bytes().end(), p.bytes().begin()));

  for (unsigned suite = 4; suite < 8; ++suite) {
    Packet r(1, Address(0x1122334455), Address(0x2233445566), Verb::kEcho);
    armor(r.bytes(), key, CipherSuite::kPoly1305None);
    r.set_cipher(static_cast<CipherSuite>(suite));
    EXPECT_FALSE(dearmor(r.bytes(), key)) << suite;
  }
}

TEST(PacketArmor, ShortAndOversizedInputsAreRejected) {
  const PeerKey key(key_ab());
  Bytes tiny(kMinPacketLength - 1, 0);
  const Bytes tiny_copy = tiny;
  armor(tiny, key, CipherSuite::kPoly1305Salsa2012);
  EXPECT_EQ(tiny, tiny_copy);
  EXPECT_FALSE(dearmor(tiny, key));
  EXPECT_FALSE(dearmor(std::span<std::uint8_t>(), key));
  Bytes huge(kMaxPacketLength + 1, 0);
  EXPECT_FALSE(dearmor(huge, key));
}

}  // namespace
}  // namespace zt
