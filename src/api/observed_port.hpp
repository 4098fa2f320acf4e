#pragma once
// A PortDriver that wraps another and reports what each network's port has
// on its interface: whether it exists, and which addresses the stack
// accepted. The zts_ API's readiness ("an address is on the interface") and
// its NETIF_* and ADDR_* events come from here, not from the config alone.
#include <cstdint>
#include <memory>
#include <vector>

#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"
#include "stack/port_driver.hpp"

namespace zt::api {

struct PortView {
  MacAddress mac;
  unsigned mtu = 0;
  std::vector<InetAddress> addresses;  // prefix length in the port field
};

// Called on the thread that drives the ports (the node's loop thread).
class PortObserver {
 public:
  virtual ~PortObserver() = default;
  virtual void port_opened(std::uint64_t network_id, const PortView& view) = 0;
  virtual void port_addresses(std::uint64_t network_id, const std::vector<InetAddress>& now) = 0;
  virtual void port_closed(std::uint64_t network_id) = 0;
};

// The addresses an lwIP interface holds for a config it accepted: the first
// IPv4 address (lwIP has one per interface) and every IPv6 one.
std::vector<InetAddress> interface_addresses(const std::vector<InetAddress>& assigned);

// `observer` must outlive the driver and every port it opens.
std::unique_ptr<stack::PortDriver> observe_ports(std::unique_ptr<stack::PortDriver> inner,
                                                 PortObserver& observer);

}  // namespace zt::api
