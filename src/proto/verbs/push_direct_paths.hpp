#pragma once
// PUSH_DIRECT_PATHS (vl1.md §12.16): endpoints where the sender may be reached.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/byte_io.hpp"
#include "proto/inet_address.hpp"

namespace zt {

inline constexpr std::uint8_t kDirectPathFlagForget = 0x01;           // receivers ignore these
inline constexpr std::uint8_t kDirectPathFlagClusterRedirect = 0x02;  // contact and prefer it

struct DirectPath {
  std::uint8_t flags = 0;
  InetAddress address;  // IPv4 or IPv6
};

struct PushDirectPaths {
  std::vector<DirectPath> paths;
  // Records of an address type we do not know (or a known type with the
  // wrong length), skipped by their length as upstream does.
  std::size_t skipped = 0;
};

// Fails if any of the counted records is truncated; each record takes at
// least 5 bytes, so the count cannot make us allocate beyond the payload.
std::optional<PushDirectPaths> parse_push_direct_paths(std::span<const std::uint8_t> payload);
// Writes each path with no extension bytes; addresses must be IPv4 or IPv6.
void write_push_direct_paths(ByteWriter& w, const PushDirectPaths& push);

}  // namespace zt
