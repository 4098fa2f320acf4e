// The simplified zts_ socket family: addresses as text, options one call
// each. Everything here is built on the zts_bsd_* functions.
#include <cstring>

#include "zts.h"

namespace {

constexpr int kDefaultConnectTimeoutMs = 30000;

// A zts address from text and a port; ZTS_ERR_ARG (zts_errno EINVAL) if the
// text is not an address.
int parse(const char* ipstr, unsigned short port, zts_sockaddr_storage& out, zts_socklen_t& len) {
  len = sizeof out;
  if (zts_util_ipstr_to_saddr(ipstr, port, reinterpret_cast<zts_sockaddr*>(&out), &len) !=
      ZTS_ERR_OK) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_ARG;
  }
  return ZTS_ERR_OK;
}

int family_of(const char* ipstr) {
  const int family = ipstr != nullptr ? zts_util_get_ip_family(ipstr) : ZTS_ERR_ARG;
  if (family < 0) zts_errno = ZTS_EINVAL;
  return family;
}

int set_int(int fd, int level, int name, int value) {
  return zts_bsd_setsockopt(fd, level, name, &value, sizeof value);
}

int get_int(int fd, int level, int name) {
  int value = 0;
  zts_socklen_t len = sizeof value;
  const int r = zts_bsd_getsockopt(fd, level, name, &value, &len);
  return r < 0 ? r : value;
}

int set_timeout(int fd, int name, int seconds, int microseconds) {
  if (seconds < 0 || microseconds < 0) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_ARG;
  }
  zts_timeval tv{seconds, microseconds};
  return zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, name, &tv, sizeof tv);
}

int get_timeout(int fd, int name) {
  zts_timeval tv{};
  zts_socklen_t len = sizeof tv;
  const int r = zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, name, &tv, &len);
  return r < 0 ? r : static_cast<int>(tv.tv_sec);
}

int get_linger(int fd, zts_linger& l) {
  zts_socklen_t len = sizeof l;
  return zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_LINGER, &l, &len);
}

// Writes the address as text and its port; ZTS_ERR_ARG if len is too small.
int describe(const zts_sockaddr_storage& a, zts_socklen_t alen, char* dst, int len,
             unsigned short* port) {
  if (dst == nullptr || len < ZTS_INET6_ADDRSTRLEN) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_ARG;
  }
  return zts_util_ntop(reinterpret_cast<zts_sockaddr*>(const_cast<zts_sockaddr_storage*>(&a)), alen,
                       dst, len, port);
}

}  // namespace

