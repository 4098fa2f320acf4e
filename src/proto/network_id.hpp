#pragma once
// What a 64-bit network id says by itself (vl2.md §1, §3): its controller,
// the member's RFC4193 and 6PLANE IPv6 addresses, and the ad-hoc ids that
// need no controller.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt {

// The top 40 bits: the controller that signs everything on this network.
constexpr Address network_controller(std::uint64_t nwid) { return Address(nwid >> 24); }

// 16 lowercase hex digits, as upstream prints ids.
std::string network_id_to_string(std::uint64_t nwid);
// Exactly 16 hex digits (either case).
std::optional<std::uint64_t> network_id_from_string(std::string_view text);

// fd + nwid + 99 93 + address. The prefix length (88) is in the port field,
// as the config's static IP list carries it.
InetAddress rfc4193_address(std::uint64_t nwid, Address member);
// fc + nwid folded to 32 bits + address + ::1, prefix length 40 in the port.
InetAddress sixplane_address(std::uint64_t nwid, Address member);

// Ad-hoc networks (top byte 0xff) whose config a node makes up itself.
struct AdhocNetwork {
  enum class Kind : std::uint8_t { kPortRange, kHub };
  Kind kind = Kind::kPortRange;
  // kPortRange: the allowed destination ports; end < start means "not found".
  std::uint16_t start_port = 0;
  std::uint16_t end_port = 0;
  // kHub: the IPv4 /8 of member addresses, and the hub (0 = none).
  std::uint8_t ipv4_prefix = 0;
  Address hub;
};
// Nullopt for ordinary ids and for 0xff ids of neither form (upstream then
// does nothing at all).
std::optional<AdhocNetwork> decode_adhoc_network(std::uint64_t nwid);

}  // namespace zt
