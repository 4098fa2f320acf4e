// The intercept's TCP sockets: a bind to a virtual address (a placeholder
// holding the port), connect (a stream fd gated until the connection is
// up), listen (a channel delivering accepted fds, virtual and, for a
// wildcard listener, kernel ones too).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "io/sockaddr.hpp"
#include "service/intercept_entries.hpp"

namespace zt::service {

using intercept::Reply;
using intercept::Request;
using intercept::SocketKind;
using intercept::SocketState;

namespace {

}  // namespace

int InterceptServer::adopt_stream(std::shared_ptr<stack::TcpRelay> relay, std::uint8_t domain,
                                  bool gate, std::uint64_t* id_out, int* restore_buffer) {
  int fds[2];
  if (!make_pair(SOCK_STREAM, fds)) return -1;
  const std::uint64_t id = next_id();
  const std::size_t gate_bytes = gate ? fill_gate(fds[0], restore_buffer) : 0;
  if (!name_socket(fds[0], SocketKind::kStream, id)) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    errno = e;
    return -1;
  }
  add_entry(id, SocketKind::kStream, domain).relay = relay;
  relay->attach(fds[1], gate_bytes, [this, id, alive = std::weak_ptr<const bool>(alive_)](int) {
    if (alive.expired()) return;
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    const stack::TcpRelay::Status st = it->second->relay->status(false);
    // A connection that never came up has no peer to report (getpeername: ENOTCONN).
    bury(id, {SocketKind::kStream, st.so_error, st.local, st.connected ? st.remote : InetAddress(),
              it->second->domain});
    entries_.erase(it);
    open_count_.fetch_sub(1);
  });
  *id_out = id;
  return fds[0];
}

void InterceptServer::tcp_bind(Control& c, const Request& q) {
  const InetAddress ip = from_endpoint(q.local);
  if (ip.is_nil() || !networks_->get()->is_own(ip)) return reply(c, answer(q, EADDRNOTAVAIL));
  stack::LocalBinding b;
  b.ip = ip;
  b.ip.set_port(0);
  b.port = q.local.port;
  b.family = q.domain;
  b.v6only = q.flags & intercept::kFlagV6Only;
  b.reuse_address = q.flags & intercept::kFlagReuseAddr;
  int error = 0;
  auto reservation = stack::TcpPortReservation::reserve(b, &error);
  if (!reservation) return reply(c, answer(q, error));
  int fds[2];
  if (!make_pair(SOCK_STREAM, fds)) return reply(c, answer(q, errno));
  const std::uint64_t id = next_id();
  if (!name_socket(fds[0], SocketKind::kBound, id)) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return reply(c, answer(q, e));
  }
  Entry& entry = add_entry(id, SocketKind::kBound, q.domain);
  entry.binding = reservation->binding();
  entry.reservation = std::move(reservation);
  entry.placeholder = fds[1];
  // Watched for nothing but the hang-up when the program closes (or
  // replaces) its end.
  entry.placeholder_token = poller_.add(fds[1], 0, [this, id](std::uint32_t) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    poller_.remove(it->second->placeholder, it->second->placeholder_token);
    ::close(it->second->placeholder);
    entries_.erase(it);
    open_count_.fetch_sub(1);
  });
  Reply r = answer(q);
  r.socket = id;
  r.kind = SocketKind::kBound;
  r.state = SocketState::kBound;
  InetAddress local = ip;
  local.set_port(entry.binding.port);
  r.local = to_endpoint(local, q.domain);
  reply(c, r, fds[0]);
  ::close(fds[0]);
}

