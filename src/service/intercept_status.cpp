// The intercept's questions about sockets and networks: a socket's state
// and addresses (getsockname, getpeername, SO_ERROR), options that belong
// to the virtual side, the virtual prefixes, and names.
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <optional>

#include "service/dns_resolver.hpp"
#include "service/intercept_entries.hpp"

namespace zt::service {

using intercept::Reply;
using intercept::Request;
using intercept::SocketKind;
using intercept::SocketState;

namespace {

// Linux's (level, name) as the options the stack knows.
std::optional<stack::TcpOption> tcp_option(int level, int name) {
  if (level == IPPROTO_TCP) {
    switch (name) {
      case TCP_NODELAY: return stack::TcpOption::kNoDelay;
      case TCP_KEEPIDLE: return stack::TcpOption::kKeepIdle;
      case TCP_KEEPINTVL: return stack::TcpOption::kKeepInterval;
      case TCP_KEEPCNT: return stack::TcpOption::kKeepCount;
      case TCP_MAXSEG: return stack::TcpOption::kMaxSegment;
    }
  } else if (level == SOL_SOCKET && name == SO_KEEPALIVE) {
    return stack::TcpOption::kKeepAlive;
  } else if ((level == IPPROTO_IP && name == IP_TOS) || (level == IPPROTO_IPV6 && name == IPV6_TCLASS)) {
    return stack::TcpOption::kTos;
  } else if ((level == IPPROTO_IP && name == IP_TTL) ||
             (level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS)) {
    return stack::TcpOption::kTtl;
  }
  return std::nullopt;
}

std::optional<stack::UdpOption> udp_option(int level, int name) {
  if (level == SOL_SOCKET && name == SO_BROADCAST) return stack::UdpOption::kBroadcast;
  if ((level == IPPROTO_IP && name == IP_TOS) || (level == IPPROTO_IPV6 && name == IPV6_TCLASS))
    return stack::UdpOption::kTos;
  if ((level == IPPROTO_IP && name == IP_TTL) || (level == IPPROTO_IPV6 && name == IPV6_UNICAST_HOPS))
    return stack::UdpOption::kTtl;
  return std::nullopt;
}

}  // namespace

void describe_stream(const stack::TcpRelay::Status& st, std::uint8_t domain, Reply& r) {
  r.state = st.connecting ? SocketState::kConnecting
            : st.closed   ? SocketState::kClosed
                          : SocketState::kConnected;
  r.so_error = st.so_error;
  r.local = to_endpoint(st.local, domain);
  // A connection that failed before it was established has no peer
  // (getpeername: ENOTCONN), as its tombstone says once it is buried.
  if (st.connecting || st.connected) r.remote = to_endpoint(st.remote, domain);
}

void InterceptServer::status(Control& c, const Request& q) {
  Reply r = answer(q);
  r.socket = q.socket;
  const bool take = q.flags & intercept::kFlagTakeError;
  if (auto it = entries_.find(q.socket); it != entries_.end()) {
    Entry& e = *it->second;
    r.kind = e.kind;
    switch (e.kind) {
      case SocketKind::kStream:
        describe_stream(e.relay->status(take), e.domain, r);
        break;
      case SocketKind::kBound: {
        r.state = SocketState::kBound;
        InetAddress local = e.binding.ip;
        local.set_port(e.binding.port);
        r.local = to_endpoint(local, e.domain);
        break;
      }
      case SocketKind::kListener:
        r.state = SocketState::kListening;
        r.local = to_endpoint(e.listener->lwip->local(), e.domain);
        break;
      case SocketKind::kDatagram:
        r.state = SocketState::kOpen;
        r.local = to_endpoint(e.datagram->endpoint->local(), e.domain);
        if (!e.datagram->peer.is_nil()) r.remote = to_endpoint(e.datagram->peer, e.domain);
        break;
    }
  } else if (auto t = tombstones_.find(q.socket); t != tombstones_.end()) {
    r.kind = t->second.kind;
    r.state = SocketState::kClosed;
    r.so_error = t->second.so_error;
    r.local = to_endpoint(t->second.local, t->second.domain);
    if (!t->second.remote.is_nil()) r.remote = to_endpoint(t->second.remote, t->second.domain);
    if (take) t->second.so_error = 0;
  } else {
    r.state = SocketState::kUnknown;
  }
  reply(c, r);
}

void InterceptServer::set_option(Control& c, const Request& q) {
  auto it = entries_.find(q.socket);
  if (it == entries_.end()) return reply(c, answer(q, EBADF));
  Entry& e = *it->second;
  int error = ENOPROTOOPT;
  if (e.kind == SocketKind::kDatagram) {
    if (auto o = udp_option(q.level, q.name)) error = e.datagram->endpoint->set_option(*o, q.value);
  } else if (auto o = tcp_option(q.level, q.name)) {
    error = 0;
    if (e.kind == SocketKind::kStream) {
      error = e.relay->set_option(*o, q.value);
    } else if (*o == stack::TcpOption::kNoDelay || *o == stack::TcpOption::kKeepAlive) {
      // Kept for the connection this socket makes or the ones it accepts,
      // as the kernel copies a listener's options to accepted sockets.
      bool& flag = *o == stack::TcpOption::kNoDelay
                       ? (e.listener ? e.listener->nodelay : e.nodelay)
                       : (e.listener ? e.listener->keepalive : e.keepalive);
      flag = q.value != 0;
    }
  }
  reply(c, answer(q, error));
}

void InterceptServer::get_option(Control& c, const Request& q) {
  auto it = entries_.find(q.socket);
  if (it == entries_.end()) return reply(c, answer(q, EBADF));
  Entry& e = *it->second;
  Reply r = answer(q, ENOPROTOOPT);
  if (e.kind == SocketKind::kDatagram) {
    if (auto o = udp_option(q.level, q.name)) {
      r.error = 0;
      r.value = e.datagram->endpoint->get_option(*o);
    }
  } else if (auto o = tcp_option(q.level, q.name)) {
    r.error = 0;
    if (e.kind == SocketKind::kStream) {
      r.value = e.relay->get_option(*o).value_or(0);
    } else if (*o == stack::TcpOption::kNoDelay) {
      r.value = (e.listener ? e.listener->nodelay : e.nodelay) ? 1 : 0;
    } else if (*o == stack::TcpOption::kKeepAlive) {
      r.value = (e.listener ? e.listener->keepalive : e.keepalive) ? 1 : 0;
    } else {
      r.error = ENOPROTOOPT;
    }
  }
  reply(c, r);
}

void InterceptServer::networks_reply(Control& c, const Request& q) {
  const auto networks = networks_->get();
  Reply r = answer(q);
  for (const VirtualPrefix& p : networks->prefixes()) {
    if (r.prefix_count == intercept::kMaxPrefixes) break;
    r.prefixes[r.prefix_count].address = to_endpoint(p.address, p.address.is_v4() ? 4 : 6);
    r.prefixes[r.prefix_count].bits = static_cast<std::uint8_t>(p.bits);
    ++r.prefix_count;
  }
  for (const InetAddress& a : networks->own_addresses()) {
    if (r.address_count == intercept::kMaxAddresses) break;
    r.addresses[r.address_count++] = to_endpoint(a, a.is_v4() ? 4 : 6);
  }
  reply(c, r);
}

void InterceptServer::resolve(Control& c, const Request& q) {
  const std::string name(q.host, q.host_length);
  if (!resolver_ || !networks_->get()->dns_network_for(name)) return reply(c, answer(q, ENOENT));
  // The answer comes later (a DNS query over the network); the control
  // connection is kept by fd, and dropped if it went away meanwhile.
  auto it = controls_.find(c.fd);
  if (it == controls_.end()) return;
  std::weak_ptr<Control> weak = it->second;
  resolver_->resolve(name, q.domain, [this, weak, q](int error, std::vector<InetAddress> addresses) {
    auto control = weak.lock();
    if (!control || control->fd < 0) return;
    Reply r = answer(q, error);
    for (const InetAddress& a : addresses) {
      if (r.address_count == intercept::kMaxAddresses) break;
      r.addresses[r.address_count++] = to_endpoint(a, a.is_v4() ? 4 : 6);
    }
    reply(*control, r);
  });
}

}  // namespace zt::service
