// Received-packet path: bytes -> Packet -> dearmor with a fixed key ->
// decompress. The first input byte picks a mode: odd values treat the rest
// as plaintext that is armored first, so decompression and the round trip
// are reached past the MAC check.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "proto/peer_key.hpp"

namespace {

const zt::PeerKey& fixed_key() {
  static const zt::PeerKey key([] {
    zt::SymmetricKey k{};
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 37 + 11);
    return k;
  }());
  return key;
}

void check(bool ok) {
  if (!ok) std::abort();
}

void decompress_and_recompress(zt::Packet& p) {
  if (!zt::decompress_payload(p)) return;
  check(!p.compressed());
  check(p.size() >= zt::kMinPacketLength && p.size() <= zt::kMaxPacketLength);
  const zt::Packet plain = p;
  if (zt::compress_payload(p)) {
    check(p.size() < plain.size());
    check(zt::decompress_payload(p));
    check(p.size() == plain.size() && std::memcmp(p.data(), plain.data(), p.size()) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t mode = data[0];
  auto packet = zt::Packet::from_bytes({data + 1, size - 1});
  if (!packet) return 0;
  zt::Packet& p = *packet;

  if ((mode & 1) == 0) {
    if (zt::dearmor(p.bytes(), fixed_key())) decompress_and_recompress(p);
    return 0;
  }

  static const zt::CipherSuite kSuites[] = {zt::CipherSuite::kPoly1305None,
                                            zt::CipherSuite::kPoly1305Salsa2012,
                                            zt::CipherSuite::kAesGmacSiv};
  const zt::CipherSuite suite = kSuites[(mode >> 1) % 3];
  const zt::Packet plain = p;
  zt::armor(p.bytes(), fixed_key(), suite);
  check(p.cipher() == suite && p.hops() == 0);
  if (mode & 0x80) p.set_hops(static_cast<std::uint8_t>(mode >> 4));  // as a relay would
  check(zt::dearmor(p.bytes(), fixed_key()));
  check(std::memcmp(p.data() + zt::kVerbOffset, plain.data() + zt::kVerbOffset,
                    p.size() - zt::kVerbOffset) == 0);
  decompress_and_recompress(p);
  return 0;
}