void InterceptServer::tcp_connect(Control& c, const Request& request) {
  Request q = request;
  // A placeholder's fd does not say its family; the service remembers it.
  if (q.socket != 0 && q.domain == 0)
    if (auto it = entries_.find(q.socket); it != entries_.end()) q.domain = it->second->domain;
  const InetAddress remote = from_endpoint(q.remote);
  if (remote.is_nil()) return reply(c, answer(q, EAFNOSUPPORT));
  if (!networks_->get()->contains(remote)) return reply(c, answer(q, ENETUNREACH));
  stack::LocalBinding b;
  b.family = remote.is_v4() ? 4 : 6;
  bool nodelay = q.flags & intercept::kFlagNoDelay;
  bool keepalive = q.flags & intercept::kFlagKeepAlive;
  if (q.socket != 0) {
    auto it = entries_.find(q.socket);
    if (it == entries_.end() || it->second->kind != SocketKind::kBound)
      return reply(c, answer(q, EBADF));
    Entry& bound = *it->second;
    b = bound.binding;
    b.reuse_address = true;  // the port was held for this socket until now
    bound.reservation.reset();  // the connection binds the same address next
    nodelay = nodelay || bound.nodelay;
    keepalive = keepalive || bound.keepalive;
  } else if (!q.local.none()) {
    b.ip = from_endpoint(q.local);
    b.ip.set_port(0);
    if (!b.ip.is_nil() && (b.ip.ip_length() == 0 || std::all_of(b.ip.ip(), b.ip.ip() + b.ip.ip_length(),
                                                                [](std::uint8_t x) { return x == 0; })))
      b.ip = InetAddress();
    b.port = q.local.port;
  }
  int error = 0;
  auto relay = stack::TcpRelay::connect(poller_, b, remote, nodelay, nullptr, &error);
  if (!relay) return reply(c, answer(q, error));
  if (keepalive) relay->set_option(stack::TcpOption::kKeepAlive, 1);
  std::uint64_t id = 0;
  int restore_buffer = 0;
  const int fd = adopt_stream(relay, q.domain, true, &id, &restore_buffer);
  if (fd < 0) {
    const int e = errno;
    relay->close();
    return reply(c, answer(q, e));
  }
  const stack::TcpRelay::Status st = relay->status(false);
  Reply r = answer(q);
  r.socket = id;
  r.kind = SocketKind::kStream;
  r.state = SocketState::kConnecting;
  r.value = restore_buffer;  // the send buffer size to give the fd back once connected
  r.local = to_endpoint(st.local, q.domain);
  r.remote = to_endpoint(remote, q.domain);
  reply(c, r, fd);
  ::close(fd);
}

void InterceptServer::tcp_listen(Control& c, const Request& request, int kernel_fd) {
  Request q = request;
  if (q.socket != 0 && q.domain == 0)
    if (auto it = entries_.find(q.socket); it != entries_.end()) q.domain = it->second->domain;
  auto fail = [&](int error) {
    if (kernel_fd >= 0) ::close(kernel_fd);
    reply(c, answer(q, error));
  };
  stack::LocalBinding b;
  b.family = q.domain;
  b.v6only = q.flags & intercept::kFlagV6Only;
  bool nodelay = q.flags & intercept::kFlagNoDelay;
  bool keepalive = q.flags & intercept::kFlagKeepAlive;
  if (q.socket != 0) {
    auto it = entries_.find(q.socket);
    if (it == entries_.end() || it->second->kind != SocketKind::kBound) return fail(EBADF);
    Entry& bound = *it->second;
    b = bound.binding;
    b.reuse_address = true;
    bound.reservation.reset();
    nodelay = nodelay || bound.nodelay;
    keepalive = keepalive || bound.keepalive;
  } else {
    b.port = q.local.port;  // the wildcard listener's kernel port
  }
  auto l = std::make_shared<Listener>();
  int error = 0;
  std::weak_ptr<Listener> weak = l;
  l->lwip = stack::TcpListener::listen(
      poller_, b, static_cast<int>(std::clamp<std::uint32_t>(q.backlog, 1, 255)),
      [this, weak](std::shared_ptr<stack::TcpRelay> relay) {
        if (auto listener = weak.lock()) on_accepted(listener, std::move(relay));
        else relay->close();
      },
      &error);
  if (!l->lwip) return fail(error);
  int fds[2];
  if (!make_pair(SOCK_SEQPACKET, fds)) {
    l->lwip->close();
    return fail(errno);
  }
  const std::uint64_t id = next_id();
  if (!name_socket(fds[0], SocketKind::kListener, id)) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    l->lwip->close();
    return fail(e);
  }
  fcntl(fds[1], F_SETFL, O_NONBLOCK);
  l->id = id;
  l->domain = q.domain;
  l->backlog = std::clamp<std::uint32_t>(q.backlog, 1, 4096);
  l->nodelay = nodelay;
  l->keepalive = keepalive;
  l->channel = fds[1];
  l->channel_token = poller_.add(fds[1], 0, [this, weak](std::uint32_t events) {
    if (auto listener = weak.lock()) on_listener_channel(listener, events);
  });
  if (kernel_fd >= 0) {
    fcntl(kernel_fd, F_SETFL, fcntl(kernel_fd, F_GETFL) | O_NONBLOCK);
    l->kernel = kernel_fd;
    l->kernel_token = poller_.add(kernel_fd, EPOLLIN, [this, weak](std::uint32_t) {
      if (auto listener = weak.lock()) on_kernel_listener(listener);
    });
  }
  add_entry(id, SocketKind::kListener, q.domain).listener = l;
  Reply r = answer(q);
  r.socket = id;
  r.kind = SocketKind::kListener;
  r.state = SocketState::kListening;
  r.local = to_endpoint(l->lwip->local(), q.domain);
  reply(c, r, fds[0]);
  ::close(fds[0]);
}

