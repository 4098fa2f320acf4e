#pragma once
// The kernel TAP driver (Linux): each joined network becomes a tap device
// of the host, configured through rtnetlink with the network's MAC, MTU,
// addresses and managed routes, so ordinary programs reach the network
// through the kernel's own sockets. Needs CAP_NET_ADMIN; without it a
// network gets no port and says why.
#include "stack/port_driver.hpp"

namespace zt::stack {

std::unique_ptr<PortDriver> make_tap_driver();

}  // namespace zt::stack
