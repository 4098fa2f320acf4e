#pragma once
// Internal to src/stack (includes lwIP headers): InetAddress to lwIP's
// ip_addr_t and back, for the raw-API relays.
#include <cstring>

#include "lwip/ip_addr.h"
#include "proto/inet_address.hpp"

namespace zt::stack {

inline ip_addr_t to_ip_addr(const InetAddress& a) {
  ip_addr_t out;
  if (a.is_v4()) {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V4);
    std::memcpy(&ip_2_ip4(&out)->addr, a.ip(), 4);  // both in network order
  } else if (a.is_v6()) {
    IP_SET_TYPE_VAL(out, IPADDR_TYPE_V6);
    std::memcpy(ip_2_ip6(&out)->addr, a.ip(), 16);
    ip6_addr_clear_zone(ip_2_ip6(&out));
  } else {
    out = *IP_ANY_TYPE;
  }
  return out;
}

inline InetAddress from_ip_addr(const ip_addr_t& ip, std::uint16_t port) {
  if (IP_IS_V4_VAL(ip)) {
    std::uint8_t b[4];
    std::memcpy(b, &ip_2_ip4(&ip)->addr, 4);
    return InetAddress::v4(b, port);
  }
  std::uint8_t b[16];
  std::memcpy(b, ip_2_ip6(&ip)->addr, 16);
  return InetAddress::v6(b, port);
}

}  // namespace zt::stack
