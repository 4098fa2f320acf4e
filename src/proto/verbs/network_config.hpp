#pragma once
// Getting a network's configuration (vl1.md §12.12–12.13, vl2.md §6):
// NETWORK_CONFIG_REQUEST, the signed config chunk carried by
// OK(NETWORK_CONFIG_REQUEST) and NETWORK_CONFIG, and the OK a member sends
// for NETWORK_CONFIG (in-re verb ECHO, an upstream quirk). Spans are views
// into the parsed payload.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"

namespace zt {

struct NetworkConfigRequest {
  std::uint64_t network_id = 0;
  std::span<const std::uint8_t> metadata;  // a Dictionary (dictionary.hpp)
  std::uint64_t revision = 0;   // of the config held; 0 if none
  std::uint64_t timestamp = 0;  // of the config held; 0 if none
};
std::optional<NetworkConfigRequest> parse_network_config_request(
    std::span<const std::uint8_t> payload);
void write_network_config_request(ByteWriter& w, const NetworkConfigRequest& req);

inline constexpr std::uint8_t kConfigChunkFlagFastPropagate = 0x01;
inline constexpr std::uint8_t kConfigSignatureTypeC25519 = 1;  // 96-byte C25519 signature

struct ConfigChunk {
  std::uint64_t network_id = 0;
  std::span<const std::uint8_t> data;  // bytes [chunk_index, +size) of the dictionary
  // Old controllers send the bare chunk; then nothing below is on the wire.
  bool is_signed = false;
  std::uint8_t flags = 0;
  std::uint64_t update_id = 0;
  std::uint32_t total_length = 0;  // of the whole dictionary
  std::uint32_t chunk_index = 0;   // byte offset of this chunk
  std::uint8_t signature_type = 0;
  std::span<const std::uint8_t> signature;
  // Set by the parser: the bytes the controller signed (network id through
  // chunk index); for the unsigned form, the whole payload.
  std::span<const std::uint8_t> signed_portion;
};

// Fails if the signed trailer is truncated or the chunk overruns the total
// length. The signature type and length are returned as found: checking
// them (type 1, 96 bytes) is the receiver's policy.
std::optional<ConfigChunk> parse_config_chunk(std::span<const std::uint8_t> payload);
// Ignores `signed_portion`.
void write_config_chunk(ByteWriter& w, const ConfigChunk& chunk);
// What the controller signs for `chunk`: its serialization up to the chunk index.
Bytes config_chunk_signing_message(const ConfigChunk& chunk);

// OK(NETWORK_CONFIG), sent with in-re verb ECHO.
struct NetworkConfigAck {
  std::uint64_t network_id = 0;
  std::uint64_t update_id = 0;
};
std::optional<NetworkConfigAck> parse_network_config_ack(std::span<const std::uint8_t> body);
void write_network_config_ack(ByteWriter& w, const NetworkConfigAck& ack);

}  // namespace zt
