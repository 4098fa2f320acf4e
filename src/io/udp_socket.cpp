#include "io/udp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/sockaddr.hpp"

namespace zt::io {
namespace {

const char* family_name(InetAddress::Family family) {
  return family == InetAddress::Family::kV6 ? "IPv6" : "IPv4";
}

std::string bind_error(int err, InetAddress::Family family, std::uint16_t port) {
  const std::string where = "UDP port " + std::to_string(port) + " (" + family_name(family) + ")";
  switch (err) {
    case EADDRINUSE:
      return "UDP port " + std::to_string(port) + " is already in use (" + family_name(family) +
             "); stop the other program or choose another port";
    case EACCES:
      return where + " needs privileges: choose a port above 1023";
    case EAFNOSUPPORT:
    case EADDRNOTAVAIL:
      return std::string(family_name(family)) + " is not available on this host";
    default:
      return "cannot bind " + where + ": " + std::strerror(err);
  }
}

// Asks for `bytes`, with the privileged variant first; the kernel clamps
// the plain one to its maximum without complaint. Returns what was granted.
int grow_buffer(int fd, int force_opt, int opt, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, force_opt, &bytes, sizeof bytes) != 0)
    setsockopt(fd, SOL_SOCKET, opt, &bytes, sizeof bytes);
  int granted = 0;
  socklen_t len = sizeof granted;
  getsockopt(fd, SOL_SOCKET, opt, &granted, &len);
  return granted;
}

}  // namespace

std::unique_ptr<UdpSocket> UdpSocket::open(InetAddress::Family family, std::uint16_t port,
                                           std::string* error) {
  if (family != InetAddress::Family::kV4 && family != InetAddress::Family::kV6) {
    if (error) *error = "a UDP socket needs IPv4 or IPv6";
    errno = EINVAL;
    return nullptr;
  }
  const bool v6 = family == InetAddress::Family::kV6;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    const int err = errno;
    if (error) *error = bind_error(err, family, port);
    errno = err;
    return nullptr;
  }
  if (v6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  const int rcvbuf = grow_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF, kWantedBufferBytes);
  const int sndbuf = grow_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF, kWantedBufferBytes);

  sockaddr_storage addr{};
  const std::uint8_t any[16] = {};
  const socklen_t len =
      to_sockaddr(v6 ? InetAddress::v6(any, port) : InetAddress::v4(any, port), addr);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0) {
    const int err = errno;
    close(fd);
    if (error) *error = bind_error(err, family, port);
    errno = err;
    return nullptr;
  }
  socklen_t bound_len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &bound_len) != 0) {
    const int err = errno;
    close(fd);
    if (error) *error = std::string("cannot read the bound UDP port: ") + std::strerror(err);
    errno = err;
    return nullptr;
  }
  const std::uint16_t bound = from_sockaddr(addr, bound_len).port();
  return std::unique_ptr<UdpSocket>(new UdpSocket(fd, family, bound, rcvbuf, sndbuf));
}

UdpSocket::UdpSocket(int fd, InetAddress::Family family, std::uint16_t port, int rcvbuf,
                     int sndbuf)
    : fd_(fd), family_(family), port_(port), rcvbuf_(rcvbuf), sndbuf_(sndbuf) {}

UdpSocket::~UdpSocket() { close(fd_); }

bool UdpSocket::set_ttl(int ttl) {
  // -1 restores the kernel's default for both options.
  if (family_ == InetAddress::Family::kV6)
    return setsockopt(fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) == 0;
  return setsockopt(fd_, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) == 0;
}

bool UdpSocket::send_to(const InetAddress& to, std::span<const std::uint8_t> data, unsigned ttl) {
  if (to.family() != family_) return false;
  sockaddr_storage addr;
  const socklen_t len = to_sockaddr(to, addr);
  if (len == 0) return false;
  const bool custom_ttl = ttl > 0;
  if (custom_ttl && !set_ttl(static_cast<int>(std::min(ttl, 255u)))) return false;
  ssize_t sent;
  do {
    sent = sendto(fd_, data.data(), data.size(), MSG_DONTWAIT,
                  reinterpret_cast<const sockaddr*>(&addr), len);
  } while (sent < 0 && errno == EINTR);
  if (custom_ttl) set_ttl(-1);
  return sent == static_cast<ssize_t>(data.size());
}

std::size_t UdpSocket::receive_batch(const Receiver& on_datagram, std::size_t max_datagrams) {
  if (!buffers_) buffers_ = std::make_unique_for_overwrite<std::uint8_t[]>(kBatch * kMaxDatagram);
  mmsghdr msgs[kBatch];
  iovec iovs[kBatch];
  sockaddr_storage from[kBatch];
  std::size_t taken = 0, delivered = 0;
  while (taken < max_datagrams) {
    const std::size_t want = std::min(kBatch, max_datagrams - taken);
    for (std::size_t i = 0; i < want; ++i) {
      iovs[i] = {buffers_.get() + i * kMaxDatagram, kMaxDatagram};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iovs[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = recvmmsg(fd_, msgs, static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained; anything else will show again on the next call
    }
    for (int i = 0; i < n; ++i) {
      if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
        ++truncated_;
        continue;
      }
      const InetAddress source = from_sockaddr(from[i], msgs[i].msg_hdr.msg_namelen);
      if (source.is_nil()) continue;
      on_datagram(source, {buffers_.get() + i * kMaxDatagram, msgs[i].msg_len});
      ++delivered;
    }
    taken += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < want) break;
  }
  return delivered;
}

}  // namespace zt::io
