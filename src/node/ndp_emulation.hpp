#pragma once
// IPv6 NDP emulation (vl2.md §12.5, config flag 0x04): addresses in a
// network's RFC4193 /88 or 6PLANE /40 embed the member's ZeroTier address,
// so a Neighbor Solicitation for one can be answered locally with the MAC
// derived from it, and nothing needs to cross the network.
#include <cstdint>
#include <optional>
#include <span>

#include "proto/address.hpp"
#include "proto/hex.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt {

struct NdpAdvertisement {
  MacAddress source;  // the MAC of the solicited member: the frame's source
  Bytes packet;       // 72-byte IPv6 packet carrying an ICMPv6 Neighbor Advertisement
};

// For an IPv6 packet `ipv6` (no Ethernet header) the local stack sent to a
// multicast MAC: the advertisement to hand back to it, when the packet is a
// Neighbor Solicitation (next header 58 right after the fixed header, type
// 135) for an address in one of our RFC4193 /88 or 6PLANE /40 prefixes
// (from `static_ips`, netmask bits in the port) that belongs to another
// member. Nullopt otherwise: the frame then goes out as usual.
std::optional<NdpAdvertisement> emulate_ndp(std::uint64_t nwid, Address me,
                                            std::span<const InetAddress> static_ips,
                                            std::span<const std::uint8_t> ipv6);

// The ICMPv6 checksum of `message` (its checksum field zero) from `src` to `dst`.
std::uint16_t icmpv6_checksum(const std::uint8_t src[16], const std::uint8_t dst[16],
                              std::span<const std::uint8_t> message);

}  // namespace zt