extern "C" {

int zts_socket(int family, int type, int protocol) {
  return zts_bsd_socket(family, type, protocol);
}

// One attempt, bounded by the timeout: lwIP retransmits the SYN itself, and
// the ZeroTier engine queues frames while it looks a peer up, so retrying
// in a loop here would only add latency.
int zts_connect(int fd, const char* ipstr, unsigned short port, int timeout_ms) {
  if (ipstr == nullptr || timeout_ms < 0) return ZTS_ERR_ARG;
  zts_sockaddr_storage addr;
  zts_socklen_t addrlen;
  if (const int e = parse(ipstr, port, addr, addrlen); e != ZTS_ERR_OK) return e;
  auto* sa = reinterpret_cast<const zts_sockaddr*>(&addr);

  const int flags = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  if (flags < 0) return flags;
  if (flags & ZTS_O_NONBLOCK) return zts_bsd_connect(fd, sa, addrlen);

  if (const int r = zts_bsd_fcntl(fd, ZTS_F_SETFL, flags | ZTS_O_NONBLOCK); r < 0) return r;
  int result = zts_bsd_connect(fd, sa, addrlen);
  int error = zts_errno;
  if (result == ZTS_ERR_SOCKET && error == ZTS_EINPROGRESS) {
    zts_pollfd p{fd, ZTS_POLLOUT, 0};
    const int ready = zts_bsd_poll(&p, 1, timeout_ms == 0 ? kDefaultConnectTimeoutMs : timeout_ms);
    if (ready < 0) {
      error = zts_errno;
    } else if (ready == 0) {
      error = ZTS_ETIMEDOUT;
    } else {
      error = zts_get_last_socket_error(fd);
      if (error < 0) error = zts_errno;
      if (error == 0) result = ZTS_ERR_OK;
    }
  }
  zts_bsd_fcntl(fd, ZTS_F_SETFL, flags);
  if (result != ZTS_ERR_OK) {
    zts_errno = error;
    return ZTS_ERR_SOCKET;
  }
  return ZTS_ERR_OK;
}

int zts_bind(int fd, const char* ipstr, unsigned short port) {
  zts_sockaddr_storage addr;
  zts_socklen_t addrlen;
  if (const int e = parse(ipstr, port, addr, addrlen); e != ZTS_ERR_OK) return e;
  return zts_bsd_bind(fd, reinterpret_cast<const zts_sockaddr*>(&addr), addrlen);
}

int zts_listen(int fd, int backlog) { return zts_bsd_listen(fd, backlog); }

int zts_accept(int fd, char* remote_addr, int len, unsigned short* port) {
  if (remote_addr != nullptr && len < ZTS_INET6_ADDRSTRLEN) return ZTS_ERR_ARG;
  zts_sockaddr_storage peer{};
  zts_socklen_t peerlen = sizeof peer;
  const int s = zts_bsd_accept(fd, reinterpret_cast<zts_sockaddr*>(&peer), &peerlen);
  if (s >= 0 && remote_addr != nullptr) describe(peer, peerlen, remote_addr, len, port);
  return s;
}

ssize_t zts_send(int fd, const void* buf, size_t len, int flags) {
  return zts_bsd_send(fd, buf, len, flags);
}
ssize_t zts_recv(int fd, void* buf, size_t len, int flags) {
  return zts_bsd_recv(fd, buf, len, flags);
}
ssize_t zts_read(int fd, void* buf, size_t len) { return zts_bsd_read(fd, buf, len); }
ssize_t zts_write(int fd, const void* buf, size_t len) { return zts_bsd_write(fd, buf, len); }
int zts_shutdown_rd(int fd) { return zts_bsd_shutdown(fd, ZTS_SHUT_RD); }
int zts_shutdown_wr(int fd) { return zts_bsd_shutdown(fd, ZTS_SHUT_WR); }
int zts_shutdown_rdwr(int fd) { return zts_bsd_shutdown(fd, ZTS_SHUT_RDWR); }
int zts_close(int fd) { return zts_bsd_close(fd); }

int zts_getpeername(int fd, char* remote_addr_str, int len, unsigned short* port) {
  zts_sockaddr_storage a{};
  zts_socklen_t alen = sizeof a;
  if (const int r = zts_bsd_getpeername(fd, reinterpret_cast<zts_sockaddr*>(&a), &alen); r < 0)
    return r;
  return describe(a, alen, remote_addr_str, len, port);
}

int zts_getsockname(int fd, char* local_addr_str, int len, unsigned short* port) {
  zts_sockaddr_storage a{};
  zts_socklen_t alen = sizeof a;
  if (const int r = zts_bsd_getsockname(fd, reinterpret_cast<zts_sockaddr*>(&a), &alen); r < 0)
    return r;
  return describe(a, alen, local_addr_str, len, port);
}

int zts_tcp_client(const char* remote_ipstr, unsigned short remote_port) {
  const int family = family_of(remote_ipstr);
  if (family < 0) return family;
  const int fd = zts_bsd_socket(family, ZTS_SOCK_STREAM, 0);
  if (fd < 0) return fd;
  if (const int r = zts_connect(fd, remote_ipstr, remote_port, 0); r < 0) {
    const int error = zts_errno;
    zts_bsd_close(fd);
    zts_errno = error;
    return r;
  }
  return fd;
}

int zts_tcp_server(const char* local_ipstr, unsigned short local_port, char* remote_ipstr, int len,
                   unsigned short* remote_port) {
  const int family = family_of(local_ipstr);
  if (family < 0) return family;
  const int listener = zts_bsd_socket(family, ZTS_SOCK_STREAM, 0);
  if (listener < 0) return listener;
  int result = zts_bind(listener, local_ipstr, local_port);
  if (result >= 0) result = zts_bsd_listen(listener, 1);
  if (result >= 0) result = zts_accept(listener, remote_ipstr, len, remote_port);
  const int error = zts_errno;
  zts_bsd_close(listener);
  zts_errno = error;
  return result;
}

int zts_udp_server(const char* local_ipstr, unsigned short local_port) {
  const int family = family_of(local_ipstr);
  if (family < 0) return family;
  const int fd = zts_bsd_socket(family, ZTS_SOCK_DGRAM, 0);
  if (fd < 0) return fd;
  if (const int r = zts_bind(fd, local_ipstr, local_port); r < 0) {
    const int error = zts_errno;
    zts_bsd_close(fd);
    zts_errno = error;
    return r;
  }
  return fd;
}

int zts_udp_client(const char* remote_ipstr) {
  const int family = family_of(remote_ipstr);
  if (family < 0) return family;
  return zts_bsd_socket(family, ZTS_SOCK_DGRAM, 0);
}

int zts_set_no_delay(int fd, int enabled) {
  return set_int(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY, enabled != 0);
}
int zts_get_no_delay(int fd) {
  const int v = get_int(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY);
  return v < 0 ? v : v != 0;
}

int zts_get_last_socket_error(int fd) { return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_ERROR); }

