// Sockets over StackInterfaces seen as raw frames: a listening socket
// answers a SYN, and outgoing traffic leaves through the right network
// (bound source address, the networks' real IPv6 prefixes, managed routes).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <tuple>

#include "stack/frame_collector.hpp"
#include "stack/raw_frames.hpp"
#include "stack/stack_interface.hpp"
#include "zts.h"

namespace zt::stack {
namespace {

using namespace zt::test::frames;
using zt::test::FrameCollector;

const Mac kPeerMac = mac_of(0x02aabbccdd02);
const Mac kBroadcast = mac_of(0xffffffffffff);

InetAddress addr(const char* text) { return *InetAddress::from_string(text); }

std::unique_ptr<StackInterface> make(FrameCollector& out, std::uint64_t mac,
                                     std::vector<InetAddress> addresses,
                                     std::vector<Route> routes = {}) {
  InterfaceConfig c;
  c.mac = MacAddress(mac);
  c.addresses = std::move(addresses);
  c.routes = std::move(routes);
  std::string error;
  auto iface = StackInterface::create(c, out.sink(), &error);
  EXPECT_TRUE(iface) << error;
  out.skip_all();
  return iface;
}

bool is_tcp(const Parsed& p) {
  return p.ether_type == kEtherIp4 && p.protocol == kProtoTcp && p.l4.size() >= 20;
}
bool is_arp_request(const Parsed& p) { return p.ether_type == kEtherArp && p.arp_op == 1; }
bool is_neighbor_solicitation(const Parsed& p) {
  return p.ether_type == kEtherIp6 && p.protocol == kProtoIcmp6 && !p.l4.empty() && p.l4[0] == 135;
}
Ip6 ns_target(const Parsed& p) {
  Ip6 t{};
  std::copy(p.l4.begin() + 8, p.l4.begin() + 24, t.begin());
  return t;
}

// A nonblocking TCP connect to `to`, from `from` when given; the SYN (or
// the address resolution before it) is what the test looks at.
int start_connect(const char* to, unsigned short port, const char* from = nullptr) {
  zts_sockaddr_storage a{};
  zts_socklen_t len = sizeof a;
  EXPECT_EQ(zts_util_ipstr_to_saddr(to, port, reinterpret_cast<zts_sockaddr*>(&a), &len),
            ZTS_ERR_OK);
  const int fd = zts_bsd_socket(a.ss_family, ZTS_SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  if (from != nullptr) {
    EXPECT_EQ(zts_bind(fd, from, 0), ZTS_ERR_OK) << zts_errno;
  }
  EXPECT_EQ(zts_set_blocking(fd, 0), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&a), len), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EINPROGRESS);
  return fd;
}

TEST(StackRouting, SynToListeningPortGetsSynAck) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  const int l = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_EQ(zts_bind(l, "10.0.0.1", 8080), ZTS_ERR_OK);
  ASSERT_EQ(zts_listen(l, 4), ZTS_ERR_OK);
  const Ip4 ours{10, 0, 0, 1}, peer{10, 0, 0, 2};
  iface->input_frame(ethernet(kBroadcast, kPeerMac, kEtherArp, arp_request(kPeerMac, peer, ours)));

  const Mac our_mac = mac_of(0x02aabbccdd01);
  iface->input_frame(
      ethernet(our_mac, kPeerMac, kEtherIp4,
               ip4(peer, ours, kProtoTcp, tcp4(peer, ours, 40000, 8080, 1000, 0, kTcpSyn))));
  auto synack = out.next(is_tcp);
  ASSERT_TRUE(synack);
  EXPECT_EQ(synack->dst, kPeerMac);
  EXPECT_EQ(synack->ip4_src, ours);
  EXPECT_EQ(synack->ip4_dst, peer);
  EXPECT_TRUE(synack->ip4_header_checksum_ok);
  EXPECT_TRUE(synack->l4_checksum_ok);
  EXPECT_EQ(read16(synack->l4, 0), 8080);
  EXPECT_EQ(read16(synack->l4, 2), 40000);
  EXPECT_EQ(synack->l4[13], kTcpSyn | kTcpAck);
  EXPECT_EQ(read32(synack->l4, 8), 1001u);

