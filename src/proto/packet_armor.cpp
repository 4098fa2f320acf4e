#include "proto/packet_armor.hpp"

#include <cstring>

#include "crypto/constant_time.hpp"
#include "crypto/poly1305.hpp"
#include "crypto/salsa20.hpp"
#include "proto/byte_io.hpp"

namespace zt {
namespace {

constexpr std::uint8_t kHeaderMask = static_cast<std::uint8_t>(~kFlagHopsMask);

// Salsa20/12 key for one packet: the peer key mixed with the header (hops
// masked) and the packet size, so every packet gets its own keystream.
void mangle_key(std::uint8_t out[crypto::kSalsaKeySize], const SymmetricKey& key,
                std::span<const std::uint8_t> packet) {
  for (std::size_t i = 0; i < kFlagsOffset; ++i) out[i] = key[i] ^ packet[i];
  out[kFlagsOffset] = key[kFlagsOffset] ^ (packet[kFlagsOffset] & kHeaderMask);
  out[19] = key[19] ^ static_cast<std::uint8_t>(packet.size());
  out[20] = key[20] ^ static_cast<std::uint8_t>(packet.size() >> 8);
  std::memcpy(out + 21, key.data() + 21, crypto::kSalsaKeySize - 21);
}

// Keystream block 0 gives the Poly1305 key (its second half is unused); the
// envelope is encrypted from block 1 on.
void poly1305_key(std::uint8_t poly_key[crypto::kSalsaBlockSize],
                  const std::uint8_t mangled[crypto::kSalsaKeySize],
                  std::span<const std::uint8_t> packet) {
  crypto::salsa2012_keystream(poly_key, crypto::kSalsaBlockSize, mangled,
                              packet.data() + kPacketIdOffset, 0);
}

void envelope_xor(std::span<std::uint8_t> packet,
                  const std::uint8_t mangled[crypto::kSalsaKeySize]) {
  std::uint8_t* env = packet.data() + kVerbOffset;
  crypto::salsa2012_xor(env, env, packet.size() - kVerbOffset, mangled,
                        packet.data() + kPacketIdOffset, 1);
}

void envelope_mac(std::uint8_t tag[crypto::kPoly1305TagSize], std::span<const std::uint8_t> packet,
                  const std::uint8_t poly_key[crypto::kPoly1305KeySize]) {
  crypto::poly1305(tag, packet.data() + kVerbOffset, packet.size() - kVerbOffset, poly_key);
}

void set_suite_bits(std::span<std::uint8_t> packet, CipherSuite suite) {
  std::uint8_t f = packet[kFlagsOffset];
  f &= static_cast<std::uint8_t>(~(kFlagCipherMask | kFlagHopsMask | kFlagEncryptedDeprecated));
  f |= static_cast<std::uint8_t>(static_cast<unsigned>(suite) << kFlagCipherShift);
  if (suite == CipherSuite::kPoly1305Salsa2012) f |= kFlagEncryptedDeprecated;
  packet[kFlagsOffset] = f;
}

void armor_salsa_poly(std::span<std::uint8_t> packet, const SymmetricKey& key, bool encrypt) {
  std::uint8_t mangled[crypto::kSalsaKeySize];
  std::uint8_t poly_key[crypto::kSalsaBlockSize];
  mangle_key(mangled, key, packet);
  poly1305_key(poly_key, mangled, packet);
  if (encrypt) envelope_xor(packet, mangled);
  std::uint8_t tag[crypto::kPoly1305TagSize];
  envelope_mac(tag, packet, poly_key);
  std::memcpy(packet.data() + kMacOffset, tag, kMacLength);
  crypto::secure_zero(mangled, sizeof mangled);
  crypto::secure_zero(poly_key, sizeof poly_key);
}

bool dearmor_salsa_poly(std::span<std::uint8_t> packet, const SymmetricKey& key, bool decrypt) {
  std::uint8_t mangled[crypto::kSalsaKeySize];
  std::uint8_t poly_key[crypto::kSalsaBlockSize];
  mangle_key(mangled, key, packet);
  poly1305_key(poly_key, mangled, packet);
  std::uint8_t tag[crypto::kPoly1305TagSize];
  envelope_mac(tag, packet, poly_key);
  const bool ok = crypto::constant_time_equal(tag, packet.data() + kMacOffset, kMacLength);
  if (ok && decrypt) envelope_xor(packet, mangled);
  crypto::secure_zero(mangled, sizeof mangled);
  crypto::secure_zero(poly_key, sizeof poly_key);
  return ok;
}

// AAD = destination || source || flags (hops masked by the receiver).
void gmac_siv_aad(std::uint8_t aad[crypto::kGmacSivAadSize], std::span<const std::uint8_t> packet,
                  bool mask_hops) {
  std::memcpy(aad, packet.data() + kDestinationOffset, crypto::kGmacSivAadSize);
  if (mask_hops) aad[crypto::kGmacSivAadSize - 1] &= kHeaderMask;
}

void armor_gmac_siv(std::span<std::uint8_t> packet, const PeerKey& key) {
  std::uint8_t aad[crypto::kGmacSivAadSize];
  gmac_siv_aad(aad, packet, false);
  std::uint8_t tag[crypto::kGmacSivTagSize];
  key.aes().encrypt(packet.data() + kPacketIdOffset, aad, packet.data() + kVerbOffset,
                    packet.size() - kVerbOffset, tag);
  std::memcpy(packet.data() + kPacketIdOffset, tag, kPacketIdLength);
  std::memcpy(packet.data() + kMacOffset, tag + kPacketIdLength, kMacLength);
}

bool dearmor_gmac_siv(std::span<std::uint8_t> packet, const PeerKey& key) {
  std::uint8_t aad[crypto::kGmacSivAadSize];
  gmac_siv_aad(aad, packet, true);
  std::uint8_t tag[crypto::kGmacSivTagSize];
  std::memcpy(tag, packet.data() + kPacketIdOffset, kPacketIdLength);
  std::memcpy(tag + kPacketIdLength, packet.data() + kMacOffset, kMacLength);
  std::uint8_t original_id[crypto::kGmacSivNonceSize];
  std::uint8_t* env = packet.data() + kVerbOffset;
  const std::size_t len = packet.size() - kVerbOffset;
  if (key.aes().decrypt(tag, aad, env, len, original_id)) return true;
  // The envelope was decrypted before the check failed. CTR under the same
  // tag is its own inverse, so a second (equally failing) pass restores it.
  key.aes().decrypt(tag, aad, env, len, original_id);
  return false;
}

}  // namespace

void armor(std::span<std::uint8_t> packet, const PeerKey& key, CipherSuite suite) {
  if (packet.size() < kMinPacketLength || packet.size() > kMaxPacketLength) return;
  switch (suite) {
    case CipherSuite::kPoly1305None:
    case CipherSuite::kPoly1305Salsa2012:
      set_suite_bits(packet, suite);
      armor_salsa_poly(packet, key.bytes(), suite == CipherSuite::kPoly1305Salsa2012);
      return;
    case CipherSuite::kAesGmacSiv:
      set_suite_bits(packet, suite);
      armor_gmac_siv(packet, key);
      return;
    case CipherSuite::kTrustedPath:
      return;
  }
}

void armor_trusted_path(std::span<std::uint8_t> packet, std::uint64_t trusted_path_id) {
  if (packet.size() < kMinPacketLength) return;
  set_suite_bits(packet, CipherSuite::kTrustedPath);
  store_be(packet.data() + kMacOffset, trusted_path_id, kMacLength);
}

bool dearmor(std::span<std::uint8_t> packet, const PeerKey& key) {
  if (packet.size() < kMinPacketLength || packet.size() > kMaxPacketLength) return false;
  const unsigned suite = (packet[kFlagsOffset] & kFlagCipherMask) >> kFlagCipherShift;
  switch (static_cast<CipherSuite>(suite)) {
    case CipherSuite::kPoly1305None:
      return dearmor_salsa_poly(packet, key.bytes(), false);
    case CipherSuite::kPoly1305Salsa2012:
      return dearmor_salsa_poly(packet, key.bytes(), true);
    case CipherSuite::kAesGmacSiv:
      return dearmor_gmac_siv(packet, key);
    case CipherSuite::kTrustedPath:
      return false;
  }
  return false;
}

bool crypt_field(std::span<std::uint8_t> packet, const SymmetricKey& key, std::size_t start,
                 std::size_t len) {
  if (packet.size() < kPacketIdLength || start > packet.size() || len > packet.size() - start) {
    return false;
  }
  std::uint8_t iv[crypto::kSalsaIvSize];
  std::memcpy(iv, packet.data() + kPacketIdOffset, sizeof iv);
  iv[7] &= 0xf8;
  crypto::salsa2012_xor(packet.data() + start, packet.data() + start, len, key.data(), iv, 0);
  return true;
}

}  // namespace zt
