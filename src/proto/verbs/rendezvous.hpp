#pragma once
// RENDEZVOUS (vl1.md §12.6): a root tells us where another peer can be
// reached directly.
#include <cstdint>
#include <optional>
#include <span>

#include "proto/address.hpp"
#include "proto/byte_io.hpp"
#include "proto/inet_address.hpp"

namespace zt {

struct Rendezvous {
  std::uint8_t flags = 0;  // none defined; sent as 0
  Address with;            // the peer to contact
  InetAddress at;          // its IPv4 or IPv6 endpoint
};

// Fails unless the address length is 4 or 16. Bytes after the address are ignored.
std::optional<Rendezvous> parse_rendezvous(std::span<const std::uint8_t> payload);
// `at` must be IPv4 or IPv6.
void write_rendezvous(ByteWriter& w, const Rendezvous& rv);

}  // namespace zt
