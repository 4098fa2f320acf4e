#include "sim/sim_nat.hpp"

namespace zt::sim {

Nat::Nat(const InetAddress& public_ip, NatType type, Time mapping_timeout,
         std::uint16_t first_port)
    : public_ip_(public_ip), type_(type), mapping_timeout_(mapping_timeout),
      next_port_(first_port) {
  public_ip_.set_port(0);
}

InetAddress Nat::filter_key(const InetAddress& peer) const {
  InetAddress key = peer;
  if (type_ == NatType::kAddressRestrictedCone) key.set_port(0);
  return key;
}

void Nat::drop_if_expired(Time now, const InetAddress& inside) {
  auto it = mappings_.find(inside);
  if (it == mappings_.end() || !expired(it->second, now)) return;
  by_port_.erase(it->second.port);
  mappings_.erase(it);
}

InetAddress Nat::outbound(Time now, const InetAddress& inside, const InetAddress& to) {
  drop_if_expired(now, inside);
  auto it = mappings_.find(inside);
  if (it == mappings_.end()) {
    // Ports are handed out in sequence (skipping 0 on wrap) so runs repeat.
    while (next_port_ == 0 || by_port_.count(next_port_)) ++next_port_;
    it = mappings_.emplace(inside, Mapping{next_port_++, now, {}}).first;
    by_port_[it->second.port] = inside;
  }
  it->second.last_used = now;
  it->second.allowed.insert(filter_key(to));
  InetAddress out = public_ip_;
  out.set_port(it->second.port);
  return out;
}

std::optional<InetAddress> Nat::inbound(Time now, std::uint16_t port, const InetAddress& from) {
  auto by = by_port_.find(port);
  if (by == by_port_.end()) return std::nullopt;
  const InetAddress inside = by->second;
  drop_if_expired(now, inside);
  auto it = mappings_.find(inside);
  if (it == mappings_.end()) return std::nullopt;
  if (!it->second.allowed.count(filter_key(from))) return std::nullopt;
  it->second.last_used = now;
  return inside;
}

std::optional<InetAddress> Nat::mapping_of(Time now, const InetAddress& inside) {
  drop_if_expired(now, inside);
  auto it = mappings_.find(inside);
  if (it == mappings_.end()) return std::nullopt;
  InetAddress out = public_ip_;
  out.set_port(it->second.port);
  return out;
}

}  // namespace zt::sim
