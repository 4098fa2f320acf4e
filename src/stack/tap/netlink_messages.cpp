#include "stack/tap/netlink_messages.hpp"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <climits>
#include <cstring>

namespace zt::stack::tap {
namespace {

constexpr std::size_t kAlign = 4;  // NLMSG_ALIGNTO and RTA_ALIGNTO

std::size_t aligned(std::size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

// One request: the netlink header, a fixed family header, attributes.
class RequestWriter {
 public:
  RequestWriter(std::uint16_t type, std::uint16_t flags, std::uint32_t seq) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    append(&h, sizeof h);
  }

  template <typename Header>
  void header(const Header& h) {
    append(&h, sizeof h);
  }

  void attribute(std::uint16_t type, const void* data, std::size_t size) {
    rtattr a{};
    a.rta_type = type;
    a.rta_len = static_cast<std::uint16_t>(sizeof a + size);
    append(&a, sizeof a);
    append(data, size);
  }
  void attribute_u32(std::uint16_t type, std::uint32_t value) { attribute(type, &value, sizeof value); }
  void attribute_ip(std::uint16_t type, const InetAddress& ip) { attribute(type, ip.ip(), ip.ip_length()); }

  NetlinkBytes finish() {
    const auto length = static_cast<std::uint32_t>(bytes_.size());
    std::memcpy(bytes_.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
    return std::move(bytes_);
  }

 private:
  // Every piece is padded to 4 bytes, as netlink lays messages out.
  void append(const void* data, std::size_t size) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + aligned(size), 0);
    if (size) std::memcpy(bytes_.data() + at, data, size);
  }

  NetlinkBytes bytes_;
};

unsigned char family_of(const InetAddress& ip) { return ip.is_v4() ? AF_INET : AF_INET6; }

// The prefix length a NetworkInfo address or route target carries.
unsigned char prefix_of(const InetAddress& ip) {
  const unsigned max_bits = ip.is_v4() ? 32 : 128;
  return static_cast<unsigned char>(ip.port() > max_bits ? max_bits : ip.port());
}

InetAddress ipv4_broadcast(const InetAddress& address) {
  std::uint8_t b[4];
  std::memcpy(b, address.ip(), 4);
  const unsigned bits = prefix_of(address);
  for (unsigned i = bits; i < 32; ++i) b[i / 8] |= static_cast<std::uint8_t>(0x80 >> (i % 8));
  return InetAddress::v4(b, 0);
}

}  // namespace

NetlinkBytes link_setup_request(std::uint32_t seq, int ifindex, MacAddress mac, unsigned mtu) {
  RequestWriter w(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq);
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = ifindex;
  info.ifi_flags = IFF_UP;
  info.ifi_change = IFF_UP;
  w.header(info);
  std::uint8_t mac_bytes[MacAddress::kLength];
  mac.to_bytes(mac_bytes);
  w.attribute(IFLA_ADDRESS, mac_bytes, sizeof mac_bytes);
  w.attribute_u32(IFLA_MTU, mtu);
  return w.finish();
}

NetlinkBytes address_request(std::uint32_t seq, bool add, int ifindex, const InetAddress& address) {
  const std::uint16_t flags = add ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE
                                  : NLM_F_REQUEST | NLM_F_ACK;
  RequestWriter w(add ? RTM_NEWADDR : RTM_DELADDR, flags, seq);
  ifaddrmsg a{};
  a.ifa_family = family_of(address);
  a.ifa_prefixlen = prefix_of(address);
  a.ifa_flags = IFA_F_PERMANENT | (address.is_v6() ? IFA_F_NODAD : 0);
  a.ifa_scope = RT_SCOPE_UNIVERSE;
  a.ifa_index = static_cast<std::uint32_t>(ifindex);
  w.header(a);
  w.attribute_ip(IFA_LOCAL, address);
  w.attribute_ip(IFA_ADDRESS, address);
  if (add && address.is_v4() && prefix_of(address) < 31)
    w.attribute_ip(IFA_BROADCAST, ipv4_broadcast(address));
  return w.finish();
}

NetlinkBytes route_request(std::uint32_t seq, bool add, int ifindex, const NetworkRoute& route) {
  const std::uint16_t flags = add ? NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
                                  : NLM_F_REQUEST | NLM_F_ACK;
  RequestWriter w(add ? RTM_NEWROUTE : RTM_DELROUTE, flags, seq);
  const bool gateway = !route.via.is_nil();
  rtmsg r{};
  r.rtm_family = family_of(route.target);
  r.rtm_dst_len = prefix_of(route.target);
  r.rtm_table = RT_TABLE_MAIN;
  r.rtm_protocol = RTPROT_STATIC;
  r.rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  r.rtm_type = RTN_UNICAST;
  w.header(r);
  w.attribute_ip(RTA_DST, route.target);
  w.attribute_u32(RTA_OIF, static_cast<std::uint32_t>(ifindex));
  if (gateway) {
    w.attribute_ip(RTA_GATEWAY, route.via);
    w.attribute_u32(RTA_PRIORITY, kGatewayRouteMetric);
  }
  return w.finish();
}

std::optional<int> parse_ack(std::span<const std::uint8_t> datagram, std::uint32_t seq) {
  std::size_t at = 0;
  while (datagram.size() - at >= sizeof(nlmsghdr)) {
    nlmsghdr h;
    std::memcpy(&h, datagram.data() + at, sizeof h);
    if (h.nlmsg_len < sizeof h || h.nlmsg_len > datagram.size() - at) return std::nullopt;
    const std::size_t payload = h.nlmsg_len - sizeof h;
    if (h.nlmsg_type == NLMSG_ERROR && h.nlmsg_seq == seq && payload >= sizeof(int)) {
      int error = 0;
      std::memcpy(&error, datagram.data() + at + sizeof h, sizeof error);
      // The kernel sends 0 or a negative errno; anything else is not an ack.
      if (error > 0 || error == INT_MIN) return std::nullopt;
      return -error;
    }
    at += aligned(h.nlmsg_len);
    if (at > datagram.size()) break;
  }
  return std::nullopt;
}

}  // namespace zt::stack::tap
