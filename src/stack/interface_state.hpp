#pragma once
// Internal to src/stack (includes lwIP): what one StackInterface keeps
// beside its lwIP netif, shared by the interface code and lwIP's hooks.
// Everything here is read and written with the core lock held.
#include <cstdint>
#include <vector>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "stack/stack_interface.hpp"

namespace zt::stack {

struct Ip4Route {
  ip4_addr_t target;
  std::uint8_t prefix_len;
  ip4_addr_t via;  // any: on-link
};

struct Ip6Prefix {
  ip6_addr_t address;
  std::uint8_t prefix_len;
};

struct Ip6Route {
  ip6_addr_t target;
  std::uint8_t prefix_len;
  ip6_addr_t via;  // any: on-link
};

struct InterfaceState {
  struct netif netif {};
  StackInterface::FrameSink sink;
  MacAddress mac;
  unsigned mtu = 0;
  std::uint8_t ip4_prefix_len = 0;
  // The networks' IPv6 prefixes (lwIP itself would assume /64).
  std::vector<Ip6Prefix> ip6_prefixes;
  std::vector<Ip4Route> ip4_routes;
  std::vector<Ip6Route> ip6_routes;
  StackInterface::Counters counters;
};

// The state behind `netif`, or nullptr for a netif that is not ours (the
// loopback interface).
InterfaceState* interface_state(struct netif* netif);

bool ip4_prefix_contains(const ip4_addr_t& prefix, unsigned prefix_len, const ip4_addr_t& address);
bool ip6_prefix_contains(const ip6_addr_t& prefix, unsigned prefix_len, const ip6_addr_t& address);

}  // namespace zt::stack
