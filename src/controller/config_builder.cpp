#include "controller/config_builder.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "controller/rule_json.hpp"
#include "proto/network_id.hpp"
#include "proto/rules.hpp"

namespace zt::controller {
namespace {

// What upstream's fixed char buffers keep of a string: up to a NUL, at
// most `max` bytes.
std::string c_string(std::string text, std::size_t max) {
  if (auto nul = text.find('\0'); nul != std::string::npos) text.resize(nul);
  if (text.size() > max) text.resize(max);
  return text;
}

void set_remote_trace(const json& network, const json& member, NetworkConfig& nc) {
  const std::string own = json_string(field(member, "remoteTraceTarget"), "");
  if (own.size() == 10) {
    nc.remote_trace_target = Address(hex_u64(own));
    nc.remote_trace_level =
        static_cast<std::uint32_t>(json_uint(field(member, "remoteTraceLevel"), 0));
    return;
  }
  const std::string shared = json_string(field(network, "remoteTraceTarget"), "");
  nc.remote_trace_target = shared.size() == 10 ? Address(hex_u64(shared)) : Address();
  nc.remote_trace_level =
      static_cast<std::uint32_t>(json_uint(field(network, "remoteTraceLevel"), 0));
}

void add_specialist(NetworkConfig& nc, Address address, std::uint64_t role) {
  for (std::uint64_t& s : nc.specialists)
    if ((s & 0xffffffffffULL) == address.value()) {
      s |= role;
      return;
    }
  if (nc.specialists.size() < kMaxNetworkSpecialists)
    nc.specialists.push_back(address.value() | role);
}

// Capabilities the member holds, in the order of its list; a new member is
// first given every capability marked "default".
void issue_capabilities(const Identity& signer, const json& network, json& member,
                        const ConfigRequest& req, NetworkConfig& nc) {
  json& held = member["capabilities"];
  if (!held.is_array()) held = json::array();
  std::map<std::uint32_t, const json*> by_id;
  if (const json& caps = field(network, "capabilities"); caps.is_array()) {
    for (const json& cap : caps) {
      if (!cap.is_object()) continue;
      const auto id = static_cast<std::uint32_t>(json_uint(field(cap, "id"), 0));
      by_id[id] = &cap;
      if (!req.new_member || !json_bool(field(cap, "default"), false)) continue;
      const bool have = std::any_of(held.begin(), held.end(), [id](const json& h) {
        return static_cast<std::uint32_t>(json_uint(h, 0)) == id;
      });
      if (!have) held.push_back(std::uint64_t{id});
    }
  }
  for (const json& h : held) {
    auto it = by_id.find(static_cast<std::uint32_t>(json_uint(h, 0)));
    if (it == by_id.end() || it->second->empty()) continue;
    Capability cap;
    cap.network_id = req.network_id;
    cap.timestamp = req.now;
    cap.id = it->first;
    cap.max_custody_chain_length = 1;
    cap.set_rules(write_rules(rules_from_json(field(*it->second, "rules"), Capability::kMaxRules)));
    if (cap.sign(signer, req.member.address())) nc.capabilities.push_back(std::move(cap));
    if (nc.capabilities.size() >= kMaxNetworkCapabilities) break;
  }
}

// The member's tags plus network tags with a numeric default it lacks
// (those are added to its record), issued in ascending id order.
void issue_tags(const Identity& signer, const json& network, json& member, const ConfigRequest& req,
                NetworkConfig& nc) {
  std::map<std::uint32_t, std::uint32_t> values;
  json& held = member["tags"];
  if (held.is_array())
    for (const json& t : held)
      if (t.is_array() && t.size() == 2)
        values[static_cast<std::uint32_t>(json_uint(t[0], 0))] =
            static_cast<std::uint32_t>(json_uint(t[1], 0));
  if (const json& tags = field(network, "tags"); tags.is_array()) {
    for (const json& t : tags) {
      if (!t.is_object()) continue;
      const auto id = static_cast<std::uint32_t>(json_uint(field(t, "id"), 0));
      const json& dfl = field(t, "default");
      if (!dfl.is_number() || values.count(id)) continue;
      values[id] = static_cast<std::uint32_t>(json_uint(dfl, 0));
      if (held.is_null() || held.is_array()) held.push_back(json::array({id, dfl}));
    }
  }
  for (const auto& [id, value] : values) {
    if (nc.tags.size() >= kMaxNetworkTags) break;
    Tag tag;
    tag.network_id = req.network_id;
    tag.timestamp = req.now;
    tag.id = id;
    tag.value = value;
    tag.issued_to = req.member.address();
    if (tag.sign(signer)) nc.tags.push_back(tag);
  }
}

void add_routes(const json& network, NetworkConfig& nc) {
  const json& routes = field(network, "routes");
  if (!routes.is_array()) return;
  for (const json& route : routes) {
    if (nc.routes.size() >= kMaxNetworkRoutes) break;
    const json& target = field(route, "target");
    if (!target.is_string()) continue;
    const InetAddress t = inet_from_text(target.get_ref<const std::string&>());
    const json& via_text = field(route, "via");
    const InetAddress via = via_text.is_string()
                                ? inet_from_text(via_text.get_ref<const std::string&>())
                                : InetAddress();
    if (t.is_nil()) continue;
    nc.routes.push_back({t, via.family() == t.family() ? via : InetAddress(), 0, 0});
  }
}

void add_static_ip(NetworkConfig& nc, const InetAddress& ip) {
  if (nc.static_ips.size() < kMaxStaticIps) nc.static_ips.push_back(ip);
}

// rfc4193/6plane, then the member's own assignments that a route covers,
// then one address from the pools of each family it still lacks.
void assign_ips(const json& network, json& member, const NetworkSummary& summary,
                const ConfigRequest& req, const RandomFn& random, NetworkConfig& nc) {
  const bool no_auto = json_bool(field(member, "noAutoAssignIps"), false);
  const json& v6_mode = field(network, "v6AssignMode");
  const json& v4_mode = field(network, "v4AssignMode");
  const Address id = req.member.address();
  if (v6_mode.is_object() && !no_auto) {
    if (json_bool(field(v6_mode, "rfc4193"), false) && nc.static_ips.size() < kMaxStaticIps) {
      add_static_ip(nc, rfc4193_address(req.network_id, id));
      nc.flags |= kNetworkFlagEnableNdpEmulation;
    }
    if (json_bool(field(v6_mode, "6plane"), false) && nc.static_ips.size() < kMaxStaticIps) {
      add_static_ip(nc, sixplane_address(req.network_id, id));
      nc.flags |= kNetworkFlagEnableNdpEmulation;
    }
  }

  bool have_v4 = false, have_v6 = false;
  json assignments = field(member, "ipAssignments");
  if (assignments.is_array()) {
    for (const json& entry : assignments) {
      if (!entry.is_string()) continue;
      InetAddress ip = inet_from_text(entry.get_ref<const std::string&>());
      const int bits = routed_netmask_bits(nc.routes, ip);
      if (bits < 0) continue;  // not on any route: not sent
      ip.set_port(static_cast<std::uint16_t>(bits));
      add_static_ip(nc, ip);
      (ip.is_v4() ? have_v4 : have_v6) = true;
    }
  } else {
    assignments = json::array();
  }

  const json& pools = field(network, "ipAssignmentPools");
  if (!pools.is_array() || no_auto) return;
  auto take = [&](const InetAddress& ip) {
    assignments.push_back(inet_ip_text(ip));
    member["ipAssignments"] = assignments;
    add_static_ip(nc, ip);
  };
  if (v6_mode.is_object() && json_bool(field(v6_mode, "zt"), false)) {
    for (const json& pool : pools) {
      if (have_v6) break;
      if (!pool.is_object()) continue;
      const InetAddress start = inet_from_text(json_string(field(pool, "ipRangeStart"), ""));
      const InetAddress end = inet_from_text(json_string(field(pool, "ipRangeEnd"), ""));
      if (auto ip = allocate_ipv6(start, end, id, nc.routes, summary, assignments, random)) {
        take(*ip);
        have_v6 = true;
      }
    }
  }
  if (v4_mode.is_object() && json_bool(field(v4_mode, "zt"), false)) {
    for (const json& pool : pools) {
      if (have_v4) break;
      if (!pool.is_object()) continue;
      const InetAddress start = inet_from_text(json_string(field(pool, "ipRangeStart"), ""));
      const InetAddress end = inet_from_text(json_string(field(pool, "ipRangeEnd"), ""));
      if (auto ip = allocate_ipv4(start, end, id, nc.routes, summary, assignments)) {
        take(*ip);
        have_v4 = true;
      }
    }
  }
}

void set_dns(const json& network, NetworkConfig& nc) {
  const json& dns = field(network, "dns");
  if (!dns.is_object()) return;
  nc.dns.domain =
      c_string(json_string(field(dns, "domain"), ""), NetworkConfig::Dns::kDomainFieldSize - 1);
  const json& servers = field(dns, "servers");
  if (!servers.is_array()) return;
  for (std::size_t i = 0; i < servers.size() && i < kMaxDnsServers; ++i)
    nc.dns.servers[i] = inet_from_text(json_string(servers[i], ""));
}

}  // namespace

std::uint64_t credential_time_max_delta(const json& network) {
  std::int64_t ctmd = static_cast<std::int64_t>(kDefaultCredentialTimeMaxDelta);
  if (const json& v = field(network, "certificateTimeoutWindowSize"); v.is_number())
    ctmd = static_cast<std::int64_t>(json_uint(v, 0));
  return static_cast<std::uint64_t>(
      std::clamp(ctmd, static_cast<std::int64_t>(kMinCredentialTimeMaxDelta),
                 static_cast<std::int64_t>(kMaxCredentialTimeMaxDelta)));
}

std::optional<NetworkConfig> build_network_config(const Identity& signer, const json& network,
                                                  json& member, const NetworkSummary& summary,
                                                  const ConfigRequest& req,
                                                  const RandomFn& random) {
  if (!signer.has_private()) return std::nullopt;
  if (!member.is_object()) member = json::object();
  NetworkConfig nc;
  nc.network_id = req.network_id;
  nc.type = json_bool(field(network, "private"), true) ? NetworkConfig::Type::kPrivate
                                                       : NetworkConfig::Type::kPublic;
  nc.timestamp = req.now;
  nc.credential_time_max_delta = credential_time_max_delta(network);
  nc.revision = json_uint(field(network, "revision"), 0);
  nc.issued_to = req.member.address();
  if (json_bool(field(network, "enableBroadcast"), true)) nc.flags |= kNetworkFlagEnableBroadcast;
  nc.name = c_string(json_string(field(network, "name"), ""), kMaxNetworkNameLength);
  nc.mtu =
      std::clamp(static_cast<std::uint32_t>(json_uint(field(network, "mtu"), kDefaultNetworkMtu)),
                 kMinNetworkMtu, kMaxNetworkMtu);
  nc.multicast_limit = static_cast<std::uint32_t>(json_uint(field(network, "multicastLimit"), 32));
  // The file database has no SSO backend: version 0 without a URL.
  nc.sso_enabled = json_bool(field(network, "ssoEnabled"), false);
  nc.authentication_expiry_time = json_uint(field(member, "authenticationExpiryTime"), 0);
  set_remote_trace(network, member, nc);
  for (Address bridge : summary.active_bridges) add_specialist(nc, bridge, kSpecialistActiveBridge);

  if (req.rules_engine_revision == 0) {
    nc.rules = write_rules(default_rules());
  } else {
    nc.rules = write_rules(rules_from_json(field(network, "rules"), kMaxNetworkRules));
    issue_capabilities(signer, network, member, req, nc);
    issue_tags(signer, network, member, req, nc);
  }
  add_routes(network, nc);
  assign_ips(network, member, summary, req, random, nc);
  set_dns(network, nc);

  if (!nc.static_ips.empty()) {
    CertificateOfOwnership coo;
    coo.network_id = req.network_id;
    coo.timestamp = req.now;
    coo.id = 1;
    coo.issued_to = req.member.address();
    for (const InetAddress& ip : nc.static_ips) coo.add(ip);
    if (coo.sign(signer)) nc.certificates_of_ownership.push_back(std::move(coo));
  }
  nc.com = CertificateOfMembership::issue(static_cast<std::uint64_t>(req.now),
                                          nc.credential_time_max_delta, req.network_id, req.member);
  if (!nc.com.sign(signer)) return std::nullopt;
  return nc;
}

}  // namespace zt::controller
