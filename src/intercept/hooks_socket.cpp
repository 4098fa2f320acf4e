// socket, bind, listen, connect, accept, accept4: where a socket becomes
// virtual. A TCP socket is replaced at connect() or listen() (or at bind()
// to a virtual address, by a placeholder holding the port); a UDP socket
// at bind() (virtual or wildcard address), connect() or the first sendto()
// to a virtual address. Programs normally register a socket with epoll
// after these calls, so the replacement keeps their registrations; one
// made earlier is lost (epoll follows the open file, not the number).
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "intercept/shim.hpp"

using namespace zt::intercept;

namespace zt::intercept {

int socket_type(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  return real().getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 ? type : -1;
}

bool int_option(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  return real().getsockopt(fd, level, name, &value, &len) == 0 && value != 0;
}

bool socket_status(std::uint64_t id, bool take_error, Reply& out) {
  Request q;
  q.op = Op::kStatus;
  q.socket = id;
  q.flags = take_error ? std::uint32_t{kFlagTakeError} : 0u;
  return request(q, out) == 0 && out.error == 0;
}

int wait_connected(int fd, std::uint64_t id, int timeout_ms) {
  // The stream fd is unwritable until the service opens it on success; on
  // failure the service closes its end, which reads here as a hang-up.
  pollfd p{fd, POLLOUT, 0};
  const int n = poll(&p, 1, timeout_ms);
  if (n < 0) return errno;  // EINTR: the connect goes on, as the kernel's does
  if (n == 0) return EINPROGRESS;  // SO_SNDTIMEO ran out
  if (!(p.revents & (POLLHUP | POLLERR))) return 0;
  Reply st;
  if (socket_status(id, true, st) && st.so_error) return st.so_error;
  return ECONNREFUSED;
}

namespace {

std::uint8_t domain_number(int family) { return family == AF_INET ? 4 : 6; }

std::uint32_t carried_flags(int fd, int family) {
  std::uint32_t flags = 0;
  if (int_option(fd, IPPROTO_TCP, TCP_NODELAY)) flags |= kFlagNoDelay;
  if (int_option(fd, SOL_SOCKET, SO_KEEPALIVE)) flags |= kFlagKeepAlive;
  if (int_option(fd, SOL_SOCKET, SO_BROADCAST)) flags |= kFlagBroadcast;
  if (int_option(fd, SOL_SOCKET, SO_REUSEADDR)) flags |= kFlagReuseAddr;
  if (family == AF_INET6 && int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY)) flags |= kFlagV6Only;
  return flags;
}

int timeout_ms(int fd, int option) {
  timeval tv{};
  socklen_t len = sizeof tv;
  if (real().getsockopt(fd, SOL_SOCKET, option, &tv, &len) != 0 || (!tv.tv_sec && !tv.tv_usec))
    return -1;
  return static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

// A request that brings back a new fd for `fd`'s place. 0, or an errno.
// `placement` is taken first, while the fd is still the program's alone.
int exchange(int fd, Request& q, Reply& reply, int send_fd, int& fresh, Placement& placement) {
  placement = placement_of(fd);
  const int error = request(q, reply, send_fd, &fresh);
  if (error != 0) return error;
  if (reply.error != 0) {
    if (fresh >= 0) real().close(fresh);
    return reply.error;
  }
  return fresh >= 0 ? 0 : EPROTO;
}

int tcp_connect(int fd, int family, const Endpoint& local, std::uint64_t bound,
                const sockaddr* address, socklen_t length) {
  Request q;
  q.op = Op::kTcpConnect;
  q.domain = bound ? 0 : domain_number(family);
  q.socket = bound;
  q.local = local;
  to_endpoint(address, length, q.remote);
  if (!bound) q.flags = carried_flags(fd, family);
  Reply reply;
  int fresh = -1;
  Placement placement;
  const int error = exchange(fd, q, reply, -1, fresh, placement);
  if (error != 0) return fail(error);
  const int wait_ms = timeout_ms(fd, SO_SNDTIMEO);
  const bool nonblocking = placement.fl_flags & O_NONBLOCK;
  if (!install(fd, fresh, FdKind::kStream, placement)) return -1;
  set_buffer_to_restore(fd, reply.value);
  debug("fd %d: virtual TCP connect (socket %llu)", fd, static_cast<unsigned long long>(reply.socket));
  if (nonblocking) return fail(EINPROGRESS);
  const int result = wait_connected(fd, reply.socket, wait_ms);
  if (result == 0) restore_buffer(fd);
  return result ? fail(result) : 0;
}

}  // namespace

// A kernel UDP socket becomes virtual: `local` is where it is bound,
// `remote` its peer if connecting; the kernel socket itself goes to the
// service as the wildcard socket's kernel half when `keep_kernel`.
int open_udp(int fd, int family, const Endpoint& local, const Endpoint& remote, bool keep_kernel) {
  Request q;
  q.op = Op::kUdpOpen;
  q.domain = domain_number(family);
  q.local = local;
  q.remote = remote;
  q.flags = carried_flags(fd, family);
  Reply reply;
  int fresh = -1;
  Placement placement;
  const int error = exchange(fd, q, reply, keep_kernel ? fd : -1, fresh, placement);
  if (error != 0) return error;
  if (!install(fd, fresh, FdKind::kDatagram, placement, keep_kernel)) return errno;
  debug("fd %d: virtual UDP socket (socket %llu)%s", fd, static_cast<unsigned long long>(reply.socket),
        keep_kernel ? " with its kernel half" : "");
  return 0;
}

}  // namespace zt::intercept

