#pragma once
// rtnetlink requests the tap driver sends (link setup, addresses, routes)
// and the kernel's acknowledgements, as bytes: pure, so tests can check
// every field without a kernel. Netlink is host byte order.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "node/network_info.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt::stack::tap {

using NetlinkBytes = std::vector<std::uint8_t>;

// Metric of routes through a gateway: high, so a managed route never wins
// over the host's own route to the same place (upstream uses 5000 too).
constexpr std::uint32_t kGatewayRouteMetric = 5000;

// RTM_NEWLINK on an existing device: MAC, MTU, and up. Asks for an ack.
NetlinkBytes link_setup_request(std::uint32_t seq, int ifindex, MacAddress mac, unsigned mtu);

// RTM_NEWADDR (add) or RTM_DELADDR; `address` carries its prefix length in
// the port field, as NetworkInfo does. IPv6 addresses skip duplicate
// address detection: the controller assigned them, and DAD would hold
// them unusable for a second or two.
NetlinkBytes address_request(std::uint32_t seq, bool add, int ifindex, const InetAddress& address);

// RTM_NEWROUTE (add, failing if the route exists) or RTM_DELROUTE in the
// main table: on-link through the device when route.via is nil, otherwise
// through the gateway with kGatewayRouteMetric.
NetlinkBytes route_request(std::uint32_t seq, bool add, int ifindex, const NetworkRoute& route);

// What one received datagram says about request `seq`: 0 for success, a
// positive errno for a refusal, nullopt when it holds no ack for `seq`.
// Malformed or truncated input is ignored message by message (nullopt if
// nothing well-formed answers `seq`).
std::optional<int> parse_ack(std::span<const std::uint8_t> datagram, std::uint32_t seq);

}  // namespace zt::stack::tap
