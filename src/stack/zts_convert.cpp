// zts_ <-> lwIP numbers and address structures.
#include "stack/zts_convert.hpp"

#include <cstdint>
#include <cstring>
#include <initializer_list>

namespace zt::stack {
namespace {

struct Pair {
  int zts;
  int lwip;
};

int find_lwip(std::initializer_list<Pair> table, int zts) {
  for (const auto& p : table)
    if (p.zts == zts) return p.lwip;
  return -1;
}

int find_zts(std::initializer_list<Pair> table, int lwip) {
  for (const auto& p : table)
    if (p.lwip == lwip) return p.zts;
  return -1;
}

int map_bits(std::initializer_list<Pair> table, int bits, bool to_lwip) {
  int out = 0;
  for (const auto& p : table) {
    const int from = to_lwip ? p.zts : p.lwip, to = to_lwip ? p.lwip : p.zts;
    if ((bits & from) == from) out |= to;
  }
  return out;
}

constexpr std::initializer_list<Pair> kMsgFlags = {{ZTS_MSG_PEEK, MSG_PEEK},
                                                   {ZTS_MSG_WAITALL, MSG_WAITALL},
                                                   {ZTS_MSG_OOB, MSG_OOB},
                                                   {ZTS_MSG_DONTWAIT, MSG_DONTWAIT},
                                                   {ZTS_MSG_MORE, MSG_MORE}};
// Only in recvmsg's msg_flags (their values overlap the send/recv flags).
constexpr std::initializer_list<Pair> kMsgResultFlags = {{ZTS_MSG_TRUNC, MSG_TRUNC},
                                                         {ZTS_MSG_CTRUNC, MSG_CTRUNC}};

constexpr std::initializer_list<Pair> kPollEvents = {
    {ZTS_POLLIN, POLLIN},     {ZTS_POLLOUT, POLLOUT},       {ZTS_POLLERR, POLLERR},
    {ZTS_POLLNVAL, POLLNVAL}, {ZTS_POLLRDNORM, POLLRDNORM}, {ZTS_POLLRDBAND, POLLRDBAND},
    {ZTS_POLLPRI, POLLPRI},   {ZTS_POLLWRNORM, POLLWRNORM}, {ZTS_POLLWRBAND, POLLWRBAND},
    {ZTS_POLLHUP, POLLHUP}};

constexpr std::initializer_list<Pair> kFileFlags = {
    {ZTS_O_NONBLOCK, O_NONBLOCK}, {ZTS_O_RDONLY, O_RDONLY}, {ZTS_O_WRONLY, O_WRONLY}};

constexpr std::initializer_list<Pair> kTypes = {
    {ZTS_SOCK_STREAM, SOCK_STREAM}, {ZTS_SOCK_DGRAM, SOCK_DGRAM}, {ZTS_SOCK_RAW, SOCK_RAW}};

constexpr std::initializer_list<Pair> kSocketOptions = {{ZTS_SO_DEBUG, SO_DEBUG},
                                                        {ZTS_SO_ACCEPTCONN, SO_ACCEPTCONN},
                                                        {ZTS_SO_REUSEADDR, SO_REUSEADDR},
                                                        {ZTS_SO_KEEPALIVE, SO_KEEPALIVE},
                                                        {ZTS_SO_DONTROUTE, SO_DONTROUTE},
                                                        {ZTS_SO_BROADCAST, SO_BROADCAST},
                                                        {ZTS_SO_LINGER, SO_LINGER},
                                                        {ZTS_SO_OOBINLINE, SO_OOBINLINE},
                                                        {ZTS_SO_REUSEPORT, SO_REUSEPORT},
                                                        {ZTS_SO_SNDBUF, SO_SNDBUF},
                                                        {ZTS_SO_RCVBUF, SO_RCVBUF},
                                                        {ZTS_SO_SNDLOWAT, SO_SNDLOWAT},
                                                        {ZTS_SO_RCVLOWAT, SO_RCVLOWAT},
                                                        {ZTS_SO_SNDTIMEO, SO_SNDTIMEO},
                                                        {ZTS_SO_RCVTIMEO, SO_RCVTIMEO},
                                                        {ZTS_SO_ERROR, SO_ERROR},
                                                        {ZTS_SO_TYPE, SO_TYPE},
                                                        {ZTS_SO_NO_CHECK, SO_NO_CHECK},
#ifdef SO_USELOOPBACK
                                                        {ZTS_SO_USELOOPBACK, SO_USELOOPBACK},
#endif
#ifdef SO_CONTIMEO
                                                        {ZTS_SO_CONTIMEO, SO_CONTIMEO},
#endif
                                                        {ZTS_SO_BINDTODEVICE, SO_BINDTODEVICE}};

constexpr std::initializer_list<Pair> kIpOptions = {
    {ZTS_IP_TOS, IP_TOS},
    {ZTS_IP_TTL, IP_TTL},
    {ZTS_IP_PKTINFO, IP_PKTINFO},
#ifdef IP_ADD_MEMBERSHIP  // lwIP defines these only with IGMP
    {ZTS_IP_ADD_MEMBERSHIP, IP_ADD_MEMBERSHIP},
    {ZTS_IP_DROP_MEMBERSHIP, IP_DROP_MEMBERSHIP},
#endif
#ifdef IP_MULTICAST_TTL
    {ZTS_IP_MULTICAST_TTL, IP_MULTICAST_TTL},
    {ZTS_IP_MULTICAST_IF, IP_MULTICAST_IF},
    {ZTS_IP_MULTICAST_LOOP, IP_MULTICAST_LOOP},
#endif
};

constexpr std::initializer_list<Pair> kTcpOptions = {{ZTS_TCP_NODELAY, TCP_NODELAY},
#ifdef TCP_KEEPALIVE
                                                     {ZTS_TCP_KEEPALIVE, TCP_KEEPALIVE},
#endif
                                                     {ZTS_TCP_KEEPIDLE, TCP_KEEPIDLE},
                                                     {ZTS_TCP_KEEPINTVL, TCP_KEEPINTVL},
                                                     {ZTS_TCP_KEEPCNT, TCP_KEEPCNT}};

constexpr std::initializer_list<Pair> kIp6Options = {
    {ZTS_IPV6_CHECKSUM, IPV6_CHECKSUM},
    {ZTS_IPV6_V6ONLY, IPV6_V6ONLY},
#ifdef IPV6_JOIN_GROUP  // lwIP defines these only with MLD
    {ZTS_IPV6_JOIN_GROUP, IPV6_JOIN_GROUP},
    {ZTS_IPV6_LEAVE_GROUP, IPV6_LEAVE_GROUP},
#endif
};

#if LWIP_SOCKET_EXTERNAL_HEADERS
template <typename T>
void set_length(T&, std::uint8_t) {}  // the system's structures have no length byte
#else
void set_length(struct sockaddr_in& a, std::uint8_t n) { a.sin_len = n; }
void set_length(struct sockaddr_in6& a, std::uint8_t n) { a.sin6_len = n; }
void set_length(struct sockaddr& a, std::uint8_t n) { a.sa_len = n; }
#endif

}  // namespace

int socket_error() {
  zts_errno = errno != 0 ? errno : ZTS_EIO;
  return ZTS_ERR_SOCKET;
}

int fail_errno(int err) {
  zts_errno = err;
  return ZTS_ERR_SOCKET;
}

int fail_arg(int err) {
  zts_errno = err;
  return ZTS_ERR_ARG;
}

int to_lwip(const struct zts_sockaddr* addr, zts_socklen_t len, LwipSockaddr& out) {
  if (addr == nullptr) return fail_arg(ZTS_EFAULT);
  if (len < 2) return fail_arg(ZTS_EINVAL);
  out.storage = {};
  switch (addr->sa_family) {
    case ZTS_AF_INET: {
      if (len < sizeof(zts_sockaddr_in)) return fail_arg(ZTS_EINVAL);
      zts_sockaddr_in in;
      std::memcpy(&in, addr, sizeof in);
      struct sockaddr_in o {};
      set_length(o, sizeof o);
      o.sin_family = AF_INET;
      o.sin_port = in.sin_port;
      std::memcpy(&o.sin_addr, &in.sin_addr, 4);
      std::memcpy(&out.storage, &o, sizeof o);
      out.length = sizeof o;
      return ZTS_ERR_OK;
    }
    case ZTS_AF_INET6: {
      if (len < sizeof(zts_sockaddr_in6)) return fail_arg(ZTS_EINVAL);
      zts_sockaddr_in6 in;
      std::memcpy(&in, addr, sizeof in);
      struct sockaddr_in6 o {};
      set_length(o, sizeof o);
      o.sin6_family = AF_INET6;
      o.sin6_port = in.sin6_port;
      o.sin6_flowinfo = in.sin6_flowinfo;
      std::memcpy(&o.sin6_addr, &in.sin6_addr, 16);
      o.sin6_scope_id = in.sin6_scope_id;
      std::memcpy(&out.storage, &o, sizeof o);
      out.length = sizeof o;
      return ZTS_ERR_OK;
    }
    case ZTS_AF_UNSPEC: {  // connect(): dissolve a UDP association
      struct sockaddr o {};
      set_length(o, sizeof o);
      o.sa_family = AF_UNSPEC;
      std::memcpy(&out.storage, &o, sizeof o);
      out.length = sizeof o;
      return ZTS_ERR_OK;
    }
    default:
      return fail_errno(ZTS_EAFNOSUPPORT);
  }
}

void to_zts(const struct sockaddr* addr, struct zts_sockaddr* out, zts_socklen_t* len) {
  if (out == nullptr || len == nullptr) return;
  union {
    zts_sockaddr_in in;
    zts_sockaddr_in6 in6;
    zts_sockaddr_storage storage;
  } result{};
  zts_socklen_t size = 0;
  if (addr->sa_family == AF_INET) {
    struct sockaddr_in a;
    std::memcpy(&a, addr, sizeof a);
    size = sizeof result.in;
    result.in.sin_len = static_cast<std::uint8_t>(size);
    result.in.sin_family = ZTS_AF_INET;
    result.in.sin_port = a.sin_port;
    std::memcpy(&result.in.sin_addr, &a.sin_addr, 4);
  } else if (addr->sa_family == AF_INET6) {
    struct sockaddr_in6 a;
    std::memcpy(&a, addr, sizeof a);
    size = sizeof result.in6;
    result.in6.sin6_len = static_cast<std::uint8_t>(size);
    result.in6.sin6_family = ZTS_AF_INET6;
    result.in6.sin6_port = a.sin6_port;
    result.in6.sin6_flowinfo = a.sin6_flowinfo;
    std::memcpy(&result.in6.sin6_addr, &a.sin6_addr, 16);
    result.in6.sin6_scope_id = a.sin6_scope_id;
  } else {
    size = 2;
    result.storage.s2_len = 2;
    result.storage.ss_family = ZTS_AF_UNSPEC;
  }
  std::memcpy(out, &result, *len < size ? *len : size);
  *len = size;
}

int to_lwip_family(int zts_family) {
  return find_lwip({{ZTS_AF_INET, AF_INET}, {ZTS_AF_INET6, AF_INET6}, {ZTS_AF_UNSPEC, AF_UNSPEC}},
                   zts_family);
}

int to_lwip_type(int zts_type) { return find_lwip(kTypes, zts_type); }
int to_zts_type(int lwip_type) { return find_zts(kTypes, lwip_type); }

int to_lwip_protocol(int zts_protocol) {
  return find_lwip({{ZTS_IPPROTO_IP, IPPROTO_IP},
                    {ZTS_IPPROTO_ICMP, IPPROTO_ICMP},
                    {ZTS_IPPROTO_TCP, IPPROTO_TCP},
                    {ZTS_IPPROTO_UDP, IPPROTO_UDP},
                    {ZTS_IPPROTO_IPV6, IPPROTO_IPV6},
                    {ZTS_IPPROTO_ICMPV6, IPPROTO_ICMPV6},
                    {ZTS_IPPROTO_UDPLITE, IPPROTO_UDPLITE},
                    {ZTS_IPPROTO_RAW, IPPROTO_RAW}},
                   zts_protocol);
}

int to_lwip_shutdown(int zts_how) {
  return find_lwip({{ZTS_SHUT_RD, SHUT_RD}, {ZTS_SHUT_WR, SHUT_WR}, {ZTS_SHUT_RDWR, SHUT_RDWR}},
                   zts_how);
}

int to_lwip_msg_flags(int zts_flags) { return map_bits(kMsgFlags, zts_flags, true); }
int to_zts_msg_flags(int lwip_flags) { return map_bits(kMsgResultFlags, lwip_flags, false); }

short to_lwip_poll_events(short zts_events) {
  return static_cast<short>(map_bits(kPollEvents, zts_events, true));
}
short to_zts_poll_events(short lwip_events) {
  return static_cast<short>(map_bits(kPollEvents, lwip_events, false));
}

int to_lwip_file_flags(int zts_flags) { return map_bits(kFileFlags, zts_flags, true); }
int to_zts_file_flags(int lwip_flags) { return map_bits(kFileFlags, lwip_flags, false); }

bool to_lwip_option(int zts_level, int zts_name, int& level, int& name) {
  switch (zts_level) {
    case ZTS_SOL_SOCKET:
      level = SOL_SOCKET;
      name = find_lwip(kSocketOptions, zts_name);
      break;
    case ZTS_IPPROTO_IP:
      level = IPPROTO_IP;
      name = find_lwip(kIpOptions, zts_name);
      break;
    case ZTS_IPPROTO_TCP:
      level = IPPROTO_TCP;
      name = find_lwip(kTcpOptions, zts_name);
      break;
    case ZTS_IPPROTO_IPV6:
      level = IPPROTO_IPV6;
      name = find_lwip(kIp6Options, zts_name);
      break;
    default:
      return false;
  }
  return name != -1;
}

}  // namespace zt::stack
