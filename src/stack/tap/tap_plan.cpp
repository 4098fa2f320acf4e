#include "stack/tap/tap_plan.hpp"

#include <algorithm>

#include "node/path_policy.hpp"

namespace zt::stack::tap {
namespace {

unsigned max_bits(const InetAddress& ip) { return ip.is_v4() ? 32 : 128; }

InetAddress with_prefix_only(const InetAddress& ip) {
  const unsigned bits = std::min<unsigned>(ip.port(), max_bits(ip));
  std::uint8_t b[16] = {};
  std::copy(ip.ip(), ip.ip() + ip.ip_length(), b);
  for (unsigned i = bits; i < max_bits(ip); ++i) b[i / 8] &= static_cast<std::uint8_t>(~(0x80 >> (i % 8)));
  return ip.is_v4() ? InetAddress::v4(b, static_cast<std::uint16_t>(bits))
                    : InetAddress::v6(b, static_cast<std::uint16_t>(bits));
}

bool is_default_route(const InetAddress& target) { return target.port() == 0; }

// Upstream's checkIfManagedIsAllowed with its default settings.
bool managed_allowed(const InetAddress& ip) {
  if (ip.is_nil() || is_default_route(ip)) return false;
  switch (ip_scope(ip)) {
    case IpScope::kNone:
    case IpScope::kMulticast:
    case IpScope::kLoopback:
    case IpScope::kLinkLocal:
    case IpScope::kGlobal:
      return false;
    default:
      return true;
  }
}

// The kernel adds this route itself with the address.
bool implied_by(const InetAddress& target, const InetAddress& address) {
  return target.family() == address.family() && target.port() == address.port() &&
         with_prefix_only(address) == target;
}

bool is_ours(const InetAddress& ip, std::span<const InetAddress> addresses) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const InetAddress& a) { return same_ip(a, ip); });
}

// 33:33:ff plus the low 24 bits of the address (RFC 4291's solicited-node
// group), the group the engine subscribes to for each IPv6 address.
MacAddress solicited_node_mac(const InetAddress& v6) {
  const std::uint8_t* b = v6.ip();
  return MacAddress(0x3333ff000000ULL | (std::uint64_t{b[13]} << 16) | (std::uint64_t{b[14]} << 8) |
                    b[15]);
}

}  // namespace

TapPlan tap_plan(const NetworkInfo& info) {
  TapPlan plan;
  for (const InetAddress& a : info.assigned_addresses)
    if (managed_allowed(a) && a.port() <= max_bits(a)) plan.addresses.push_back(a);
  std::sort(plan.addresses.begin(), plan.addresses.end());
  plan.addresses.erase(std::unique(plan.addresses.begin(), plan.addresses.end()),
                       plan.addresses.end());

  std::vector<NetworkRoute> on_link, gateway;
  for (const NetworkRoute& r : info.routes) {
    if (!managed_allowed(r.target) || r.target.port() > max_bits(r.target)) continue;
    if (!r.via.is_nil() && (r.via.family() != r.target.family() || is_ours(r.via, plan.addresses)))
      continue;
    const bool have_family = std::any_of(plan.addresses.begin(), plan.addresses.end(),
                                         [&](const InetAddress& a) { return a.family() == r.target.family(); });
    if (!have_family) continue;
    NetworkRoute route = r;
    route.target = with_prefix_only(r.target);
    if (std::any_of(plan.addresses.begin(), plan.addresses.end(),
                    [&](const InetAddress& a) { return implied_by(route.target, a); }))
      continue;
    // One route per target, as upstream keys them.
    const auto same_target = [&](const NetworkRoute& x) { return x.target == route.target; };
    if (std::any_of(on_link.begin(), on_link.end(), same_target) ||
        std::any_of(gateway.begin(), gateway.end(), same_target))
      continue;
    (route.via.is_nil() ? on_link : gateway).push_back(route);
  }
  plan.routes = std::move(on_link);
  plan.routes.insert(plan.routes.end(), gateway.begin(), gateway.end());
  return plan;
}

std::vector<MulticastGroup> groups_to_report(std::span<const MacAddress> kernel_macs,
                                             std::span<const InetAddress> assigned) {
  std::vector<MacAddress> derived;
  for (const InetAddress& a : assigned)
    if (a.is_v6()) derived.push_back(solicited_node_mac(a));
  std::vector<MulticastGroup> groups;
  for (MacAddress mac : kernel_macs) {
    if (!mac.is_multicast() || mac.is_broadcast()) continue;
    if (std::find(derived.begin(), derived.end(), mac) != derived.end()) continue;
    groups.push_back(MulticastGroup{mac, 0});
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

}  // namespace zt::stack::tap
