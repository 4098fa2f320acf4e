#include "node/path_policy.hpp"

#include <cstring>

namespace zt {
namespace {

IpScope v4_scope(const std::uint8_t* ip) {
  const unsigned a = ip[0], b = ip[1], c = ip[2];
  switch (a) {
    case 0: return IpScope::kNone;
    case 10: return IpScope::kPrivate;
    case 100: return (b & 0xc0) == 64 ? IpScope::kShared : IpScope::kGlobal;
    case 127: return IpScope::kLoopback;
    case 169: return b == 254 ? IpScope::kLinkLocal : IpScope::kGlobal;
    case 172: return (b & 0xf0) == 16 ? IpScope::kPrivate : IpScope::kGlobal;
    case 192:
      if (b == 168) return IpScope::kPrivate;
      if (b == 0 && c == 2) return IpScope::kPrivate;  // TEST-NET-1
      return IpScope::kGlobal;
    case 198:
      if ((b & 0xfe) == 18) return IpScope::kPrivate;  // benchmarking
      if (b == 51 && c == 100) return IpScope::kPrivate;  // TEST-NET-2
      return IpScope::kGlobal;
    case 203: return (b == 0 && c == 113) ? IpScope::kPrivate : IpScope::kGlobal;  // TEST-NET-3
    // Unrouted DoD blocks that some networks use as if private.
    case 6: case 7: case 11: case 21: case 22: case 26: case 28: case 29: case 30: case 33:
    case 55: case 214: case 215:
      return IpScope::kPseudoprivate;
    default: break;
  }
  if (a >= 224 && a <= 239) return IpScope::kMulticast;
  if (a == 255 && b == 255 && c == 255 && ip[3] == 255) return IpScope::kNone;
  return IpScope::kGlobal;
}

IpScope v6_scope(const std::uint8_t* ip) {
  if ((ip[0] & 0xfe) == 0xfc) return IpScope::kPrivate;  // fc00::/7 unique local
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return IpScope::kLinkLocal;
  if (ip[0] == 0xff) return IpScope::kMulticast;
  bool zero_prefix = true;
  for (int i = 0; i < 15; ++i) zero_prefix = zero_prefix && ip[i] == 0;
  if (zero_prefix && ip[15] == 1) return IpScope::kLoopback;
  if (zero_prefix && ip[15] == 0) return IpScope::kNone;
  return IpScope::kGlobal;
}

}  // namespace

IpScope ip_scope(const InetAddress& address) {
  if (address.is_v4()) return v4_scope(address.ip());
  if (address.is_v6()) return v6_scope(address.ip());
  return IpScope::kNone;
}

bool path_allowed(const InetAddress& address, bool allow_loopback) {
  if (address.is_nil() || address.port() == 0) return false;
  if (address.is_v6()) {
    const std::uint8_t* ip = address.ip();
    if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x04 && ip[3] == 0x70) return false;
  }
  switch (ip_scope(address)) {
    case IpScope::kPrivate:
    case IpScope::kPseudoprivate:
    case IpScope::kShared:
    case IpScope::kGlobal:
      return true;
    case IpScope::kLoopback:
      return allow_loopback;
    default:
      return false;
  }
}

bool same_ip(const InetAddress& a, const InetAddress& b) {
  return a.family() == b.family() && std::memcmp(a.ip(), b.ip(), a.ip_length()) == 0;
}

}  // namespace zt
