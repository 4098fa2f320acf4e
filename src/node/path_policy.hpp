#pragma once
// Which physical addresses may carry ZeroTier traffic (vl1.md §18.3), and
// the IP scope classification the filter and path quality are built on.
#include "proto/inet_address.hpp"

namespace zt {

// Upstream's numbering: path quality multiplies by (8 - scope), so PRIVATE
// (7) is the most preferred and the values must not be reordered.
enum class IpScope : int {
  kNone = 0,           // unspecified, 0/8, broadcast, nil
  kMulticast = 1,
  kLoopback = 2,
  kPseudoprivate = 3,  // IPv4 blocks the US DoD owns but never routes publicly
  kGlobal = 4,
  kLinkLocal = 5,
  kShared = 6,         // 100.64/10 carrier-grade NAT
  kPrivate = 7,
};
inline constexpr int kIpScopeCount = 8;

IpScope ip_scope(const InetAddress& address);

// §18.3: private, pseudo-private, shared and global addresses with a port;
// loopback only when `allow_loopback` (ztsdk runs whole networks on one
// machine; upstream always refuses it). Link-local, multicast, 0/8 and
// he.net's 2001:470::/32 tunnel space are refused.
bool path_allowed(const InetAddress& address, bool allow_loopback);

// Same address bytes and family, ports ignored.
bool same_ip(const InetAddress& a, const InetAddress& b);

}  // namespace zt
