#pragma once
// ICMP and ICMPv6 echo messages for zts_ping: the request it sends, and
// recognizing its reply among whatever a raw socket receives (lwIP hands
// raw sockets whole IP packets, header included, for both families).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace zt::api {

inline constexpr std::size_t kEchoPayload = 56;  // as ping(8)
inline constexpr std::size_t kEchoRequestSize = 8 + kEchoPayload;

// An echo request with this identifier and sequence number. IPv4's checksum
// is filled in; ICMPv6's covers a pseudo-header and is left to the stack
// (lwIP computes it for ICMPv6 raw sockets).
std::array<std::uint8_t, kEchoRequestSize> echo_request(bool v6, std::uint16_t ident,
                                                        std::uint16_t sequence);

// True if `packet` (an IP packet of the family) is an echo reply with this
// identifier and sequence number. Anything else, malformed included: false.
bool is_echo_reply(std::span<const std::uint8_t> packet, bool v6, std::uint16_t ident,
                   std::uint16_t sequence);

}  // namespace zt::api
