#pragma once
// What of a network's config goes onto its tap device, decided without
// touching the kernel: the addresses and routes to install, and the
// multicast groups of the kernel's to pass on to the engine.
#include <span>
#include <vector>

#include "node/network_info.hpp"

namespace zt::stack::tap {

struct TapPlan {
  std::vector<InetAddress> addresses;  // prefix length in the port; sorted, unique
  std::vector<NetworkRoute> routes;    // on-link routes first, then gateway routes
};

// Upstream's defaults for managed addresses and routes (allowManaged on,
// allowGlobal and allowDefault off), so joining a network cannot take over
// the host's routing: no default routes, nothing of global, loopback,
// link-local or multicast scope. Routes the kernel makes itself for an
// assigned address's prefix, routes via one of our own addresses, and
// routes of a family we have no address in are left out, as upstream does.
// Route targets have their host bits cleared (the kernel insists).
TapPlan tap_plan(const NetworkInfo& info);

// The groups to report for the link-layer multicast addresses the kernel
// has joined on the device (/proc/net/dev_mcast): all but broadcast and the
// IPv6 solicited-node groups the engine already derives from the assigned
// addresses. Sorted, unique.
std::vector<MulticastGroup> groups_to_report(std::span<const MacAddress> kernel_macs,
                                             std::span<const InetAddress> assigned);

}  // namespace zt::stack::tap
