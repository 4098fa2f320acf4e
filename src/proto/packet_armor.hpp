#pragma once
// Packet armor (vl1.md §8): authenticating and encrypting an assembled
// packet in place with a peer's key. Works on raw bytes so the same code
// serves a Packet, a reassembly buffer or a datagram; no allocation.
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/peer_key.hpp"

namespace zt {

// Armors `packet` (at least kMinPacketLength bytes, plaintext, header
// complete) with suite 0, 1 or 3: sets the cipher bits and the deprecated
// 0x80 flag, clears the hops (they are authenticated by suite 3), then
// writes the MAC field and encrypts the envelope (bytes 27..). Suite 3 also
// replaces the packet ID (bytes 0..7) with the first half of its tag. Other
// suites and short packets are left untouched.
void armor(std::span<std::uint8_t> packet, const PeerKey& key, CipherSuite suite);

// Marks `packet` as sent over a trusted path (suite 2, §19): no crypto, the
// MAC field carries `trusted_path_id`, hops cleared.
void armor_trusted_path(std::span<std::uint8_t> packet, std::uint64_t trusted_path_id);

// Checks and decrypts `packet` in place according to its cipher bits.
// Suites 0, 1 and 3 are accepted; suite 2 (checked by the engine against its
// trusted-path table) and 4..7 are refused. Hops are ignored so relayed
// packets verify. On false the packet is unchanged, so another key may be tried.
bool dearmor(std::span<std::uint8_t> packet, const PeerKey& key);

// HELLO's cryptField (§8.2): XORs packet[start, start+len) with Salsa20/12
// under the unmangled key and the packet ID (low 3 bits cleared) as IV.
// It is its own inverse. False (nothing changed) when the range is not
// inside the packet.
bool crypt_field(std::span<std::uint8_t> packet, const SymmetricKey& key, std::size_t start,
                 std::size_t len);

}  // namespace zt