extern "C" {

int socket(int domain, int type, int protocol) noexcept {
  const int fd = real().socket(domain, type, protocol);
  if (fd >= 0) clear_fd(fd);
  return fd;
}

int bind(int fd, const sockaddr* address, socklen_t length) noexcept {
  const RealCalls& r = real();
  if (!active() || !address || length < static_cast<socklen_t>(sizeof(sa_family_t)) ||
      (address->sa_family != AF_INET && address->sa_family != AF_INET6))
    return r.bind(fd, address, length);
  Identity id;
  if (!identify(fd, id)) return -1;
  if (id.ours) return fail(EINVAL);  // already bound, as the kernel says
  const int type = socket_type(fd);
  Endpoint e;
  if ((id.family != AF_INET && id.family != AF_INET6) || id.family != address->sa_family ||
      !to_endpoint(address, length, e) || (type != SOCK_STREAM && type != SOCK_DGRAM))
    return r.bind(fd, address, length);

  if (is_wildcard(e)) {
    if (type == SOCK_DGRAM && strict() && !service_present()) return fail(EADDRNOTAVAIL);
    // The kernel picks (or checks) the port; a listener's virtual half
    // takes the same number at listen().
    if (r.bind(fd, address, length) != 0) return -1;
    if (type != SOCK_DGRAM || !service_present()) return 0;
    Identity bound;
    identify(fd, bound);
    Endpoint local;
    to_endpoint(reinterpret_cast<sockaddr*>(&bound.bound), bound.bound_length, local);
    const int error = open_udp(fd, id.family, local, Endpoint{}, !strict());
    if (error != 0 && strict()) return fail(error);
    return 0;  // without the service: a kernel socket
  }
  if (is_own_address(address, length)) {
    if (type == SOCK_DGRAM) {
      const int error = open_udp(fd, id.family, e, Endpoint{}, false);
      return error ? fail(error == ECONNREFUSED ? EADDRNOTAVAIL : error) : 0;
    }
    Request q;
    q.op = Op::kTcpBind;
    q.domain = domain_number(id.family);
    q.local = e;
    q.flags = carried_flags(fd, id.family);
    Reply reply;
    int fresh = -1;
    Placement placement;
    const int error = exchange(fd, q, reply, -1, fresh, placement);
    if (error != 0) return fail(error == ECONNREFUSED ? EADDRNOTAVAIL : error);
    return install(fd, fresh, FdKind::kBound, placement) ? 0 : -1;
  }
  if (strict()) return fail(EADDRNOTAVAIL);
  return r.bind(fd, address, length);
}

int listen(int fd, int backlog) noexcept {
  const RealCalls& r = real();
  if (!active()) return r.listen(fd, backlog);
  Identity id;
  if (!identify(fd, id)) return -1;
  if (id.ours) {
    switch (id.name.kind) {
      case SocketKind::kListener: return 0;  // already listening
      case SocketKind::kStream: return fail(EINVAL);
      case SocketKind::kDatagram: return fail(EOPNOTSUPP);
      case SocketKind::kBound: break;
    }
    Request q;
    q.op = Op::kTcpListen;
    q.domain = 0;  // the service knows the placeholder's family
    q.socket = id.name.socket;
    q.backlog = static_cast<std::uint32_t>(backlog < 0 ? 0 : backlog);
    Reply reply;
    int fresh = -1;
    Placement placement;
    const int error = exchange(fd, q, reply, -1, fresh, placement);
    if (error != 0) return fail(error == ECONNREFUSED ? EADDRNOTAVAIL : error);
    return install(fd, fresh, FdKind::kListener, placement) ? 0 : -1;
  }
  if ((id.family != AF_INET && id.family != AF_INET6) || socket_type(fd) != SOCK_STREAM)
    return r.listen(fd, backlog);
  Endpoint bound;
  to_endpoint(reinterpret_cast<sockaddr*>(&id.bound), id.bound_length, bound);
  if (!is_wildcard(bound)) return r.listen(fd, backlog);  // a kernel address: the kernel's alone
  if (!service_present()) return strict() ? fail(EADDRNOTAVAIL) : r.listen(fd, backlog);
  // A wildcard listener listens on both sides: the kernel half goes to the
  // service, which hands the program every accepted connection, kernel or
  // virtual, on one channel.
  if (!strict() && r.listen(fd, backlog) != 0) return -1;
  if (bound.port == 0) {
    Identity now_bound;
    identify(fd, now_bound);
    to_endpoint(reinterpret_cast<sockaddr*>(&now_bound.bound), now_bound.bound_length, bound);
  }
  Request q;
  q.op = Op::kTcpListen;
  q.domain = domain_number(id.family);
  q.local = bound;
  q.backlog = static_cast<std::uint32_t>(backlog < 0 ? 0 : backlog);
  q.flags = carried_flags(fd, id.family);
  Reply reply;
  int fresh = -1;
  Placement placement;
  const int error = exchange(fd, q, reply, strict() ? -1 : fd, fresh, placement);
  if (error != 0) {
    debug("fd %d: no virtual half for the listener: %s", fd, strerror(error));
    return strict() ? fail(error) : 0;
  }
  debug("fd %d: listening on port %u, kernel and virtual", fd, bound.port);
  return install(fd, fresh, FdKind::kListener, placement) ? 0 : -1;
}

int connect(int fd, const sockaddr* address, socklen_t length) {
  const RealCalls& r = real();
  if (!active() || !address || length < static_cast<socklen_t>(sizeof(sa_family_t)))
    return r.connect(fd, address, length);
  const int family = address->sa_family;
  if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC)
    return r.connect(fd, address, length);
  Identity id;
  if (!identify(fd, id)) return -1;

  if (id.ours) {
    const std::uint64_t socket = id.name.socket;
    switch (id.name.kind) {
      case SocketKind::kListener: return fail(EISCONN);
      case SocketKind::kBound:
        if (family == AF_UNSPEC) return 0;
        if (reach(address, length) == Reach::kKernel) return fail(ENETUNREACH);
        return tcp_connect(fd, family, Endpoint{}, socket, address, length);
      case SocketKind::kStream: {
        Reply st;
        if (!socket_status(socket, false, st)) return fail(ECONNRESET);
        if (st.state == SocketState::kConnecting) return fail(EALREADY);
        if (st.state == SocketState::kConnected) {
          restore_buffer(fd);  // how some programs learn their connect finished
          return fail(EISCONN);
        }
        // Over: a pending error is reported once, as the kernel does; then a
        // connect that never came up says ECONNABORTED once, and the next
        // one is a new attempt.
        if (st.so_error) {
          socket_status(socket, true, st);
          return fail(st.so_error);
        }
        if (!st.remote.none()) return fail(EISCONN);
        if (!fd_info(fd).abort_reported) {
          set_abort_reported(fd);
          return fail(ECONNABORTED);
        }
        if (reach(address, length) != Reach::kVirtual) return fail(ENETUNREACH);
        return tcp_connect(fd, family, Endpoint{}, 0, address, length);
      }
      case SocketKind::kDatagram: {
        Request q;
        q.op = Op::kUdpConnect;
        q.socket = socket;
        if (family != AF_UNSPEC) {
          if (!to_endpoint(address, length, q.remote)) return fail(EINVAL);
          if (reach(address, length) == Reach::kKernel && !fd_info(fd).has_kernel_half)
            return fail(ENETUNREACH);
        }
        Reply reply;
        const int error = request(q, reply);
        if (error) return fail(error);
        return reply.error ? fail(reply.error) : 0;
      }
    }
  }
  if ((id.family != AF_INET && id.family != AF_INET6) || family == AF_UNSPEC)
    return r.connect(fd, address, length);
  if (family != id.family) return fail(EAFNOSUPPORT);
  const int type = socket_type(fd);
  if (type != SOCK_STREAM && type != SOCK_DGRAM) return r.connect(fd, address, length);
  const Reach where = reach(address, length);
  if (where == Reach::kKernel) return strict() ? fail(ENETUNREACH) : r.connect(fd, address, length);
  if (where == Reach::kUnreachable) return fail(type == SOCK_STREAM ? ECONNREFUSED : ENETUNREACH);

  Endpoint local;
  to_endpoint(reinterpret_cast<sockaddr*>(&id.bound), id.bound_length, local);
  if (!is_wildcard(local)) return fail(ENETUNREACH);  // bound to a kernel address
  if (local.port == 0) local = Endpoint{};
  if (type == SOCK_STREAM) return tcp_connect(fd, id.family, local, 0, address, length);
  Endpoint remote;
  to_endpoint(address, length, remote);
  const int error = open_udp(fd, id.family, local, remote, false);
  return error ? fail(error) : 0;
}

