#pragma once
// LZ4 payload compression (vl1.md §9). Operates on the plaintext: compress
// before armor, decompress after dearmor. The compressed form is a raw LZ4
// block of bytes 28..end, flagged by bit 0x80 of the verb byte.
#include "proto/packet.hpp"

namespace zt {

// Compresses the payload when that helps: only packets longer than
// kCompressionMinPacketLength, not already compressed, and only if the
// result is strictly shorter. True when the packet was changed.
bool compress_payload(Packet& packet);

// Undoes compress_payload; a packet without the flag is left as it is (true).
// False when the block is malformed or would expand to nothing or beyond
// kMaxPacketLength; the packet is then unchanged.
bool decompress_payload(Packet& packet);

}  // namespace zt
