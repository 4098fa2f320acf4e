#include "controller/ip_assignment.hpp"

#include <algorithm>

namespace zt::controller {
namespace {

std::uint32_t ipv4_value(const InetAddress& a) {
  const std::uint8_t* p = a.ip();
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

InetAddress ipv4_from(std::uint32_t v, std::uint16_t port) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                             static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  return InetAddress::v4(b, port);
}

std::uint64_t ipv6_half(const InetAddress& a, int half) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | a.ip()[half * 8 + i];
  return v;
}

InetAddress ipv6_from(std::uint64_t high, std::uint64_t low) {
  std::uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    b[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return InetAddress::v6(b, 0);
}

bool assigned_to_member(const json& assignments, const std::string& ip) {
  return assignments.is_array() &&
         std::find(assignments.begin(), assignments.end(), ip) != assignments.end();
}

}  // namespace

bool route_contains(const InetAddress& target, const InetAddress& ip) {
  if (target.family() != ip.family() || target.is_nil()) return false;
  const unsigned bits = target.port();
  if (target.is_v4()) {
    if (bits == 0) return true;
    if (bits > 32) return false;
    const unsigned shift = 32 - bits;
    return (ipv4_value(ip) >> shift) == (ipv4_value(target) >> shift);
  }
  if (bits > 128) return false;
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned in_byte = bits > 8 * i ? std::min(8u, bits - 8 * i) : 0;
    const auto mask = static_cast<std::uint8_t>(0xff00u >> in_byte);
    if ((ip.ip()[i] & mask) != target.ip()[i]) return false;
  }
  return true;
}

int routed_netmask_bits(std::span<const NetworkConfig::Route> routes, const InetAddress& ip) {
  int bits = -1;
  for (const auto& route : routes)
    if (route_contains(route.target, ip)) bits = std::max(bits, int{route.target.port()});
  return bits;
}

std::optional<InetAddress> allocate_ipv4(const InetAddress& start, const InetAddress& end,
                                         Address member,
                                         std::span<const NetworkConfig::Route> routes,
                                         const NetworkSummary& summary, const json& assignments) {
  if (!start.is_v4() || !end.is_v4()) return std::nullopt;
  const std::uint32_t first = ipv4_value(start);
  const std::uint32_t last = ipv4_value(end);
  if (last < first || first == 0) return std::nullopt;
  const std::uint32_t length = last - first;
  const std::uint64_t trials = std::min<std::uint64_t>(kMaxPoolTrials, std::uint64_t{length} + 1);
  auto counter = static_cast<std::uint32_t>(member.value());
  for (std::uint64_t trial = 0; trial < trials; ++trial, ++counter) {
    const std::uint32_t ip = length > 0 ? first + counter % length : first;
    if ((ip & 0xff) == 0xff) continue;  // upstream never hands out .255
    int bits = -1;
    for (const auto& route : routes) {
      if (!route.target.is_v4()) continue;
      // Upstream shifts by (32 - bits) on a 32-bit value; x86 takes the
      // count mod 32, so /0 (and bits past 32) give other masks than the
      // arithmetic would. Reproduced so the same IPs come out.
      const int route_bits = route.target.port();
      const std::uint32_t mask = 0xffffffffu << (static_cast<unsigned>(32 - route_bits) & 31u);
      if ((ip & mask) == ipv4_value(route.target)) {
        bits = route_bits;
        break;
      }
    }
    const InetAddress candidate = ipv4_from(ip, 0);
    if (bits <= 0 || summary.is_allocated(candidate)) continue;
    if (assigned_to_member(assignments, inet_ip_text(candidate))) continue;
    return ipv4_from(ip, static_cast<std::uint16_t>(bits));
  }
  return std::nullopt;
}

std::optional<InetAddress> allocate_ipv6(const InetAddress& start, const InetAddress& end,
                                         Address member,
                                         std::span<const NetworkConfig::Route> routes,
                                         const NetworkSummary& summary, const json& assignments,
                                         const RandomFn& random) {
  if (!start.is_v6() || !end.is_v6()) return std::nullopt;
  const std::uint64_t s0 = ipv6_half(start, 0), s1 = ipv6_half(start, 1);
  const std::uint64_t e0 = ipv6_half(end, 0), e1 = ipv6_half(end, 1);
  for (unsigned trial = 0; trial < kMaxPoolTrials; ++trial) {
    std::uint64_t high = s0, low = s1;
    if (trial == 0 && e1 > s1 && e1 - s1 >= 0xffffffffffULL) {
      low = s1 + member.value();  // the member's address fits in the low 64 bits
    } else {
      const std::uint64_t r0 = random(), r1 = random();
      high = s0 + (e0 > s0 ? r0 % (e0 - s0) : 0);
      low = s1 + (e1 > s1 ? r1 % (e1 - s1) : 0);
    }
    const InetAddress candidate = ipv6_from(high, low);
    int bits = 0;
    for (const auto& route : routes)
      if (route.via.is_nil() && route.target.is_v6() && route_contains(route.target, candidate))
        bits = route.target.port();
    if (bits <= 0 || summary.is_allocated(candidate)) continue;
    if (assigned_to_member(assignments, inet_ip_text(candidate))) continue;
    InetAddress out = candidate;
    out.set_port(static_cast<std::uint16_t>(bits));
    return out;
  }
  return std::nullopt;
}

}  // namespace zt::controller