int zts_get_pending_data_size(int fd) {
  int bytes = 0;
  const int r = zts_bsd_ioctl(fd, ZTS_FIONREAD, &bytes);
  return r < 0 ? r : bytes;
}

size_t zts_get_data_available(int fd) {
  const int bytes = zts_get_pending_data_size(fd);
  return bytes < 0 ? 0 : static_cast<size_t>(bytes);
}

int zts_set_linger(int fd, int enabled, int value) {
  if (value < 0) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_ARG;
  }
  zts_linger l{enabled != 0, value};
  return zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_LINGER, &l, sizeof l);
}

int zts_get_linger_enabled(int fd) {
  zts_linger l{};
  const int r = get_linger(fd, l);
  return r < 0 ? r : l.l_onoff != 0;
}

int zts_get_linger_value(int fd) {
  zts_linger l{};
  const int r = get_linger(fd, l);
  return r < 0 ? r : l.l_linger;
}

int zts_set_reuse_addr(int fd, int enabled) {
  return set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_REUSEADDR, enabled != 0);
}
int zts_get_reuse_addr(int fd) {
  const int v = get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_REUSEADDR);
  return v < 0 ? v : v != 0;
}

int zts_set_recv_timeout(int fd, int seconds, int microseconds) {
  return set_timeout(fd, ZTS_SO_RCVTIMEO, seconds, microseconds);
}
int zts_get_recv_timeout(int fd) { return get_timeout(fd, ZTS_SO_RCVTIMEO); }
int zts_set_send_timeout(int fd, int seconds, int microseconds) {
  return set_timeout(fd, ZTS_SO_SNDTIMEO, seconds, microseconds);
}
int zts_get_send_timeout(int fd) { return get_timeout(fd, ZTS_SO_SNDTIMEO); }

int zts_set_send_buf_size(int fd, int size) {
  return set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_SNDBUF, size);
}
int zts_get_send_buf_size(int fd) { return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_SNDBUF); }
int zts_set_recv_buf_size(int fd, int size) {
  return set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_RCVBUF, size);
}
int zts_get_recv_buf_size(int fd) { return get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_RCVBUF); }

int zts_set_ttl(int fd, int ttl) {
  if (ttl < 0 || ttl > 255) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_ARG;
  }
  return set_int(fd, ZTS_IPPROTO_IP, ZTS_IP_TTL, ttl);
}
int zts_get_ttl(int fd) { return get_int(fd, ZTS_IPPROTO_IP, ZTS_IP_TTL); }

int zts_set_blocking(int fd, int enabled) {
  const int flags = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  if (flags < 0) return flags;
  return zts_bsd_fcntl(fd, ZTS_F_SETFL, enabled ? flags & ~ZTS_O_NONBLOCK : flags | ZTS_O_NONBLOCK);
}

int zts_get_blocking(int fd) {
  const int flags = zts_bsd_fcntl(fd, ZTS_F_GETFL, 0);
  return flags < 0 ? flags : (flags & ZTS_O_NONBLOCK) == 0;
}

int zts_set_keepalive(int fd, int enabled) {
  return set_int(fd, ZTS_SOL_SOCKET, ZTS_SO_KEEPALIVE, enabled != 0);
}
int zts_get_keepalive(int fd) {
  const int v = get_int(fd, ZTS_SOL_SOCKET, ZTS_SO_KEEPALIVE);
  return v < 0 ? v : v != 0;
}

}  // extern "C"
