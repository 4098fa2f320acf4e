// The intercept's UDP sockets: a SOCK_SEQPACKET pair per socket, each
// datagram behind a fixed header with the peer's address (protocol.hpp).
// A wildcard-bound socket also has its kernel half here, so it receives
// from both sides and sends to non-virtual destinations through it.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "io/sockaddr.hpp"
#include "service/intercept_entries.hpp"

namespace zt::service {

using intercept::Reply;
using intercept::Request;
using intercept::SocketKind;
using intercept::SocketState;

namespace {

// Datagrams moved per readiness event before the poller serves other fds.
constexpr int kDatagramsPerEvent = 64;
constexpr std::size_t kBufferSize = intercept::kDatagramHeaderSize + 65536;

// To the program: header with the source, then the payload. Dropped (and
// counted) when the program's receive queue is full, as UDP would.
void deliver(int fd, std::uint8_t domain, const InetAddress& from,
             std::span<const std::uint8_t> data, std::atomic<std::uint64_t>& dropped) {
  std::uint8_t header[intercept::kDatagramHeaderSize];
  intercept::encode_datagram_header(to_endpoint(from, domain), header);
  iovec iov[2] = {{header, sizeof header}, {const_cast<std::uint8_t*>(data.data()), data.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  if (sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) dropped.fetch_add(1);
}

}  // namespace

void InterceptServer::udp_open(Control& c, const Request& q, int kernel_fd) {
  auto fail = [&](int error) {
    if (kernel_fd >= 0) ::close(kernel_fd);
    reply(c, answer(q, error));
  };
  stack::LocalBinding b;
  b.family = q.domain;
  b.v6only = q.flags & intercept::kFlagV6Only;
  b.reuse_address = q.flags & intercept::kFlagReuseAddr;
  InetAddress ip = from_endpoint(q.local);
  ip.set_port(0);
  bool wildcard = true;
  for (std::size_t i = 0; i < ip.ip_length(); ++i) wildcard = wildcard && ip.ip()[i] == 0;
  if (!ip.is_nil() && !wildcard) {
    if (!networks_->get()->is_own(ip)) return fail(EADDRNOTAVAIL);
    b.ip = ip;
  }
  b.port = q.local.port;
  int fds[2];
  if (!make_pair(SOCK_SEQPACKET, fds)) return fail(errno);
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  auto d = std::make_shared<Datagram>();
  d->domain = q.domain;
  d->fd = fds[1];
  int error = 0;
  d->endpoint = stack::UdpEndpoint::open(
      b,
      [fd = fds[1], domain = q.domain, dropped = d->dropped](const InetAddress& from,
                                                            std::span<const std::uint8_t> data) {
        deliver(fd, domain, from, data, *dropped);
      },
      &error);
  if (!d->endpoint) {
    ::close(fds[0]);
    ::close(fds[1]);
    return fail(error);
  }
  if (q.flags & intercept::kFlagBroadcast) d->endpoint->set_option(stack::UdpOption::kBroadcast, 1);
  const InetAddress remote = from_endpoint(q.remote);
  if (!remote.is_nil()) {
    d->peer = remote;
    if (networks_->get()->contains(remote)) d->endpoint->connect(remote);
  }
  const std::uint64_t id = next_id();
  if (!name_socket(fds[0], SocketKind::kDatagram, id)) {
    const int e = errno;
    d->endpoint.reset();
    ::close(fds[0]);
    ::close(fds[1]);
    return fail(e);
  }
  d->id = id;
  std::weak_ptr<Datagram> weak = d;
  d->token = poller_.add(fds[1], EPOLLIN, [this, weak](std::uint32_t events) {
    if (auto datagram = weak.lock()) on_datagram_fd(datagram, events);
  });
  if (kernel_fd >= 0) {
    // Read and written with MSG_DONTWAIT: its file status flags stay the
    // program's (the open file may still be shared with it).
    d->kernel = kernel_fd;
    d->kernel_token = poller_.add(kernel_fd, EPOLLIN, [this, weak](std::uint32_t) {
      if (auto datagram = weak.lock()) on_datagram_kernel(datagram);
    });
  }
  add_entry(id, SocketKind::kDatagram, q.domain).datagram = d;
  Reply r = answer(q);
  r.socket = id;
  r.kind = SocketKind::kDatagram;
  r.state = SocketState::kOpen;
  r.local = to_endpoint(d->endpoint->local(), q.domain);
  r.remote = remote.is_nil() ? intercept::Endpoint{} : to_endpoint(remote, q.domain);
  reply(c, r, fds[0]);
  ::close(fds[0]);
}

void InterceptServer::udp_connect(Control& c, const Request& q) {
  auto it = entries_.find(q.socket);
  if (it == entries_.end() || it->second->kind != SocketKind::kDatagram)
    return reply(c, answer(q, EBADF));
  Datagram& d = *it->second->datagram;
  const InetAddress remote = from_endpoint(q.remote);
  d.peer = remote;
  int error = 0;
  if (!remote.is_nil() && networks_->get()->contains(remote)) {
    error = d.endpoint->connect(remote);
  } else {
    d.endpoint->connect(InetAddress());
    if (d.kernel >= 0 && !remote.is_nil()) {
      sockaddr_storage sa{};
      const socklen_t len = io::to_sockaddr(remote, sa);
      if (::connect(d.kernel, reinterpret_cast<sockaddr*>(&sa), len) != 0) error = errno;
    }
  }
  Reply r = answer(q, error);
  r.socket = d.id;
  r.kind = SocketKind::kDatagram;
  r.state = SocketState::kOpen;
  r.local = to_endpoint(d.endpoint->local(), d.domain);
  r.remote = remote.is_nil() ? intercept::Endpoint{} : to_endpoint(remote, d.domain);
  reply(c, r);
}

void InterceptServer::on_datagram_fd(const std::shared_ptr<Datagram>& d, std::uint32_t events) {
  static std::uint8_t buffer[kBufferSize];
  const auto networks = networks_->get();
  for (int i = 0; i < kDatagramsPerEvent && d->fd >= 0; ++i) {
    const ssize_t n = recv(d->fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    if (n <= 0) return close_datagram(d);  // the program closed its socket
    const std::optional<intercept::Endpoint> header =
        intercept::decode_datagram_header({buffer, static_cast<std::size_t>(n)});
    if (!header) {
      d->dropped->fetch_add(1);
      continue;
    }
    const std::span<const std::uint8_t> payload(buffer + intercept::kDatagramHeaderSize,
                                                static_cast<std::size_t>(n) - intercept::kDatagramHeaderSize);
    const InetAddress to = header->none() ? d->peer : from_endpoint(*header);
    if (to.is_nil()) {
      d->dropped->fetch_add(1);
    } else if (networks->contains(to)) {
      if (d->endpoint->send_to(to, payload) != 0) d->dropped->fetch_add(1);
    } else if (d->kernel >= 0) {
      sockaddr_storage sa{};
      const socklen_t len = io::to_sockaddr(to, sa);
      if (sendto(d->kernel, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<sockaddr*>(&sa), len) < 0)
        d->dropped->fetch_add(1);
    } else {
      d->dropped->fetch_add(1);
    }
  }
  if ((events & (EPOLLHUP | EPOLLERR)) && d->fd >= 0) {
    // Hung up with nothing left to read: the program closed it.
    const ssize_t n = recv(d->fd, buffer, 1, MSG_DONTWAIT | MSG_PEEK);
    if (n <= 0 && !(n < 0 && errno == EAGAIN)) close_datagram(d);
  }
}

void InterceptServer::on_datagram_kernel(const std::shared_ptr<Datagram>& d) {
  static std::uint8_t buffer[65536];
  for (int i = 0; i < kDatagramsPerEvent && d->kernel >= 0; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(d->kernel, buffer, sizeof buffer, MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) break;
    deliver(d->fd, d->domain, io::from_sockaddr(from, from_len),
            {buffer, static_cast<std::size_t>(n)}, *d->dropped);
  }
}

void InterceptServer::close_datagram(const std::shared_ptr<Datagram>& d) {
  if (d->fd < 0) return;
  d->endpoint.reset();  // no more deliveries to d->fd once this returns
  poller_.remove(d->fd, d->token);
  ::close(d->fd);
  d->fd = -1;
  if (d->kernel >= 0) {
    poller_.remove(d->kernel, d->kernel_token);
    ::close(d->kernel);
    d->kernel = -1;
  }
  if (entries_.erase(d->id)) open_count_.fetch_sub(1);
}

}  // namespace zt::service
