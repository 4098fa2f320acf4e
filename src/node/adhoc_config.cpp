#include "node/adhoc_config.hpp"

#include <cstdio>

#include "proto/network_id.hpp"
#include "proto/rules.hpp"

namespace zt {

AdhocConfig adhoc_config(std::uint64_t nwid, Address me, std::int64_t now) {
  AdhocConfig out;
  const std::optional<AdhocNetwork> adhoc = decode_adhoc_network(nwid);
  if (!adhoc) return out;
  if (adhoc->kind == AdhocNetwork::Kind::kPortRange && adhoc->end_port < adhoc->start_port) {
    out.kind = AdhocConfig::Kind::kNotFound;
    return out;
  }
  NetworkConfig& c = out.config;
  c.network_id = nwid;
  c.timestamp = now;
  c.credential_time_max_delta = kMaxCredentialTimeMaxDelta;
  c.revision = 1;
  c.issued_to = me;
  c.flags = kNetworkFlagEnableNdpEmulation;
  c.mtu = kDefaultNetworkMtu;
  c.type = NetworkConfig::Type::kPublic;
  c.static_ips.push_back(sixplane_address(nwid, me));
  char name[32];
  if (adhoc->kind == AdhocNetwork::Kind::kPortRange) {
    c.multicast_limit = 0;
    c.rules = write_rules(adhoc_port_range_rules(adhoc->start_port, adhoc->end_port));
    std::snprintf(name, sizeof name, "adhoc-%04x-%04x", adhoc->start_port, adhoc->end_port);
  } else {
    c.multicast_limit = 1024;
    c.rules = write_rules(default_rules());
    // The hub is listed with no role bits, exactly as upstream does.
    if (!adhoc->hub.is_nil()) c.specialists.push_back(adhoc->hub.value());
    const std::uint64_t a = me.value();
    const std::uint8_t ip[4] = {adhoc->ipv4_prefix, static_cast<std::uint8_t>(a >> 16),
                                static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)};
    c.static_ips.push_back(InetAddress::v4(ip, 8));
    std::snprintf(name, sizeof name, "adhoc-%u.0.0.0", unsigned{adhoc->ipv4_prefix});
  }
  c.name = name;
  out.kind = AdhocConfig::Kind::kConfig;
  return out;
}

}  // namespace zt
