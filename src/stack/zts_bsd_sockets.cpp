// The zts_bsd_* socket functions: argument checks and translation around
// lwIP's socket API (which runs each call under the core lock in the
// caller's thread). zts_bsd_select is in zts_select.cpp.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <vector>

#include "stack/stack_runtime.hpp"
#include "stack/time_wait.hpp"
#include "stack/zts_convert.hpp"
#include "zts.h"

using namespace zt::stack;

// The vectors are handed to lwIP as they are.
static_assert(sizeof(zts_iovec) == sizeof(struct iovec));
static_assert(offsetof(zts_iovec, iov_base) == offsetof(struct iovec, iov_base));
static_assert(offsetof(zts_iovec, iov_len) == offsetof(struct iovec, iov_len));

namespace {

// lwIP reports a refused connection as ECONNRESET and one that timed out as
// ECONNABORTED; programs expect ECONNREFUSED and ETIMEDOUT. A blocking
// connect can only fail that way while connecting; for a nonblocking one we
// remember which sockets are still connecting until the outcome is seen.
std::array<std::atomic<bool>, 65536> g_connecting{};

void set_connecting(int fd, bool connecting) {
  if (fd >= 0 && static_cast<std::size_t>(fd) < g_connecting.size())
    g_connecting[static_cast<std::size_t>(fd)].store(connecting, std::memory_order_relaxed);
}

bool is_connecting(int fd) {
  return fd >= 0 && static_cast<std::size_t>(fd) < g_connecting.size() &&
         g_connecting[static_cast<std::size_t>(fd)].load(std::memory_order_relaxed);
}

int connect_errno(int err) {
  return err == ZTS_ECONNRESET ? ZTS_ECONNREFUSED : err == ZTS_ECONNABORTED ? ZTS_ETIMEDOUT : err;
}

// After a call on `fd` returned `result`: translate a connection failure
// while connecting, and forget the connecting state once the outcome shows.
template <typename T>
T connect_outcome(int fd, T result) {
  if (!is_connecting(fd)) return result;
  if (result >= 0) {
    set_connecting(fd, false);
  } else if (zts_errno != ZTS_EAGAIN && zts_errno != ZTS_EALREADY && zts_errno != ZTS_EINPROGRESS) {
    zts_errno = connect_errno(zts_errno);
    set_connecting(fd, false);
  }
  return result;
}

// Option values whose structure differs between zts_ and lwIP.
bool is_timeval_option(int level, int name) {
  return level == ZTS_SOL_SOCKET && (name == ZTS_SO_RCVTIMEO || name == ZTS_SO_SNDTIMEO);
}

template <typename T>
bool read_value(const void* optval, zts_socklen_t optlen, T& out) {
  if (optlen < sizeof(T)) return false;
  std::memcpy(&out, optval, sizeof(T));
  return true;
}

template <typename T>
void write_value(void* optval, zts_socklen_t* optlen, const T& value) {
  const zts_socklen_t n = *optlen < sizeof(T) ? *optlen : sizeof(T);
  std::memcpy(optval, &value, n);
  *optlen = sizeof(T);
}

}  // namespace