int accept4(int fd, sockaddr* address, socklen_t* length, int flags) {
  const RealCalls& r = real();
  if (!active()) return r.accept4(fd, address, length, flags);
  Identity id;
  if (!identify(fd, id) || !id.ours) {
    const int accepted = r.accept4(fd, address, length, flags);
    if (accepted >= 0) clear_fd(accepted);
    return accepted;
  }
  if (id.name.kind != SocketKind::kListener) return fail(EINVAL);
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return fail(EINVAL);
  for (;;) {
    std::uint8_t buffer[kMaxMessage];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    // Blocking or not as the listening fd is.
    const ssize_t n = r.recvmsg(fd, &msg, (flags & SOCK_CLOEXEC) ? MSG_CMSG_CLOEXEC : 0);
    if (n < 0) return -1;
    if (n == 0) return fail(EINVAL);  // the service is gone: as a listener that was shut down
    int accepted = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
        memcpy(&accepted, CMSG_DATA(c), sizeof accepted);
    const std::optional<AcceptNotice> notice = decode_accept({buffer, static_cast<std::size_t>(n)});
    if (accepted < 0) continue;
    if (!notice) {
      r.close(accepted);
      continue;
    }
    if (flags & SOCK_NONBLOCK) r.fcntl(accepted, F_SETFL, O_NONBLOCK);
    if (notice->is_virtual) set_fd(accepted, FdKind::kStream);
    else clear_fd(accepted);
    if (address && length) to_sockaddr(notice->peer, domain_of(notice->peer), address, length);
    return accepted;
  }
}

int accept(int fd, sockaddr* address, socklen_t* length) { return accept4(fd, address, length, 0); }

}  // extern "C"
