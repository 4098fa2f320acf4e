// ztsdk's records in libzt's C structures: addresses as sockaddrs with the
// prefix in the port (network order), network and peer info, and which
// addresses an lwIP interface holds for a config.
#include "api/zts_structs.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

#include "api/observed_port.hpp"

namespace zt::api {
namespace {

InetAddress ip(const char* text) { return *InetAddress::from_string(text); }

TEST(ZtsStructs, AddressesAreBsdSockaddrsWithThePrefixInThePort) {
  zts_sockaddr_storage ss;
  to_zts_storage(ip("10.147.17.5/24"), ss);
  zts_sockaddr_in in;
  std::memcpy(&in, &ss, sizeof in);
  EXPECT_EQ(in.sin_family, ZTS_AF_INET);
  EXPECT_EQ(in.sin_len, sizeof(zts_sockaddr_in));
  EXPECT_EQ(ntohs(in.sin_port), 24);
  EXPECT_EQ(ntohl(in.sin_addr.s_addr), 0x0a931105u);

  to_zts_storage(ip("fd80:56c2:e21c:0:199:9389:e92c:eee5/88"), ss);
  zts_sockaddr_in6 in6;
  std::memcpy(&in6, &ss, sizeof in6);
  EXPECT_EQ(in6.sin6_family, ZTS_AF_INET6);
  EXPECT_EQ(ntohs(in6.sin6_port), 88);
  EXPECT_EQ(in6.sin6_addr.un.u8_addr[0], 0xfd);
  EXPECT_EQ(in6.sin6_addr.un.u8_addr[15], 0xe5);

  to_zts_storage(InetAddress(), ss);
  EXPECT_EQ(ss.ss_family, 0);
}

TEST(ZtsStructs, NetworkInfo) {
  NetworkInfo info;
  info.id = 0x8056c2e21c000001ULL;
  info.mac = MacAddress(0x32a1b2c3d4e5ULL);
  info.name = std::string(200, 'n');  // longer than libzt's field
  info.status = NetworkStatus::kOk;
  info.type = NetworkType::kPublic;
  info.mtu = 2800;
  info.broadcast_enabled = true;
  info.revision = 42;
  info.assigned_addresses = {ip("10.0.0.2/8"), ip("fd00::2/88")};
  info.routes = {{ip("10.0.0.0/8"), InetAddress(), 0, 0},
                 {ip("0.0.0.0/0"), ip("10.0.0.1/0"), 1, 2}};
  info.multicast_subscriptions = {{MacAddress(0xffffffffffffULL), 0x0a000002}};
  auto out = std::make_unique<zts_net_info_t>();
  to_zts_net_info(info, true, *out);
  EXPECT_EQ(out->net_id, info.id);
  EXPECT_EQ(out->mac, 0x32a1b2c3d4e5ULL);
  EXPECT_EQ(std::strlen(out->name), static_cast<std::size_t>(ZTS_MAX_NETWORK_SHORT_NAME_LENGTH));
  EXPECT_EQ(out->status, ZTS_NETWORK_STATUS_OK);
  EXPECT_EQ(out->type, ZTS_NETWORK_TYPE_PUBLIC);
  EXPECT_EQ(out->mtu, 2800u);
  EXPECT_EQ(out->broadcast_enabled, 1);
  EXPECT_NE(out->port_error, 0);
  EXPECT_EQ(out->netconf_rev, 42u);
  ASSERT_EQ(out->assigned_addr_count, 2u);
  EXPECT_EQ(out->assigned_addrs[1].ss_family, ZTS_AF_INET6);
  ASSERT_EQ(out->route_count, 2u);
  EXPECT_EQ(out->routes[0].via.ss_family, 0);  // on-link
  EXPECT_EQ(out->routes[1].via.ss_family, ZTS_AF_INET);
  EXPECT_EQ(out->routes[1].flags, 1);
  EXPECT_EQ(out->routes[1].metric, 2);
  ASSERT_EQ(out->multicast_sub_count, 1u);
  EXPECT_EQ(out->multicast_subs[0].adi, 0x0a000002u);
}

TEST(ZtsStructs, NetworkInfoStopsAtLibztsLimits) {
  NetworkInfo info;
  for (int i = 0; i < 40; ++i) info.routes.push_back({ip("10.0.0.0/8"), InetAddress(), 0, 0});
  for (int i = 0; i < 20; ++i) info.assigned_addresses.push_back(ip("10.0.0.2/8"));
  auto out = std::make_unique<zts_net_info_t>();
  to_zts_net_info(info, false, *out);
  EXPECT_EQ(out->route_count, static_cast<unsigned>(ZTS_MAX_NETWORK_ROUTES));
  EXPECT_EQ(out->assigned_addr_count, static_cast<unsigned>(ZTS_MAX_ASSIGNED_ADDRESSES));
  EXPECT_EQ(out->port_error, 0);
}

TEST(ZtsStructs, PeerInfo) {
  PeerInfo p;
  p.address = Address(0x0123456789ULL);
  p.version_major = 1;
  p.version_minor = 14;
  p.version_rev = 1;
  p.latency_ms = 3;
  p.role = PeerRole::kPlanet;
  PathInfo path;
  path.address = ip("127.0.0.1/9993");
  path.last_send = 1000;
  path.last_receive = 2000;
  path.preferred = true;
  p.paths = {path};
  auto out = std::make_unique<zts_peer_info_t>();
  to_zts_peer_info(p, *out);
  EXPECT_EQ(out->peer_id, 0x0123456789ULL);
  EXPECT_EQ(out->ver_minor, 14);
  EXPECT_EQ(out->latency, 3);
  EXPECT_EQ(out->role, ZTS_PEER_ROLE_PLANET);
  ASSERT_EQ(out->path_count, 1u);
  EXPECT_EQ(out->paths[0].last_rx, 2000u);
  EXPECT_EQ(out->paths[0].preferred, 1);
  zts_sockaddr_in in;
  std::memcpy(&in, &out->paths[0].address, sizeof in);
  EXPECT_EQ(ntohs(in.sin_port), 9993);
}

TEST(ObservedPort, LwipHoldsTheFirstIpv4AndEveryIpv6Address) {
  const std::vector<InetAddress> assigned = {ip("fd00::1/88"), ip("10.0.0.2/8"), ip("10.9.9.9/16"),
                                             ip("fc00::1/40")};
  EXPECT_EQ(interface_addresses(assigned),
            (std::vector<InetAddress>{ip("10.0.0.2/8"), ip("fd00::1/88"), ip("fc00::1/40")}));
  EXPECT_TRUE(interface_addresses({}).empty());
}

// The structures a libzt program sees keep libzt's field order and types.
TEST(ZtsStructs, LibztLayouts) {
  static_assert(sizeof(zts_sockaddr_storage) == 28);
  static_assert(offsetof(zts_event_msg_t, node) == 8);
  static_assert(offsetof(zts_event_msg_t, len) == 64);
  static_assert(offsetof(zts_node_info_t, port_primary) == 8);
  static_assert(offsetof(zts_node_info_t, ver_major) == 14);
  static_assert(offsetof(zts_net_info_t, name) == 16);
  static_assert(offsetof(zts_net_info_t, status) == 16 + ZTS_MAX_NETWORK_SHORT_NAME_LENGTH + 1);
  static_assert(offsetof(zts_addr_info_t, addr) == 8);
  static_assert(sizeof(zts_netif_info_t) == 24);
  SUCCEED();
}

}  // namespace
}  // namespace zt::api