  // A closed port answers with a reset instead.
  iface->input_frame(
      ethernet(our_mac, kPeerMac, kEtherIp4,
               ip4(peer, ours, kProtoTcp, tcp4(peer, ours, 40001, 8081, 5, 0, kTcpSyn))));
  auto rst = out.next(is_tcp);
  ASSERT_TRUE(rst);
  EXPECT_NE(rst->l4[13] & kTcpRst, 0);
  zts_close(l);
}

TEST(StackRouting, RemovedInterfaceNoLongerAnswersSyn) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.0.0.1/24")});
  const int l = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_EQ(zts_bind(l, "0.0.0.0", 8082), ZTS_ERR_OK);
  ASSERT_EQ(zts_listen(l, 4), ZTS_ERR_OK);
  iface.reset();
  // The address is gone with its interface: connecting to it from this
  // process finds no route.
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  EXPECT_EQ(zts_connect(fd, "10.0.0.9", 8082, 1000), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EHOSTUNREACH);
  EXPECT_EQ(out.unread(), 0u);
  zts_close(fd);
  zts_close(l);
}

// Two networks with the same IPv4 subnet: a socket bound to one network's
// address must send into that network, whichever interface lwIP lists first.
TEST(StackRouting, BoundSourceAddressPicksItsNetwork) {
  FrameCollector out_a, out_b;
  auto a = make(out_a, 0x02aabbccdd0a, {addr("10.5.0.1/24")});
  auto b = make(out_b, 0x02aabbccdd0b, {addr("10.5.0.2/24")});
  for (const auto& [from, out, other] :
       {std::tuple{"10.5.0.1", &out_a, &out_b}, std::tuple{"10.5.0.2", &out_b, &out_a}}) {
    const int fd = start_connect("10.5.0.9", 80, from);
    auto query = out->next(is_arp_request, std::chrono::seconds(2));
    ASSERT_TRUE(query) << from;
    EXPECT_EQ(query->arp_target_ip, (Ip4{10, 5, 0, 9}));
    EXPECT_EQ(query->arp_sender_ip, out == &out_a ? (Ip4{10, 5, 0, 1}) : (Ip4{10, 5, 0, 2}));
    EXPECT_EQ(other->unread(), 0u) << from;
    zts_close(fd);
    out_a.skip_all();
    out_b.skip_all();
  }
}

// Two networks of one controller: their RFC4193 /88s share a /64, which
// lwIP alone would take as one link and send everything out of one of them.
TEST(StackRouting, Ipv6RoutesByTheNetworksPrefixLength) {
  FrameCollector out_a, out_b;
  auto a = make(out_a, 0x02aabbccdd0a, {addr("fd80:56c2:e21c:0:199:93aa:aaaa:aaaa/88")});
  auto b = make(out_b, 0x02aabbccdd0b, {addr("fd80:56c2:e21c:0:299:93bb:bbbb:bbbb/88")});
  for (const auto& [to, out, other] :
       {std::tuple{"fd80:56c2:e21c:0:199:93cc:cccc:cccc", &out_a, &out_b},
        std::tuple{"fd80:56c2:e21c:0:299:93cc:cccc:cccc", &out_b, &out_a}}) {
    const int fd = start_connect(to, 80);
    auto ns = out->next(is_neighbor_solicitation, std::chrono::seconds(2));
    ASSERT_TRUE(ns) << to;
    EXPECT_EQ(ns_target(*ns), ip6_of(to));
    EXPECT_EQ(other->unread(), 0u) << to;
    zts_close(fd);
    out_a.skip_all();
    out_b.skip_all();
  }
}

TEST(StackRouting, ManagedRouteSendsThroughItsGateway) {
  FrameCollector out;
  auto iface = make(out, 0x02aabbccdd01, {addr("10.7.0.1/24")},
                    {{addr("192.168.0.0/16"), addr("10.7.0.254")}});
  const int fd = start_connect("192.168.3.4", 80);
  auto query = out.next(is_arp_request, std::chrono::seconds(2));
  ASSERT_TRUE(query);
  EXPECT_EQ(query->arp_target_ip, (Ip4{10, 7, 0, 254}))
      << "resolves the gateway, not the destination";
  zts_close(fd);

  const int unrouted = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  EXPECT_EQ(zts_connect(unrouted, "172.16.0.1", 80, 1000), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EHOSTUNREACH);
  zts_close(unrouted);
}

}  // namespace
}  // namespace zt::stack
