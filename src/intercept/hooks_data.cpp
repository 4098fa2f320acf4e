// read/write and the send/recv family. Virtual TCP streams need nothing
// here: the program's fd is a plain stream socket and reads and writes go
// straight to the kernel. Virtual UDP sockets carry a header in front of
// each datagram (the peer's address), added and removed here. A kernel UDP
// socket that sends to a virtual address becomes virtual on the spot.
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "intercept/shim.hpp"

using namespace zt::intercept;

namespace zt::intercept {
int socket_type(int fd);
int open_udp(int fd, int family, const Endpoint& local, const Endpoint& remote, bool keep_kernel);
}  // namespace zt::intercept

extern "C" [[noreturn]] void __chk_fail(void);

namespace {

constexpr std::size_t kMaxUdpPayload = 65507;
constexpr int kMaxIov = 1023;  // plus the header's

ssize_t datagram_receive(int fd, const iovec* iov, int count, int flags, sockaddr* from,
                         socklen_t* from_length, int* message_flags) {
  if (count < 0 || count > kMaxIov) return fail(EINVAL);
  std::uint8_t header[kDatagramHeaderSize];
  iovec all[kMaxIov + 1];
  all[0] = {header, sizeof header};
  for (int i = 0; i < count; ++i) all[i + 1] = iov[i];
  msghdr m{};
  m.msg_iov = all;
  m.msg_iovlen = static_cast<std::size_t>(count) + 1;
  const ssize_t n = real().recvmsg(fd, &m, flags);
  if (n < 0) return -1;
  if (n == 0) return fail(ECONNREFUSED);  // the service is gone
  const std::optional<Endpoint> peer = decode_datagram_header({header, sizeof header});
  if (n < static_cast<ssize_t>(kDatagramHeaderSize) || !peer) return fail(EIO);
  if (from && from_length) to_sockaddr(*peer, domain_of(*peer), from, from_length);
  if (message_flags) *message_flags = m.msg_flags & (MSG_TRUNC | MSG_EOR | MSG_OOB);
  return n - static_cast<ssize_t>(kDatagramHeaderSize);
}

ssize_t datagram_send(int fd, const iovec* iov, int count, int flags, const sockaddr* to,
                      socklen_t to_length) {
  if (count < 0 || count > kMaxIov) return fail(EINVAL);
  Endpoint destination;
  if (to) {
    if (!to_endpoint(to, to_length, destination)) return fail(to_length < 2 ? EINVAL : EAFNOSUPPORT);
    const Reach where = reach(to, to_length);
    if (where == Reach::kUnreachable) return fail(ENETUNREACH);
    if (where == Reach::kKernel && (strict() || !fd_info(fd).has_kernel_half)) return fail(ENETUNREACH);
  }
  std::size_t total = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  if (total > kMaxUdpPayload) return fail(EMSGSIZE);
  std::uint8_t header[kDatagramHeaderSize];
  encode_datagram_header(destination, header);
  iovec all[kMaxIov + 1];
  all[0] = {header, sizeof header};
  for (int i = 0; i < count; ++i) all[i + 1] = iov[i];
  msghdr m{};
  m.msg_iov = all;
  m.msg_iovlen = static_cast<std::size_t>(count) + 1;
  const ssize_t n = real().sendmsg(fd, &m, (flags & (MSG_DONTWAIT | MSG_MORE)) | MSG_NOSIGNAL);
  if (n < 0) return (errno == EPIPE || errno == ECONNRESET) ? fail(ECONNREFUSED) : -1;
  return n - static_cast<ssize_t>(kDatagramHeaderSize);
}

// Reads and writes on a placeholder or a listener, as on a TCP socket that
// is not connected.
ssize_t not_connected_read() { return fail(ENOTCONN); }
ssize_t not_connected_write(int flags) {
  if (!(flags & MSG_NOSIGNAL)) raise(SIGPIPE);
  return fail(EPIPE);
}

// A kernel UDP socket sending to a virtual address: it becomes virtual,
// keeping its kernel side (in the service) for its other destinations.
bool became_virtual(int fd, const sockaddr* to, socklen_t to_length) {
  if (!active() || !to || to_length < static_cast<socklen_t>(sizeof(sa_family_t)) ||
      (to->sa_family != AF_INET && to->sa_family != AF_INET6))
    return false;
  if (reach(to, to_length) != Reach::kVirtual) return false;
  Identity id;
  if (!identify(fd, id) || id.ours || id.family != to->sa_family || socket_type(fd) != SOCK_DGRAM)
    return false;
  Endpoint local;
  to_endpoint(reinterpret_cast<sockaddr*>(&id.bound), id.bound_length, local);
  if (!is_wildcard(local)) return false;  // bound to a kernel address: the kernel decides
  if (local.port == 0) local = Endpoint{};
  return open_udp(fd, id.family, local, Endpoint{}, !strict()) == 0;
}

bool strict_refuses(const sockaddr* to, socklen_t to_length) {
  return strict() && active() && to && to_length >= static_cast<socklen_t>(sizeof(sa_family_t)) &&
         (to->sa_family == AF_INET || to->sa_family == AF_INET6) &&
         reach(to, to_length) != Reach::kVirtual;
}

}  // namespace

extern "C" {

ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, sockaddr* from, socklen_t* from_length) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram: {
      iovec iov{buffer, length};
      return datagram_receive(fd, &iov, 1, flags, from, from_length, nullptr);
    }
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_read();
    default: return real().recvfrom(fd, buffer, length, flags, from, from_length);
  }
}

ssize_t recv(int fd, void* buffer, size_t length, int flags) {
  if (active() && hot_kind(fd) > FdKind::kStream) return recvfrom(fd, buffer, length, flags, nullptr, nullptr);
  return real().recv(fd, buffer, length, flags);
}

