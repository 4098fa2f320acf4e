#include "api/zts_structs.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace zt::api {

void to_zts_storage(const InetAddress& address, zts_sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (address.is_v4()) {
    zts_sockaddr_in in{};
    in.sin_len = sizeof in;
    in.sin_family = ZTS_AF_INET;
    in.sin_port = htons(address.port());
    std::memcpy(&in.sin_addr, address.ip(), 4);
    std::memcpy(&out, &in, sizeof in);
  } else if (address.is_v6()) {
    zts_sockaddr_in6 in6{};
    in6.sin6_len = sizeof in6;
    in6.sin6_family = ZTS_AF_INET6;
    in6.sin6_port = htons(address.port());
    std::memcpy(&in6.sin6_addr, address.ip(), 16);
    std::memcpy(&out, &in6, sizeof in6);
  }
}

void to_zts_net_info(const NetworkInfo& info, bool port_error, zts_net_info_t& out) {
  std::memset(&out, 0, sizeof out);
  out.net_id = info.id;
  out.mac = info.mac.value();
  const std::size_t name_len = std::min(info.name.size(), sizeof out.name - 1);
  std::memcpy(out.name, info.name.data(), name_len);
  // Status 6 (SSO) has no libzt name but keeps its upstream value.
  out.status = static_cast<zts_network_status_t>(info.status);
  out.type = info.type == NetworkType::kPublic ? ZTS_NETWORK_TYPE_PUBLIC : ZTS_NETWORK_TYPE_PRIVATE;
  out.mtu = info.mtu;
  out.bridge = info.bridge;
  out.broadcast_enabled = info.broadcast_enabled;
  out.port_error = port_error ? -1 : 0;
  out.netconf_rev = static_cast<unsigned long>(info.revision);
  for (const InetAddress& a : info.assigned_addresses) {
    if (out.assigned_addr_count == ZTS_MAX_ASSIGNED_ADDRESSES) break;
    to_zts_storage(a, out.assigned_addrs[out.assigned_addr_count++]);
  }
  for (const NetworkRoute& r : info.routes) {
    if (out.route_count == ZTS_MAX_NETWORK_ROUTES) break;
    zts_route_info_t& route = out.routes[out.route_count++];
    to_zts_storage(r.target, route.target);
    to_zts_storage(r.via, route.via);
    route.flags = r.flags;
    route.metric = r.metric;
  }
  for (const MulticastGroup& g : info.multicast_subscriptions) {
    if (out.multicast_sub_count == ZTS_MAX_MULTICAST_SUBSCRIPTIONS) break;
    out.multicast_subs[out.multicast_sub_count].mac = g.mac.value();
    out.multicast_subs[out.multicast_sub_count].adi = g.adi;
    ++out.multicast_sub_count;
  }
}

void to_zts_peer_info(const PeerInfo& peer, zts_peer_info_t& out) {
  std::memset(&out, 0, sizeof out);
  out.peer_id = peer.address.value();
  out.ver_major = peer.version_major;
  out.ver_minor = peer.version_minor;
  out.ver_rev = peer.version_rev;
  out.latency = peer.latency_ms;
  out.role = peer.role == PeerRole::kPlanet ? ZTS_PEER_ROLE_PLANET
             : peer.role == PeerRole::kMoon ? ZTS_PEER_ROLE_MOON
                                            : ZTS_PEER_ROLE_LEAF;
  for (const PathInfo& p : peer.paths) {
    if (out.path_count == ZTS_MAX_PEER_NETWORK_PATHS) break;
    zts_path_t& path = out.paths[out.path_count++];
    to_zts_storage(p.address, path.address);
    path.last_tx = static_cast<uint64_t>(std::max<std::int64_t>(p.last_send, 0));
    path.last_rx = static_cast<uint64_t>(std::max<std::int64_t>(p.last_receive, 0));
    path.latency = static_cast<float>(peer.latency_ms);
    path.expired = p.expired;
    path.preferred = p.preferred;
  }
}

}  // namespace zt::api
