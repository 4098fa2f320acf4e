// getsockname, getpeername, getsockopt, setsockopt, shutdown, ioctl on
// virtual sockets: addresses and TCP/IP options come from the service;
// options of the fd itself (buffers, timeouts) are the unix socket's, which
// behaves alike; the few a unix socket would answer differently (type,
// domain, protocol, SO_ERROR, SO_ACCEPTCONN) are answered as TCP/UDP would.
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "intercept/shim.hpp"

using namespace zt::intercept;

namespace {

int put_int(void* value, socklen_t* length, int v) {
  if (!value || !length || *length < static_cast<socklen_t>(sizeof(int))) {
    if (length && *length > 0 && value) {
      // The kernel copies a truncated int for short buffers.
      memcpy(value, &v, *length);
      return 0;
    }
    return fail(EINVAL);
  }
  memcpy(value, &v, sizeof v);
  *length = sizeof v;
  return 0;
}

// The socket's own family, as the program created it.
int family_of(const Reply& status) {
  return status.local.family == 4 ? AF_INET : AF_INET6;
}

// SO_ERROR without a round trip in the common cases: a connecting socket
// (not writable, not hung up) and a working one (writable, not hung up)
// have no error pending.
int pending_error(int fd, std::uint64_t id) {
  pollfd p{fd, POLLOUT, 0};
  if (poll(&p, 1, 0) >= 0 && !(p.revents & (POLLHUP | POLLERR))) {
    // Writable: connected (this is how most programs learn it), so the
    // send buffer gets its full size back.
    if (p.revents & POLLOUT) restore_buffer(fd);
    return 0;
  }
  Reply st;
  if (!socket_status(id, true, st)) return ECONNRESET;  // the service is gone
  return st.so_error;
}

int address_of(int fd, sockaddr* address, socklen_t* length, bool peer) {
  const RealCalls& r = real();
  if (!active()) return peer ? r.getpeername(fd, address, length) : r.getsockname(fd, address, length);
  Identity id;
  if (!identify(fd, id)) return -1;
  if (!id.ours) return peer ? r.getpeername(fd, address, length) : r.getsockname(fd, address, length);
  if (!length) return fail(EFAULT);
  Reply st;
  if (!socket_status(id.name.socket, false, st)) return fail(peer ? ENOTCONN : EBADF);
  const Endpoint& e = peer ? st.remote : st.local;
  if (peer && (e.none() || st.state == SocketState::kConnecting || st.state == SocketState::kBound ||
               st.state == SocketState::kListening))
    return fail(ENOTCONN);
  to_sockaddr(e, family_of(st), address, length);
  return 0;
}

}  // namespace

extern "C" {

int getsockname(int fd, sockaddr* address, socklen_t* length) noexcept {
  return address_of(fd, address, length, false);
}

int getpeername(int fd, sockaddr* address, socklen_t* length) noexcept {
  return address_of(fd, address, length, true);
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* length) noexcept {
  const RealCalls& r = real();
  if (!active() || (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP &&
                    level != IPPROTO_IPV6 && level != IPPROTO_UDP))
    return r.getsockopt(fd, level, name, value, length);
  Identity id;
  if (!identify(fd, id) || !id.ours) return r.getsockopt(fd, level, name, value, length);
  const SocketKind kind = id.name.kind;
  const bool datagram = kind == SocketKind::kDatagram;
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_ERROR:
        return put_int(value, length, kind == SocketKind::kStream ? pending_error(fd, id.name.socket) : 0);
      case SO_TYPE: return put_int(value, length, datagram ? SOCK_DGRAM : SOCK_STREAM);
      case SO_PROTOCOL: return put_int(value, length, datagram ? IPPROTO_UDP : IPPROTO_TCP);
      case SO_ACCEPTCONN: return put_int(value, length, kind == SocketKind::kListener ? 1 : 0);
      case SO_DOMAIN: {
        Reply st;
        if (!socket_status(id.name.socket, false, st)) return fail(EBADF);
        return put_int(value, length, family_of(st));
      }
      case SO_PEERCRED:
      case SO_PASSCRED:
      case SO_PEERSEC:
        return fail(ENOPROTOOPT);  // unix-only options
      case SO_KEEPALIVE:
      case SO_BROADCAST:
        break;  // the service's
      default:
        return r.getsockopt(fd, level, name, value, length);  // buffers, timeouts, linger...
    }
  }
  if (level == IPPROTO_TCP && datagram) return fail(ENOPROTOOPT);
  if (level == IPPROTO_UDP) return fail(ENOPROTOOPT);
  if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) return put_int(value, length, 0);
  Request q;
  q.op = Op::kGetOption;
  q.socket = id.name.socket;
  q.level = level;
  q.name = name;
  Reply reply;
  const int error = request(q, reply);
  if (error) return fail(error);
  if (reply.error) return fail(reply.error);
  return put_int(value, length, reply.value);
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t length) noexcept {
  const RealCalls& r = real();
  if (!active() || (level != SOL_SOCKET && level != IPPROTO_TCP && level != IPPROTO_IP &&
                    level != IPPROTO_IPV6))
    return r.setsockopt(fd, level, name, value, length);
  Identity id;
  if (!identify(fd, id) || !id.ours) return r.setsockopt(fd, level, name, value, length);
  if (level == SOL_SOCKET && name != SO_KEEPALIVE && name != SO_BROADCAST) {
    if (name == SO_PASSCRED || name == SO_PEEK_OFF) return fail(ENOPROTOOPT);
    return r.setsockopt(fd, level, name, value, length);
  }
  if (!value || length < static_cast<socklen_t>(sizeof(int))) return fail(EINVAL);
  int v;
  memcpy(&v, value, sizeof v);
  if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY) {
    // Only meaningful before binding; by now the socket is placed.
    return id.name.kind == SocketKind::kBound ? 0 : fail(EINVAL);
  }
  Request q;
  q.op = Op::kSetOption;
  q.socket = id.name.socket;
  q.level = level;
  q.name = name;
  q.value = v;
  Reply reply;
  const int error = request(q, reply);
  if (error) return fail(error);
  return reply.error ? fail(reply.error) : 0;
}

int shutdown(int fd, int how) noexcept {
  const RealCalls& r = real();
  if (!active()) return r.shutdown(fd, how);
  const FdKind kind = hot_kind(fd);
  if (kind == FdKind::kBound) return fail(ENOTCONN);
  if (kind == FdKind::kListener) {
    // A listener shut down stops listening: the service sees its channel
    // close, and accept() fails with EINVAL as the kernel's would.
    return r.shutdown(fd, SHUT_RDWR);
  }
  return r.shutdown(fd, how);
}

int ioctl(int fd, unsigned long request, ...) noexcept {
  va_list args;
  va_start(args, request);
  void* argument = va_arg(args, void*);
  va_end(args);
  const RealCalls& r = real();
  if (active() && request == FIONREAD && hot_kind(fd) == FdKind::kDatagram) {
    // The next datagram's payload, as for UDP (the unix socket would count
    // every queued byte, headers included).
    std::uint8_t header[kDatagramHeaderSize];
    const ssize_t n = r.recv(fd, header, sizeof header, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    const int available = n > static_cast<ssize_t>(kDatagramHeaderSize)
                              ? static_cast<int>(n - static_cast<ssize_t>(kDatagramHeaderSize))
                              : 0;
    if (argument) memcpy(argument, &available, sizeof available);
    return 0;
  }
  return r.ioctl(fd, request, argument);
}

}  // extern "C"
