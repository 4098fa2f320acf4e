#include "proto/packet_compress.hpp"

#include <lz4.h>

#include <cstring>

namespace zt {
namespace {

constexpr std::size_t kMaxPayload = kMaxPacketLength - kPayloadOffset;

}  // namespace

bool compress_payload(Packet& packet) {
  if (packet.compressed() || packet.size() <= kCompressionMinPacketLength) return false;
  const auto payload = packet.payload();
  char out[kMaxPayload];
  // A destination one byte short of the input makes LZ4 give up (return 0)
  // unless the result is strictly shorter.
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(payload.data()), out,
                                     static_cast<int>(payload.size()),
                                     static_cast<int>(payload.size() - 1));
  if (n <= 0) return false;
  std::memcpy(packet.data() + kPayloadOffset, out, static_cast<std::size_t>(n));
  packet.set_size(kPayloadOffset + static_cast<std::size_t>(n));
  packet.set_compressed(true);
  return true;
}

bool decompress_payload(Packet& packet) {
  if (!packet.compressed()) return true;
  const auto payload = packet.payload();
  char in[kMaxPayload];
  std::memcpy(in, payload.data(), payload.size());
  // LZ4_decompress_safe never writes past the capacity we give it, so the
  // packet buffer itself is the destination.
  const int n =
      LZ4_decompress_safe(in, reinterpret_cast<char*>(packet.data() + kPayloadOffset),
                          static_cast<int>(payload.size()), static_cast<int>(kMaxPayload));
  if (n <= 0) {
    // The failed attempt may have scribbled on the payload: put it back.
    std::memcpy(packet.data() + kPayloadOffset, in, payload.size());
    return false;
  }
  packet.set_size(kPayloadOffset + static_cast<std::size_t>(n));
  packet.set_compressed(false);
  return true;
}

}  // namespace zt
