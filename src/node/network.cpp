#include "node/network.hpp"

#include <algorithm>

#include "node/vl2_params.hpp"
#include "proto/network_id.hpp"

namespace zt {
namespace {

MulticastGroup arp_group(const InetAddress& v4) {
  const std::uint8_t* b = v4.ip();
  const std::uint32_t adi = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                            (std::uint32_t{b[2]} << 8) | b[3];
  return MulticastGroup{MacAddress(MacAddress::kMask), adi};
}

// 33:33:ff plus the low 24 bits of the address.
MulticastGroup solicited_node_group(const InetAddress& v6) {
  const std::uint8_t* b = v6.ip();
  const std::uint64_t mac = 0x3333ff000000ULL | (std::uint64_t{b[13]} << 16) |
                            (std::uint64_t{b[14]} << 8) | b[15];
  return MulticastGroup{MacAddress(mac), 0};
}

}  // namespace

Network::Network(std::uint64_t id, Address me)
    : id_(id), me_(me), mac_(MacAddress::from_address(me, id)), assembler_(id) {}

Address Network::controller() const { return network_controller(id_); }

Network::Apply Network::apply(std::int64_t now, const NetworkConfig& config) {
  if (config.issued_to != me_ || config.network_id != id_) return Apply::kIgnored;
  if (config_ && *config_ == config) return Apply::kUnchanged;
  config_ = config;
  rules_ = parse_rules(config.rules).value_or(std::vector<Rule>{});
  capability_rules_.clear();
  for (const Capability& cap : config.capabilities) {
    // A capability we cannot read grants nothing (an empty table matches nothing).
    capability_rules_.push_back(parse_rules(cap.rules).value_or(std::vector<Rule>{}));
  }
  last_config_update_ = now;
  failure_ = NetworkStatus::kOk;
  auth_ = {};
  return Apply::kChanged;
}

NetworkStatus Network::status() const {
  if (failure_ != NetworkStatus::kOk) return failure_;
  return config_ ? NetworkStatus::kOk : NetworkStatus::kRequestingConfiguration;
}

bool Network::set_failure(NetworkStatus status) {
  const NetworkStatus before = this->status();
  failure_ = status;
  return this->status() != before;
}

bool Network::set_authentication_required(const AuthInfo& info) {
  const bool changed = failure_ != NetworkStatus::kAuthenticationRequired || auth_.url != info.url ||
                       auth_.issuer_url != info.issuer_url || auth_.nonce != info.nonce ||
                       auth_.state != info.state;
  failure_ = NetworkStatus::kAuthenticationRequired;
  auth_ = info;
  return changed;
}

bool Network::request_due(std::int64_t now) const { return now >= next_request(now); }

std::int64_t Network::next_request(std::int64_t now) const {
  (void)now;
  const std::int64_t retry = last_request_ + vl2::kConfigRetryInterval;
  if (!config_) return retry;
  return std::max(retry, last_config_update_ + vl2::kConfigRefreshInterval);
}

NetworkInfo Network::info() const {
  NetworkInfo info;
  info.id = id_;
  info.mac = mac_;
  info.status = status();
  if (config_) {
    const NetworkConfig& c = *config_;
    info.name = c.name;
    info.type = c.is_public() ? NetworkType::kPublic : NetworkType::kPrivate;
    info.mtu = c.mtu;
    info.bridge = is_active_bridge(me_);
    info.broadcast_enabled = c.has_flag(kNetworkFlagEnableBroadcast);
    info.revision = c.revision;
    info.assigned_addresses = c.static_ips;
    for (const NetworkConfig::Route& r : c.routes)
      info.routes.push_back({r.target, r.via, r.flags, r.metric});
    info.dns.domain = c.dns.domain;
    for (const InetAddress& s : c.dns.servers)
      if (!s.is_nil()) info.dns.servers.push_back(s);
    info.sso_enabled = c.sso_enabled;
    info.authentication_url = c.authentication_url;
    info.authentication_expiry = static_cast<std::int64_t>(c.authentication_expiry_time);
  }
  if (failure_ == NetworkStatus::kAuthenticationRequired) {
    info.sso_enabled = true;
    info.authentication_url = auth_.url.empty() ? auth_.issuer_url : auth_.url;
  }
  info.multicast_subscriptions = my_groups();
  return info;
}

Membership* Network::find_member(Address peer) {
  auto it = members_.find(peer);
  return it == members_.end() ? nullptr : &it->second;
}

Membership& Network::member(std::int64_t now, Address peer) {
  auto it = members_.find(peer);
  if (it == members_.end()) {
    if (members_.size() >= vl2::kMaxMembershipsPerNetwork) evict_one_member();
    it = members_.emplace(peer, Membership()).first;
  }
  it->second.touch(now);
  return it->second;
}

void Network::evict_one_member() {
  auto oldest = std::min_element(members_.begin(), members_.end(), [](const auto& a, const auto& b) {
    return a.second.last_used() < b.second.last_used();
  });
  if (oldest != members_.end()) members_.erase(oldest);
}

void Network::clean(std::int64_t now) {
  std::erase_if(members_, [&](const auto& e) {
    return now - e.second.last_used() >= vl2::kMembershipIdleTimeout;
  });
  if (config_)
    for (auto& [address, m] : members_) m.clean(*config_);
  std::erase_if(bridged_groups_,
                [&](const auto& e) { return now - e.second >= vl2::kBridgedGroupExpire; });
}

std::vector<MulticastGroup> Network::my_groups() const {
  std::set<MulticastGroup> groups(explicit_groups_.begin(), explicit_groups_.end());
  if (config_) {
    for (const InetAddress& ip : config_->static_ips) {
      if (ip.is_v4()) groups.insert(arp_group(ip));
      else if (ip.is_v6()) groups.insert(solicited_node_group(ip));
    }
  }
  return {groups.begin(), groups.end()};
}

std::vector<MulticastGroup> Network::all_groups() const {
  std::vector<MulticastGroup> groups = my_groups();
  for (const auto& [g, seen] : bridged_groups_) groups.push_back(g);
  if (config_ && config_->has_flag(kNetworkFlagEnableBroadcast)) groups.push_back(kBroadcastGroup);
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  return groups;
}

bool Network::subscribed(const MulticastGroup& group, bool include_bridged) const {
  const std::vector<MulticastGroup> mine = my_groups();
  if (std::binary_search(mine.begin(), mine.end(), group)) return true;
  return include_bridged && bridged_groups_.contains(group);
}

bool Network::subscribe(const MulticastGroup& group) {
  if (explicit_groups_.size() >= vl2::kMaxExplicitSubscriptions) return false;
  return explicit_groups_.insert(group).second;
}

bool Network::unsubscribe(const MulticastGroup& group) { return explicit_groups_.erase(group) > 0; }

bool Network::learn_bridged_group(std::int64_t now, const MulticastGroup& group) {
  auto it = bridged_groups_.find(group);
  if (it != bridged_groups_.end()) {
    it->second = now;
    return false;
  }
  if (bridged_groups_.size() >= vl2::kMaxBridgedGroups) return false;
  bridged_groups_.emplace(group, now);
  return true;
}

bool Network::is_active_bridge(Address a) const {
  if (!config_ || a.is_nil()) return false;
  const std::vector<Address> bridges = config_->specialists_with(kSpecialistActiveBridge);
  return std::find(bridges.begin(), bridges.end(), a) != bridges.end();
}

std::vector<Address> Network::active_bridges() const {
  return config_ ? config_->specialists_with(kSpecialistActiveBridge) : std::vector<Address>{};
}

std::vector<Address> Network::multicast_replicators() const {
  return config_ ? config_->specialists_with(kSpecialistMulticastReplicator)
                 : std::vector<Address>{};
}

std::vector<Address> Network::anchors() const {
  return config_ ? config_->specialists_with(kSpecialistAnchor) : std::vector<Address>{};
}

// Upstream's anti-spam breaker: when the table is full, the bridge holding
// the most routes loses all of them.
void Network::learn_bridge_route(MacAddress mac, Address bridge) {
  bridge_routes_[mac] = bridge;
  if (bridge_routes_.size() <= vl2::kMaxBridgeRoutes) return;
  std::unordered_map<Address, std::size_t> counts;
  Address worst;
  std::size_t most = 0;
  for (const auto& [m, a] : bridge_routes_) {
    if (++counts[a] > most) {
      most = counts[a];
      worst = a;
    }
  }
  std::erase_if(bridge_routes_, [&](const auto& e) { return e.second == worst; });
}

Address Network::bridge_route(MacAddress mac) const {
  auto it = bridge_routes_.find(mac);
  return it == bridge_routes_.end() ? Address() : it->second;
}

}  // namespace zt