ssize_t read(int fd, void* buffer, size_t length) {
  if (active() && hot_kind(fd) > FdKind::kStream) return recvfrom(fd, buffer, length, 0, nullptr, nullptr);
  return real().read(fd, buffer, length);
}

ssize_t readv(int fd, const iovec* iov, int count) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram: return datagram_receive(fd, iov, count, 0, nullptr, nullptr, nullptr);
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_read();
    default: return real().readv(fd, iov, count);
  }
}

ssize_t recvmsg(int fd, msghdr* message, int flags) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram: {
      if (!message) return fail(EFAULT);
      socklen_t name_length = message->msg_namelen;
      const ssize_t n = datagram_receive(fd, message->msg_iov, static_cast<int>(message->msg_iovlen),
                                         flags, static_cast<sockaddr*>(message->msg_name),
                                         message->msg_name ? &name_length : nullptr, &message->msg_flags);
      if (n >= 0) {
        if (message->msg_name) message->msg_namelen = name_length;
        message->msg_controllen = 0;  // no IP-level ancillary data on virtual sockets
      }
      return n;
    }
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_read();
    default: return real().recvmsg(fd, message, flags);
  }
}

int recvmmsg(int fd, mmsghdr* messages, unsigned count, int flags, struct timespec* timeout) {
  if (!active() || hot_kind(fd) != FdKind::kDatagram) return real().recvmmsg(fd, messages, count, flags, timeout);
  unsigned done = 0;
  for (; done < count; ++done) {
    // After the first, only what is already there (MSG_WAITFORONE's rule).
    const int f = done == 0 ? (flags & ~MSG_WAITFORONE) : (flags | MSG_DONTWAIT);
    const ssize_t n = recvmsg(fd, &messages[done].msg_hdr, f & ~MSG_WAITFORONE);
    if (n < 0) break;
    messages[done].msg_len = static_cast<unsigned>(n);
  }
  return done > 0 ? static_cast<int>(done) : -1;
}

ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const sockaddr* to, socklen_t to_length) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram: {
      iovec iov{const_cast<void*>(buffer), length};
      return datagram_send(fd, &iov, 1, flags, to, to_length);
    }
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_write(flags);
    default:
      if (to && became_virtual(fd, to, to_length)) return sendto(fd, buffer, length, flags, to, to_length);
      if (strict_refuses(to, to_length)) return fail(ENETUNREACH);
      return real().sendto(fd, buffer, length, flags, to, to_length);
  }
}

ssize_t send(int fd, const void* buffer, size_t length, int flags) {
  if (active() && hot_kind(fd) > FdKind::kStream) return sendto(fd, buffer, length, flags, nullptr, 0);
  return real().send(fd, buffer, length, flags);
}

ssize_t write(int fd, const void* buffer, size_t length) {
  if (active() && hot_kind(fd) > FdKind::kStream) return sendto(fd, buffer, length, 0, nullptr, 0);
  return real().write(fd, buffer, length);
}

ssize_t writev(int fd, const iovec* iov, int count) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram: return datagram_send(fd, iov, count, 0, nullptr, 0);
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_write(0);
    default: return real().writev(fd, iov, count);
  }
}

ssize_t sendmsg(int fd, const msghdr* message, int flags) {
  switch (active() ? hot_kind(fd) : FdKind::kNone) {
    case FdKind::kDatagram:
      if (!message) return fail(EFAULT);
      return datagram_send(fd, message->msg_iov, static_cast<int>(message->msg_iovlen), flags,
                           static_cast<const sockaddr*>(message->msg_name), message->msg_namelen);
    case FdKind::kBound:
    case FdKind::kListener: return not_connected_write(flags);
    default:
      if (message && message->msg_name &&
          became_virtual(fd, static_cast<const sockaddr*>(message->msg_name), message->msg_namelen))
        return sendmsg(fd, message, flags);
      if (message && strict_refuses(static_cast<const sockaddr*>(message->msg_name), message->msg_namelen))
        return fail(ENETUNREACH);
      return real().sendmsg(fd, message, flags);
  }
}

int sendmmsg(int fd, mmsghdr* messages, unsigned count, int flags) {
  bool ours = active() && hot_kind(fd) > FdKind::kStream;
  for (unsigned i = 0; active() && !ours && i < count; ++i) {
    const auto* to = static_cast<const sockaddr*>(messages[i].msg_hdr.msg_name);
    ours = to && (strict() || reach(to, messages[i].msg_hdr.msg_namelen) == Reach::kVirtual);
  }
  if (!ours) return real().sendmmsg(fd, messages, count, flags);
  unsigned done = 0;
  for (; done < count; ++done) {
    const ssize_t n = sendmsg(fd, &messages[done].msg_hdr, flags);
    if (n < 0) break;
    messages[done].msg_len = static_cast<unsigned>(n);
  }
  return done > 0 ? static_cast<int>(done) : -1;
}

// The _FORTIFY_SOURCE entry points programs built with it call instead.
ssize_t __read_chk(int fd, void* buffer, size_t length, size_t buffer_length) {
  if (length > buffer_length) __chk_fail();
  return read(fd, buffer, length);
}

ssize_t __recv_chk(int fd, void* buffer, size_t length, size_t buffer_length, int flags) {
  if (length > buffer_length) __chk_fail();
  return recv(fd, buffer, length, flags);
}

ssize_t __recvfrom_chk(int fd, void* buffer, size_t length, size_t buffer_length, int flags,
                       sockaddr* from, socklen_t* from_length) {
  if (length > buffer_length) __chk_fail();
  return recvfrom(fd, buffer, length, flags, from, from_length);
}

}  // extern "C"