void InterceptServer::on_accepted(const std::shared_ptr<Listener>& l,
                                  std::shared_ptr<stack::TcpRelay> relay) {
  if (l->closed || l->queue.size() >= l->backlog) {
    relay->close();  // as a full accept queue would drop it
    return;
  }
  if (l->nodelay) relay->set_option(stack::TcpOption::kNoDelay, 1);
  if (l->keepalive) relay->set_option(stack::TcpOption::kKeepAlive, 1);
  std::uint64_t id = 0;
  const int fd = adopt_stream(relay, l->domain, false, &id);
  if (fd < 0) {
    relay->close();
    return;
  }
  const stack::TcpRelay::Status st = relay->status(false);
  intercept::AcceptNotice notice;
  notice.is_virtual = true;
  notice.socket = id;
  notice.peer = to_endpoint(st.remote, l->domain);
  notice.local = to_endpoint(st.local, l->domain);
  Listener::Pending p;
  p.notice.resize(intercept::kMaxMessage);
  p.notice.resize(intercept::encode_accept(notice, p.notice));
  p.fd = fd;
  p.relay = std::move(relay);
  l->queue.push_back(std::move(p));
  flush_listener(l);
}

void InterceptServer::on_kernel_listener(const std::shared_ptr<Listener>& l) {
  while (!l->closed && l->queue.empty()) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    const int fd = accept4(l->kernel, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
    if (fd < 0) return;
    sockaddr_storage local{};
    socklen_t local_len = sizeof local;
    getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len);
    intercept::AcceptNotice notice;
    notice.is_virtual = false;
    notice.peer = to_endpoint(io::from_sockaddr(peer, peer_len), l->domain);
    notice.local = to_endpoint(io::from_sockaddr(local, local_len), l->domain);
    Listener::Pending p;
    p.notice.resize(intercept::kMaxMessage);
    p.notice.resize(intercept::encode_accept(notice, p.notice));
    p.fd = fd;
    l->queue.push_back(std::move(p));
    flush_listener(l);
  }
}

void InterceptServer::on_listener_channel(const std::shared_ptr<Listener>& l, std::uint32_t events) {
  if (events & (EPOLLHUP | EPOLLERR)) return close_listener(l);  // the program closed it
  if (events & EPOLLOUT) flush_listener(l);
}

void InterceptServer::flush_listener(const std::shared_ptr<Listener>& l) {
  while (!l->closed && !l->queue.empty()) {
    Listener::Pending& p = l->queue.front();
    const int error = send_message(l->channel, p.notice, p.fd);
    if (error == EAGAIN || error == EWOULDBLOCK) break;
    if (error != 0) return close_listener(l);
    ::close(p.fd);
    if (p.relay) p.relay->accepted();
    l->queue.pop_front();
  }
  if (l->closed) return;
  // While connections wait here, the kernel half keeps its own in the
  // kernel's backlog instead of accepting more.
  const bool backed_up = !l->queue.empty();
  poller_.modify(l->channel, l->channel_token, backed_up ? std::uint32_t{EPOLLOUT} : 0u);
  if (l->kernel >= 0 && backed_up != l->kernel_paused) {
    l->kernel_paused = backed_up;
    poller_.modify(l->kernel, l->kernel_token, backed_up ? 0u : std::uint32_t{EPOLLIN});
    if (!backed_up) on_kernel_listener(l);
  }
}

void InterceptServer::close_listener(const std::shared_ptr<Listener>& l) {
  if (l->closed) return;
  l->closed = true;
  if (l->lwip) l->lwip->close();
  poller_.remove(l->channel, l->channel_token);
  ::close(l->channel);
  if (l->kernel >= 0) {
    poller_.remove(l->kernel, l->kernel_token);
    ::close(l->kernel);
  }
  for (Listener::Pending& p : l->queue) {
    ::close(p.fd);  // the relay sees its fd's other end gone and closes (reset)
  }
  l->queue.clear();
  if (entries_.erase(l->id)) open_count_.fetch_sub(1);
}

}  // namespace zt::service
