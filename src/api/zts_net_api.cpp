// The zts_ C API for networks and addresses: zts_net_*, zts_addr_*,
// zts_route_is_assigned. Questions about a network go to the loop thread.
#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "api/api_state.hpp"
#include "api/zts_structs.hpp"
#include "proto/network_id.hpp"
#include "zts.h"

using zt::api::ApiState;
using zt::api::NetworkState;

namespace {

// The network's state from the loop thread, or a ZTS_ERR_* code.
struct Lookup {
  int error = ZTS_ERR_OK;
  std::optional<NetworkState> state;
};

Lookup lookup(uint64_t net_id) {
  if (net_id == 0) return {ZTS_ERR_ARG, {}};
  auto s = ApiState::get().session();
  if (!s) return {ZTS_ERR_SERVICE, {}};
  std::optional<std::optional<NetworkState>> r = s->call([&] { return s->network(net_id); });
  if (!r) return {ZTS_ERR_SERVICE, {}};
  if (!*r) return {ZTS_ERR_NO_RESULT, {}};
  return {ZTS_ERR_OK, std::move(*r)};
}

zt::InetAddress::Family family_of(unsigned int family) {
  return family == ZTS_AF_INET    ? zt::InetAddress::Family::kV4
         : family == ZTS_AF_INET6 ? zt::InetAddress::Family::kV6
                                  : zt::InetAddress::Family::kNone;
}

const zt::InetAddress* first_of(const NetworkState& n, unsigned int family) {
  for (const zt::InetAddress& a : n.interface_addresses)
    if (a.family() == family_of(family)) return &a;
  return nullptr;
}

int text_of(const zt::InetAddress& a, char* dst, unsigned int len) {
  if (inet_ntop(a.is_v4() ? AF_INET : AF_INET6, a.ip(), dst, len) == nullptr) return ZTS_ERR_ARG;
  return ZTS_ERR_OK;
}

int copy_computed(const zt::InetAddress& a, struct zts_sockaddr_storage* addr) {
  zt::api::to_zts_storage(zt::InetAddress::v6(a.ip(), 0), *addr);
  return ZTS_ERR_OK;
}

}  // namespace