extern "C" {

int zts_bsd_socket(int family, int type, int protocol) {
  const int lwip_family = to_lwip_family(family);
  if (lwip_family < 0 || family == ZTS_AF_UNSPEC) return fail_errno(ZTS_EAFNOSUPPORT);
  const int lwip_type = to_lwip_type(type);
  if (lwip_type < 0) return fail_errno(ZTS_EINVAL);
  const int lwip_protocol = to_lwip_protocol(protocol);
  if (lwip_protocol < 0) return fail_errno(ZTS_EPROTONOSUPPORT);
  ensure_started();
  const int fd = checked(lwip_socket(lwip_family, lwip_type, lwip_protocol));
  set_connecting(fd, false);
  return fd;
}

int zts_bsd_connect(int fd, const struct zts_sockaddr* addr, zts_socklen_t addrlen) {
  LwipSockaddr a;
  if (const int e = to_lwip(addr, addrlen, a); e != ZTS_ERR_OK) return e;
  {
    CoreLock lock;
    limit_time_wait();
  }
  int r = checked(lwip_connect(fd, a.get(), a.length));
  // No ephemeral port free (lwIP says ERR_BUF): take one from TIME-WAIT.
  for (int tries = 0; r == ZTS_ERR_SOCKET && zts_errno == ZTS_ENOBUFS && tries < 8; ++tries) {
    bool released;
    {
      CoreLock lock;
      released = release_oldest_time_wait();
    }
    if (!released) break;
    r = checked(lwip_connect(fd, a.get(), a.length));
  }
  if (r == ZTS_ERR_SOCKET && zts_errno == ZTS_EINPROGRESS) {
    set_connecting(fd, true);
    return r;
  }
  if (r == ZTS_ERR_SOCKET && zts_errno == ZTS_EISCONN) {
    set_connecting(fd, false);
    return r;
  }
  if (r == ZTS_ERR_SOCKET && !is_connecting(fd)) {
    zts_errno = connect_errno(zts_errno);  // a blocking connect failed during the handshake
    return r;
  }
  return connect_outcome(fd, r);
}

int zts_bsd_bind(int fd, const struct zts_sockaddr* addr, zts_socklen_t addrlen) {
  LwipSockaddr a;
  if (const int e = to_lwip(addr, addrlen, a); e != ZTS_ERR_OK) return e;
  return checked(lwip_bind(fd, a.get(), a.length));
}

int zts_bsd_listen(int fd, int backlog) { return checked(lwip_listen(fd, backlog)); }

int zts_bsd_accept(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen) {
  if (addr != nullptr && addrlen == nullptr) return fail_arg(ZTS_EFAULT);
  LwipSockaddr peer;
  const int s = checked(lwip_accept(fd, peer.get(), &peer.length));
  if (s >= 0 && addr != nullptr) to_zts(peer.get(), addr, addrlen);
  return s;
}

int zts_bsd_setsockopt(int fd, int level, int optname, const void* optval, zts_socklen_t optlen) {
  int lwip_level, lwip_name;
  if (!to_lwip_option(level, optname, lwip_level, lwip_name)) return fail_errno(ZTS_ENOPROTOOPT);
  if (optval == nullptr) return fail_arg(ZTS_EFAULT);
  if (is_timeval_option(level, optname)) {
    zts_timeval tv;
    if (!read_value(optval, optlen, tv)) return fail_arg();
    struct timeval t {};
    t.tv_sec = tv.tv_sec;
    t.tv_usec = tv.tv_usec;
    return checked(lwip_setsockopt(fd, lwip_level, lwip_name, &t, sizeof t));
  }
  if (level == ZTS_SOL_SOCKET && optname == ZTS_SO_LINGER) {
    zts_linger l;
    if (!read_value(optval, optlen, l)) return fail_arg();
    struct linger o {};
    o.l_onoff = l.l_onoff;
    o.l_linger = l.l_linger;
    return checked(lwip_setsockopt(fd, lwip_level, lwip_name, &o, sizeof o));
  }
  if (level == ZTS_IPPROTO_IP &&
      (optname == ZTS_IP_ADD_MEMBERSHIP || optname == ZTS_IP_DROP_MEMBERSHIP)) {
#if LWIP_IGMP
    zts_ip_mreq m;
    if (!read_value(optval, optlen, m)) return fail_arg();
    struct ip_mreq o {};
    std::memcpy(&o.imr_multiaddr, &m.imr_multiaddr, 4);
    std::memcpy(&o.imr_interface, &m.imr_interface, 4);
    return checked(lwip_setsockopt(fd, lwip_level, lwip_name, &o, sizeof o));
#else
    return fail_errno(ZTS_ENOPROTOOPT);  // multicast membership is the engine's (no IGMP)
#endif
  }
  if (level == ZTS_IPPROTO_IPV6 &&
      (optname == ZTS_IPV6_JOIN_GROUP || optname == ZTS_IPV6_LEAVE_GROUP)) {
#if LWIP_IPV6_MLD
    zts_ipv6_mreq m;
    if (!read_value(optval, optlen, m)) return fail_arg();
    struct ipv6_mreq o {};
    std::memcpy(&o.ipv6mr_multiaddr, &m.ipv6mr_multiaddr, 16);
    o.ipv6mr_interface = m.ipv6mr_interface;
    return checked(lwip_setsockopt(fd, lwip_level, lwip_name, &o, sizeof o));
#else
    return fail_errno(ZTS_ENOPROTOOPT);  // no MLD in this stack
#endif
  }
  return checked(lwip_setsockopt(fd, lwip_level, lwip_name, optval, optlen));
}

int zts_bsd_getsockopt(int fd, int level, int optname, void* optval, zts_socklen_t* optlen) {
  int lwip_level, lwip_name;
  if (!to_lwip_option(level, optname, lwip_level, lwip_name)) return fail_errno(ZTS_ENOPROTOOPT);
  if (optval == nullptr || optlen == nullptr) return fail_arg(ZTS_EFAULT);
  if (is_timeval_option(level, optname)) {
    struct timeval t {};
    socklen_t n = sizeof t;
    if (lwip_getsockopt(fd, lwip_level, lwip_name, &t, &n) < 0) return socket_error();
    write_value(optval, optlen,
                zts_timeval{static_cast<long>(t.tv_sec), static_cast<long>(t.tv_usec)});
    return ZTS_ERR_OK;
  }
  if (level == ZTS_SOL_SOCKET && optname == ZTS_SO_LINGER) {
    struct linger l {};
    socklen_t n = sizeof l;
    if (lwip_getsockopt(fd, lwip_level, lwip_name, &l, &n) < 0) return socket_error();
    write_value(optval, optlen, zts_linger{l.l_onoff, l.l_linger});
    return ZTS_ERR_OK;
  }
  if (level == ZTS_SOL_SOCKET && optname == ZTS_SO_TYPE) {
    int type = 0;
    socklen_t n = sizeof type;
    if (lwip_getsockopt(fd, lwip_level, lwip_name, &type, &n) < 0) return socket_error();
    write_value(optval, optlen, to_zts_type(type));
    return ZTS_ERR_OK;
  }
  if (level == ZTS_SOL_SOCKET && optname == ZTS_SO_ERROR) {
    int error = 0;
    socklen_t n = sizeof error;
    if (lwip_getsockopt(fd, lwip_level, lwip_name, &error, &n) < 0) return socket_error();
    if (is_connecting(fd)) {
      LwipSockaddr peer;
      if (error != 0) {
        error = connect_errno(error);
        set_connecting(fd, false);
      } else if (lwip_getpeername(fd, peer.get(), &peer.length) == 0) {
        set_connecting(fd, false);  // connected
      }
    }
    write_value(optval, optlen, error);
    return ZTS_ERR_OK;
  }
  socklen_t n = *optlen;
  if (lwip_getsockopt(fd, lwip_level, lwip_name, optval, &n) < 0) return socket_error();
  *optlen = n;
  return ZTS_ERR_OK;
}

int zts_bsd_getsockname(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen) {
  if (addr == nullptr || addrlen == nullptr) return fail_arg(ZTS_EFAULT);
  LwipSockaddr local;
  if (lwip_getsockname(fd, local.get(), &local.length) < 0) return socket_error();
  to_zts(local.get(), addr, addrlen);
  return ZTS_ERR_OK;
}

int zts_bsd_getpeername(int fd, struct zts_sockaddr* addr, zts_socklen_t* addrlen) {
  if (addr == nullptr || addrlen == nullptr) return fail_arg(ZTS_EFAULT);
  LwipSockaddr peer;
  if (lwip_getpeername(fd, peer.get(), &peer.length) < 0) return socket_error();
  to_zts(peer.get(), addr, addrlen);
  return ZTS_ERR_OK;
}

int zts_bsd_close(int fd) {
  set_connecting(fd, false);
  return checked(lwip_close(fd));
}

int zts_bsd_fcntl(int fd, int cmd, int flags) {
  if (cmd == ZTS_F_GETFL) {
    const int r = lwip_fcntl(fd, F_GETFL, 0);
    return r < 0 ? socket_error() : to_zts_file_flags(r);
  }
  if (cmd == ZTS_F_SETFL) {
    // lwIP changes only O_NONBLOCK and rejects other status flags.
    return checked(lwip_fcntl(fd, F_SETFL, (flags & ZTS_O_NONBLOCK) ? O_NONBLOCK : 0));
  }
  return fail_errno(ZTS_EINVAL);
}

int zts_bsd_ioctl(int fd, unsigned long request, void* argp) {
  if (argp == nullptr) return fail_arg(ZTS_EFAULT);
  int value = 0;
  if (request == ZTS_FIONBIO) {
    std::memcpy(&value, argp, sizeof value);
    value = value != 0;
    return checked(lwip_ioctl(fd, static_cast<long>(FIONBIO), &value));
  }
  if (request == ZTS_FIONREAD) {
    if (lwip_ioctl(fd, static_cast<long>(FIONREAD), &value) < 0) return socket_error();
    std::memcpy(argp, &value, sizeof value);
    return ZTS_ERR_OK;
  }
  return fail_errno(ZTS_EINVAL);
}

int zts_bsd_poll(struct zts_pollfd* fds, zts_nfds_t nfds, int timeout_ms) {
  if (fds == nullptr && nfds > 0) return fail_arg(ZTS_EFAULT);
  ensure_started();
  // Few descriptors are the common case: no allocation for them.
  constexpr zts_nfds_t kOnStack = 32;
  struct pollfd on_stack[kOnStack];
  std::vector<struct pollfd> on_heap;
  struct pollfd* lwip_fds = on_stack;
  if (nfds > kOnStack) {
    on_heap.resize(nfds);
    lwip_fds = on_heap.data();
  }
  for (zts_nfds_t i = 0; i < nfds; ++i) {
    lwip_fds[i].fd = fds[i].fd;
    lwip_fds[i].events = to_lwip_poll_events(fds[i].events);
    lwip_fds[i].revents = 0;
  }
  const int r = lwip_poll(lwip_fds, nfds, timeout_ms);
  if (r < 0) return socket_error();
  for (zts_nfds_t i = 0; i < nfds; ++i) fds[i].revents = to_zts_poll_events(lwip_fds[i].revents);
  return r;
}

ssize_t zts_bsd_send(int fd, const void* buf, size_t len, int flags) {
  if (buf == nullptr && len > 0) return fail_arg(ZTS_EFAULT);
  return connect_outcome(fd, checked(lwip_send(fd, buf, len, to_lwip_msg_flags(flags))));
}

ssize_t zts_bsd_sendto(int fd, const void* buf, size_t len, int flags,
                       const struct zts_sockaddr* addr, zts_socklen_t addrlen) {
  if (buf == nullptr && len > 0) return fail_arg(ZTS_EFAULT);
  if (addr == nullptr)
    return checked(lwip_sendto(fd, buf, len, to_lwip_msg_flags(flags), nullptr, 0));
  LwipSockaddr a;
  if (const int e = to_lwip(addr, addrlen, a); e != ZTS_ERR_OK) return e;
  return checked(lwip_sendto(fd, buf, len, to_lwip_msg_flags(flags), a.get(), a.length));
}

ssize_t zts_bsd_sendmsg(int fd, const struct zts_msghdr* msg, int flags) {
  if (msg == nullptr || (msg->msg_iov == nullptr && msg->msg_iovlen > 0))
    return fail_arg(ZTS_EFAULT);
  struct msghdr m {};
  LwipSockaddr to;
  if (msg->msg_name != nullptr) {
    if (const int e =
            to_lwip(static_cast<const zts_sockaddr*>(msg->msg_name), msg->msg_namelen, to);
        e != ZTS_ERR_OK)
      return e;
    m.msg_name = to.get();
    m.msg_namelen = to.length;
  }
  m.msg_iov = reinterpret_cast<struct iovec*>(msg->msg_iov);
  m.msg_iovlen = msg->msg_iovlen;
  m.msg_control = msg->msg_control;
  m.msg_controllen = msg->msg_controllen;
  return checked(lwip_sendmsg(fd, &m, to_lwip_msg_flags(flags)));
}

ssize_t zts_bsd_recv(int fd, void* buf, size_t len, int flags) {
  if (buf == nullptr && len > 0) return fail_arg(ZTS_EFAULT);
  return connect_outcome(fd, checked(lwip_recv(fd, buf, len, to_lwip_msg_flags(flags))));
}

ssize_t zts_bsd_recvfrom(int fd, void* buf, size_t len, int flags, struct zts_sockaddr* addr,
                         zts_socklen_t* addrlen) {
  if ((buf == nullptr && len > 0) || (addr != nullptr && addrlen == nullptr))
    return fail_arg(ZTS_EFAULT);
  LwipSockaddr from;
  const ssize_t r =
      checked(lwip_recvfrom(fd, buf, len, to_lwip_msg_flags(flags), from.get(), &from.length));
  if (r >= 0 && addr != nullptr) to_zts(from.get(), addr, addrlen);
  return r;
}

ssize_t zts_bsd_recvmsg(int fd, struct zts_msghdr* msg, int flags) {
  if (msg == nullptr || (msg->msg_iov == nullptr && msg->msg_iovlen > 0))
    return fail_arg(ZTS_EFAULT);
  struct msghdr m {};
  LwipSockaddr from;
  if (msg->msg_name != nullptr) {
    m.msg_name = from.get();
    m.msg_namelen = from.length;
  }
  m.msg_iov = reinterpret_cast<struct iovec*>(msg->msg_iov);
  m.msg_iovlen = msg->msg_iovlen;
  m.msg_control = msg->msg_control;
  m.msg_controllen = msg->msg_controllen;
  const ssize_t r = checked(lwip_recvmsg(fd, &m, to_lwip_msg_flags(flags)));
  if (r < 0) return r;
  if (msg->msg_name != nullptr) {
    if (m.msg_namelen > 0) {
      to_zts(from.get(), static_cast<zts_sockaddr*>(msg->msg_name), &msg->msg_namelen);
    } else {
      msg->msg_namelen = 0;  // a stream socket has no source address per message
    }
  }
  msg->msg_controllen = m.msg_controllen;
  msg->msg_flags = to_zts_msg_flags(m.msg_flags);
  if (m.msg_flags & MSG_TRUNC) {
    // lwIP returns the datagram's full length; POSIX, what was stored.
    std::size_t stored = 0;
    for (int i = 0; i < msg->msg_iovlen; ++i) stored += msg->msg_iov[i].iov_len;
    if (static_cast<std::size_t>(r) > stored) return static_cast<ssize_t>(stored);
  }
  return r;
}

ssize_t zts_bsd_read(int fd, void* buf, size_t len) {
  if (buf == nullptr && len > 0) return fail_arg(ZTS_EFAULT);
  return connect_outcome(fd, checked(lwip_read(fd, buf, len)));
}

ssize_t zts_bsd_readv(int fd, const struct zts_iovec* iov, int iovcnt) {
  if (iov == nullptr && iovcnt > 0) return fail_arg(ZTS_EFAULT);
  return checked(lwip_readv(fd, reinterpret_cast<const struct iovec*>(iov), iovcnt));
}

ssize_t zts_bsd_write(int fd, const void* buf, size_t len) {
  if (buf == nullptr && len > 0) return fail_arg(ZTS_EFAULT);
  return connect_outcome(fd, checked(lwip_write(fd, buf, len)));
}

ssize_t zts_bsd_writev(int fd, const struct zts_iovec* iov, int iovcnt) {
  if (iov == nullptr && iovcnt > 0) return fail_arg(ZTS_EFAULT);
  return checked(lwip_writev(fd, reinterpret_cast<const struct iovec*>(iov), iovcnt));
}

int zts_bsd_shutdown(int fd, int how) {
  const int lwip_how = to_lwip_shutdown(how);
  if (lwip_how < 0) return fail_errno(ZTS_EINVAL);
  return checked(lwip_shutdown(fd, lwip_how));
}

}  // extern "C"
