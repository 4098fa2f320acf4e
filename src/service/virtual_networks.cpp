#include "service/virtual_networks.hpp"

#include <algorithm>
#include <cstring>

namespace zt::service {
namespace {

bool is_default_route(const InetAddress& target) { return target.port() == 0; }

bool ends_with_label(std::string_view name, std::string_view domain) {
  if (domain.empty() || name.size() < domain.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  const std::size_t offset = name.size() - domain.size();
  for (std::size_t i = 0; i < domain.size(); ++i)
    if (lower(name[offset + i]) != lower(domain[i])) return false;
  return offset == 0 || name[offset - 1] == '.';
}

}  // namespace

InetAddress unmapped(const InetAddress& ip) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (ip.is_v6() && std::memcmp(ip.ip(), kMapped, 12) == 0) return InetAddress::v4(ip.ip() + 12, ip.port());
  return ip;
}

bool prefix_contains(const VirtualPrefix& prefix, const InetAddress& ip) {
  const InetAddress a = unmapped(ip);
  if (a.is_nil() || a.is_v4() != prefix.address.is_v4()) return false;
  const std::size_t length = a.ip_length();
  const unsigned bits = std::min<unsigned>(prefix.bits, static_cast<unsigned>(length * 8));
  const std::size_t whole = bits / 8;
  if (std::memcmp(a.ip(), prefix.address.ip(), whole) != 0) return false;
  if (bits % 8 == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - bits % 8));
  return (a.ip()[whole] & mask) == (prefix.address.ip()[whole] & mask);
}

VirtualNetworks VirtualNetworks::from(const std::vector<NetworkInfo>& networks) {
  VirtualNetworks v;
  for (const NetworkInfo& info : networks) {
    if (info.assigned_addresses.empty()) continue;
    Network n;
    n.id = info.id;
    n.dns = info.dns;
    for (const InetAddress& a : info.assigned_addresses) {
      InetAddress own = a;
      own.set_port(0);
      n.own.push_back(own);
      n.prefixes.push_back({own, a.port()});
    }
    for (const NetworkRoute& r : info.routes) {
      if (is_default_route(r.target)) continue;
      InetAddress target = r.target;
      target.set_port(0);
      n.prefixes.push_back({target, r.target.port()});
    }
    v.networks_.push_back(std::move(n));
  }
  return v;
}

std::vector<VirtualPrefix> VirtualNetworks::prefixes() const {
  std::vector<VirtualPrefix> out;
  for (const Network& n : networks_)
    for (const VirtualPrefix& p : n.prefixes) {
      const bool seen = std::any_of(out.begin(), out.end(), [&](const VirtualPrefix& q) {
        return q.bits == p.bits && prefix_contains(q, p.address);
      });
      if (!seen) out.push_back(p);
    }
  std::stable_sort(out.begin(), out.end(),
                   [](const VirtualPrefix& a, const VirtualPrefix& b) { return a.bits > b.bits; });
  return out;
}

std::vector<InetAddress> VirtualNetworks::own_addresses() const {
  std::vector<InetAddress> out;
  for (const Network& n : networks_) out.insert(out.end(), n.own.begin(), n.own.end());
  return out;
}

bool VirtualNetworks::contains(const InetAddress& ip) const {
  for (const Network& n : networks_)
    for (const VirtualPrefix& p : n.prefixes)
      if (prefix_contains(p, ip)) return true;
  return false;
}

bool VirtualNetworks::is_own(const InetAddress& ip) const {
  InetAddress a = unmapped(ip);
  a.set_port(0);
  for (const Network& n : networks_)
    for (const InetAddress& own : n.own)
      if (own == a) return true;
  return false;
}

const VirtualNetworks::Network* VirtualNetworks::dns_network_for(std::string_view name) const {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  const Network* best = nullptr;
  for (const Network& n : networks_) {
    std::string_view domain = n.dns.domain;
    while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    if (n.dns.servers.empty() || !ends_with_label(name, domain)) continue;
    if (!best || domain.size() > best->dns.domain.size()) best = &n;
  }
  return best;
}

std::shared_ptr<const VirtualNetworks> VirtualNetworksView::get() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void VirtualNetworksView::set(VirtualNetworks networks) {
  auto next = std::make_shared<const VirtualNetworks>(std::move(networks));
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

}  // namespace zt::service
