#pragma once
// Which managed IPs a member gets (controller.md §1 step 8), exactly as
// upstream picks them: static assignments take the netmask of the most
// specific route containing them; pools are searched in upstream's
// candidate order (IPv4: start + (address + i) mod length, skipping .255;
// IPv6: start + address in the low 64 bits, then random addresses), and a
// candidate is taken when a route covers it and no member holds it yet.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "controller/json_fields.hpp"
#include "controller/store.hpp"
#include "proto/network_config.hpp"

namespace zt::controller {

using RandomFn = std::function<std::uint64_t()>;

// Upstream's trial limit per pool.
inline constexpr unsigned kMaxPoolTrials = 1000;

// InetAddress::containsAddress with the netmask bits in the target's port:
// same family and the address's masked bits equal the target's (whose host
// bits are not masked, as upstream compares IPv6). Bits beyond the family's
// width contain nothing.
bool route_contains(const InetAddress& target, const InetAddress& ip);

// The netmask bits of the most specific route target containing `ip`, or
// -1 when none does.
int routed_netmask_bits(std::span<const NetworkConfig::Route> routes, const InetAddress& ip);

// The first free IPv4 address of the pool [start, end] that a route covers,
// with the route's netmask bits in the port. Free: not in `summary`'s
// allocated addresses nor in `assignments` (the member's own list, JSON
// strings). nullopt when the pool is empty, starts at 0, or has none.
std::optional<InetAddress> allocate_ipv4(const InetAddress& start, const InetAddress& end,
                                         Address member,
                                         std::span<const NetworkConfig::Route> routes,
                                         const NetworkSummary& summary, const json& assignments);

// The same for an IPv6 pool; only on-link routes (no via) count, the last
// covering route giving the bits. `random` draws the later candidates.
std::optional<InetAddress> allocate_ipv6(const InetAddress& start, const InetAddress& end,
                                         Address member,
                                         std::span<const NetworkConfig::Route> routes,
                                         const NetworkSummary& summary, const json& assignments,
                                         const RandomFn& random);

}  // namespace zt::controller