extern "C" {

int zts_net_join(uint64_t net_id) {
  if (net_id == 0) return ZTS_ERR_ARG;
  auto s = ApiState::get().session();
  if (!s) return ZTS_ERR_SERVICE;
  return s->call([&] { return s->join(net_id); }) ? ZTS_ERR_OK : ZTS_ERR_SERVICE;
}

int zts_net_leave(uint64_t net_id) {
  if (net_id == 0) return ZTS_ERR_ARG;
  auto s = ApiState::get().session();
  if (!s) return ZTS_ERR_SERVICE;
  const std::optional<bool> left = s->call([&] { return s->leave(net_id); });
  if (!left) return ZTS_ERR_SERVICE;
  return *left ? ZTS_ERR_OK : ZTS_ERR_NO_RESULT;
}

int zts_net_transport_is_ready(const uint64_t net_id) {
  const Lookup n = lookup(net_id);
  return n.state && n.state->ready() ? 1 : 0;
}

int zts_net_get_status(uint64_t net_id) {
  const Lookup n = lookup(net_id);
  return n.state ? static_cast<int>(n.state->info.status) : n.error;
}

uint64_t zts_net_get_mac(uint64_t net_id) {
  const Lookup n = lookup(net_id);
  return n.state ? n.state->info.mac.value() : 0;
}

int zts_net_get_mac_str(uint64_t net_id, char* dst, unsigned int len) {
  if (dst == nullptr || len < ZTS_MAC_ADDRSTRLEN) return ZTS_ERR_ARG;
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  const std::string text = n.state->info.mac.to_string();
  std::snprintf(dst, len, "%s", text.c_str());
  return ZTS_ERR_OK;
}

int zts_net_get_mtu(uint64_t net_id) {
  const Lookup n = lookup(net_id);
  return n.state ? static_cast<int>(n.state->info.mtu) : n.error;
}

int zts_net_get_name(uint64_t net_id, char* dst, unsigned int len) {
  if (dst == nullptr || len == 0) return ZTS_ERR_ARG;
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  std::snprintf(dst, len, "%s", n.state->info.name.c_str());
  return ZTS_ERR_OK;
}

int zts_net_get_type(uint64_t net_id) {
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  return n.state->info.type == zt::NetworkType::kPublic ? ZTS_NETWORK_TYPE_PUBLIC
                                                        : ZTS_NETWORK_TYPE_PRIVATE;
}

int zts_net_get_broadcast(uint64_t net_id) {
  const Lookup n = lookup(net_id);
  return n.state ? (n.state->info.broadcast_enabled ? 1 : 0) : n.error;
}

int zts_route_is_assigned(uint64_t net_id, unsigned int family) {
  const Lookup n = lookup(net_id);
  if (!n.state) return 0;
  for (const zt::NetworkRoute& r : n.state->info.routes)
    if (r.target.family() == family_of(family)) return 1;
  return 0;
}

uint64_t zts_net_compute_adhoc_id(uint16_t start_port, uint16_t end_port) {
  return (0xffULL << 56) | (static_cast<uint64_t>(start_port) << 40) |
         (static_cast<uint64_t>(end_port) << 24);
}

int zts_addr_is_assigned(uint64_t net_id, unsigned int family) {
  const Lookup n = lookup(net_id);
  return n.state && first_of(*n.state, family) != nullptr ? 1 : 0;
}

int zts_addr_get(uint64_t net_id, unsigned int family, struct zts_sockaddr_storage* addr) {
  if (addr == nullptr || family_of(family) == zt::InetAddress::Family::kNone) return ZTS_ERR_ARG;
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  const zt::InetAddress* a = first_of(*n.state, family);
  if (a == nullptr) return ZTS_ERR_NO_RESULT;
  // An address, not a prefix: the port field is 0 here.
  zt::api::to_zts_storage(
      a->is_v4() ? zt::InetAddress::v4(a->ip(), 0) : zt::InetAddress::v6(a->ip(), 0), *addr);
  return ZTS_ERR_OK;
}

int zts_addr_get_str(uint64_t net_id, unsigned int family, char* dst, unsigned int len) {
  if (dst == nullptr || len < ZTS_INET6_ADDRSTRLEN ||
      family_of(family) == zt::InetAddress::Family::kNone)
    return ZTS_ERR_ARG;
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  const zt::InetAddress* a = first_of(*n.state, family);
  if (a == nullptr) return ZTS_ERR_NO_RESULT;
  return text_of(*a, dst, len);
}

int zts_addr_get_all(uint64_t net_id, struct zts_sockaddr_storage* addr, unsigned int* count) {
  if (addr == nullptr || count == nullptr || *count == 0) return ZTS_ERR_ARG;
  const Lookup n = lookup(net_id);
  if (!n.state) return n.error;
  if (n.state->interface_addresses.empty()) return ZTS_ERR_NO_RESULT;
  unsigned int written = 0;
  for (const zt::InetAddress& a : n.state->interface_addresses) {
    if (written == *count) break;
    zt::api::to_zts_storage(
        a.is_v4() ? zt::InetAddress::v4(a.ip(), 0) : zt::InetAddress::v6(a.ip(), 0),
        addr[written++]);
  }
  *count = written;
  return ZTS_ERR_OK;
}

int zts_addr_compute_rfc4193(const uint64_t net_id, const uint64_t node_id,
                             struct zts_sockaddr_storage* addr) {
  if (addr == nullptr || net_id == 0 || node_id == 0) return ZTS_ERR_ARG;
  return copy_computed(zt::rfc4193_address(net_id, zt::Address(node_id)), addr);
}

int zts_addr_compute_6plane(const uint64_t net_id, const uint64_t node_id,
                            struct zts_sockaddr_storage* addr) {
  if (addr == nullptr || net_id == 0 || node_id == 0) return ZTS_ERR_ARG;
  return copy_computed(zt::sixplane_address(net_id, zt::Address(node_id)), addr);
}

int zts_addr_compute_rfc4193_str(uint64_t net_id, uint64_t node_id, char* dst, unsigned int len) {
  if (dst == nullptr || len < ZTS_INET6_ADDRSTRLEN || net_id == 0 || node_id == 0)
    return ZTS_ERR_ARG;
  return text_of(zt::rfc4193_address(net_id, zt::Address(node_id)), dst, len);
}

int zts_addr_compute_6plane_str(uint64_t net_id, uint64_t node_id, char* dst, unsigned int len) {
  if (dst == nullptr || len < ZTS_INET6_ADDRSTRLEN || net_id == 0 || node_id == 0)
    return ZTS_ERR_ARG;
  return text_of(zt::sixplane_address(net_id, zt::Address(node_id)), dst, len);
}

}  // extern "C"
