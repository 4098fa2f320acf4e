// SOCKS5 sessions: accepting clients, the handshake, CONNECT and BIND.
// UDP ASSOCIATE is in socks5_udp.cpp. Everything runs on the poller thread;
// only the host resolver runs on short-lived threads of its own.
#include "service/socks5_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <mutex>
#include <thread>

#include "io/sockaddr.hpp"
#include "service/dns_resolver.hpp"
#include "service/kernel_pipe.hpp"
#include "service/socks5_session.hpp"
#include "stack/tcp_relay.hpp"

namespace zt::service {

using socks5::ReplyCode;

namespace {

bool is_loopback(const InetAddress& a) {
  const InetAddress plain = unmapped(a);
  if (plain.is_v4()) return plain.ip()[0] == 127;
  static constexpr std::uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return plain.is_v6() && std::memcmp(plain.ip(), kLoopback6, 16) == 0;
}

InetAddress local_address(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return io::from_sockaddr(ss, len);
}

}  // namespace

std::unique_ptr<Socks5Server> Socks5Server::start(io::Poller& poller, const Socks5Options& options,
                                                  std::shared_ptr<VirtualNetworksView> networks,
                                                  DnsResolver* resolver, LogSink log,
                                                  std::string* error, int* error_number) {
  const std::optional<InetAddress> ip = InetAddress::from_string(options.address);
  if (!ip || ip->is_nil()) {
    if (error) *error = "--socks-address '" + options.address + "' is not an IP address";
    return nullptr;
  }
  InetAddress where = *ip;
  where.set_port(options.port);
  sockaddr_storage ss{};
  const socklen_t len = io::to_sockaddr(where, ss);
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  const int on = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, 128) != 0) {
    const int e = errno;
    if (error_number) *error_number = e;
    if (error) *error = "cannot listen on " + where.to_string() + ": " + std::strerror(e);
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  std::unique_ptr<Socks5Server> s(new Socks5Server(poller, options, std::move(networks), resolver, std::move(log)));
  s->listen_fd_ = fd;
  s->port_ = local_address(fd).port();
  s->listen_token_ = poller.add(fd, EPOLLIN, [raw = s.get()](std::uint32_t) { raw->on_accept(); });
  return s;
}

Socks5Server::Socks5Server(io::Poller& poller, const Socks5Options& options,
                           std::shared_ptr<VirtualNetworksView> networks, DnsResolver* resolver,
                           LogSink log)
    : poller_(poller), options_(options), networks_(std::move(networks)), resolver_(resolver),
      log_(std::move(log)), shared_(std::make_shared<Shared>()) {
  shared_->poller = &poller;
}

Socks5Server::~Socks5Server() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->alive = false;  // resolver threads post nothing from now on
  }
  if (poller_.in_thread()) {
    shutdown_all();
    return;
  }
  std::promise<void> done;
  poller_.post([this, &done] {
    shutdown_all();
    done.set_value();
  });
  done.get_future().wait();
}

void Socks5Server::shutdown_all() {
  if (listen_fd_ >= 0) {
    poller_.remove(listen_fd_, listen_token_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  while (!sessions_.empty()) end(sessions_.begin()->second);
}

void Socks5Server::on_accept() {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &len,
                           SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    const InetAddress client = io::from_sockaddr(peer, len);
    if (!options_.allow_remote && !is_loopback(client)) {
      ::close(fd);  // refused before a byte: only local programs may use this proxy
      continue;
    }
    auto s = std::make_shared<Session>(options_.credentials);
    s->id = next_session_++;
    s->fd = fd;
    s->client = client;
    s->local = local_address(fd);
    std::weak_ptr<Session> weak = s;
    // Edge-triggered while shaking hands: a message read in part (with
    // MSG_PEEK) waits for more bytes instead of waking the loop again.
    s->token = poller_.add(fd, EPOLLIN | EPOLLET, [this, weak](std::uint32_t events) {
      if (auto session = weak.lock()) on_client(session, events);
    });
    s->timer = poller_.schedule_after(options_.handshake_timeout_ms, [this, weak] {
      if (auto session = weak.lock()) {
        session->timer = 0;
        end(session);
      }
    });
    sessions_[s->id] = s;
  }
}

void Socks5Server::on_client(const std::shared_ptr<Session>& s, std::uint32_t events) {
  if (s->closed) return;
  if (s->acting) {
    // After the request only an association reads the control connection
    // (its end closes the association); otherwise only a hang-up comes.
    std::uint8_t discard[512];
    const ssize_t n = recv(s->fd, discard, sizeof discard, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || (events & (EPOLLHUP | EPOLLERR)))
      end(s);
    return;
  }
  for (;;) {
    std::uint8_t buffer[socks5::Handshake::kMaxMessage];
    const ssize_t n = recv(s->fd, buffer, sizeof buffer, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return end(s);
    if (n < 0) return;
    socks5::Handshake::Step step = s->handshake.feed({buffer, static_cast<std::size_t>(n)});
    if (step.consumed > 0) recv(s->fd, buffer, step.consumed, MSG_DONTWAIT);
    if (!step.send.empty()) send(s->fd, step.send.data(), step.send.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (step.close) return end(s);
    if (step.request) {
      s->acting = true;
      poller_.cancel(s->timer);
      s->timer = 0;
      poller_.modify(s->fd, s->token, 0);  // the data after the request is the relay's
      return act(s, *step.request);
    }
    if (step.consumed == 0) {
      if (static_cast<std::size_t>(n) >= sizeof buffer) end(s);  // no message is this long
      return;
    }
  }
}

void Socks5Server::act(const std::shared_ptr<Session>& s, const socks5::Request& request) {
  switch (request.command) {
    case socks5::kCommandConnect:
      with_address(s, request.destination, [this, s](const InetAddress& to) { connect(s, to); });
      break;
    case socks5::kCommandBind:
      with_address(s, request.destination, [this, s](const InetAddress& peer) { bind(s, peer); });
      break;
    case socks5::kCommandUdpAssociate:
      poller_.modify(s->fd, s->token, EPOLLIN);  // its end ends the association
      associate(s, request.destination);
      break;
  }
}

void Socks5Server::with_address(const std::shared_ptr<Session>& s, const socks5::Destination& d,
                                std::function<void(const InetAddress&)> then) {
  if (d.name.empty()) return then(d.ip);
  std::weak_ptr<Session> weak = s;
  const std::uint16_t port = d.port;
  auto deliver = [this, weak, port, then](int error, std::vector<InetAddress> addresses) {
    auto session = weak.lock();
    if (!session || session->closed) return;
    if (error || addresses.empty()) {
      reply(session, ReplyCode::kHostUnreachable, {});
      return end(session);
    }
    InetAddress chosen = addresses.front();
    for (const InetAddress& a : addresses)
      if (a.is_v4()) {
        chosen = a;
        break;
      }
    chosen.set_port(port);
    then(chosen);
  };
  if (resolver_ && networks_->get()->dns_network_for(d.name)) {
    resolver_->resolve(d.name, 0, deliver);
    return;
  }
  // The host's resolver blocks: on a thread of its own, the answer posted
  // back while the server still exists.
  std::thread([shared = shared_, name = d.name, deliver]() mutable {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    std::vector<InetAddress> addresses;
    if (getaddrinfo(name.c_str(), nullptr, &hints, &result) == 0) {
      for (addrinfo* ai = result; ai; ai = ai->ai_next) {
        sockaddr_storage ss{};
        std::memcpy(&ss, ai->ai_addr, std::min<std::size_t>(ai->ai_addrlen, sizeof ss));
        const InetAddress a = io::from_sockaddr(ss, ai->ai_addrlen);
        if (!a.is_nil()) addresses.push_back(a);
      }
      freeaddrinfo(result);
    }
    std::lock_guard lock(shared->mutex);
    if (shared->alive)
      shared->poller->post([deliver = std::move(deliver), addresses]() mutable {
        deliver(addresses.empty() ? EHOSTUNREACH : 0, std::move(addresses));
      });
  }).detach();
}

void Socks5Server::connect(const std::shared_ptr<Session>& s, const InetAddress& to) {
  if (!networks_->get()->contains(to)) {
    if (options_.pass_through) return connect_kernel(s, to);
    reply(s, ReplyCode::kNotAllowed, {});
    return end(s);
  }
  std::weak_ptr<Session> weak = s;
  int error = 0;
  // No Nagle on the virtual side: the relay already sends what it has.
  s->relay = stack::TcpRelay::connect(
      poller_, {}, unmapped(to), true,
      [this, weak](int e) {
        auto session = weak.lock();
        if (!session || session->closed) return;
        if (e != 0) {
          reply(session, socks5::reply_code_for(e), {});
          return end(session);
        }
        // The reply goes out before the relay takes the socket, so it comes
        // before anything the destination sends.
        reply(session, ReplyCode::kSucceeded, session->relay->status(false).local);
        std::shared_ptr<stack::TcpRelay> relay = std::move(session->relay);
        relay->attach(hand_over(session), 0, {});
      },
      &error);
  if (!s->relay) {
    reply(s, socks5::reply_code_for(error), {});
    return end(s);
  }
  s->timer = poller_.schedule_after(options_.connect_timeout_ms, [this, weak] {
    if (auto session = weak.lock()) {
      session->timer = 0;
      reply(session, ReplyCode::kTtlExpired, {});
      end(session);
    }
  });
}

void Socks5Server::connect_kernel(const std::shared_ptr<Session>& s, const InetAddress& to) {
  sockaddr_storage ss{};
  const socklen_t len = io::to_sockaddr(to, ss);
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 && errno != EINPROGRESS)) {
    reply(s, socks5::reply_code_for(fd < 0 ? ENOBUFS : errno), {});
    if (fd >= 0) ::close(fd);
    return end(s);
  }
  s->remote_fd = fd;
  std::weak_ptr<Session> weak = s;
  s->remote_token = poller_.add(fd, EPOLLOUT, [this, weak](std::uint32_t) {
    auto session = weak.lock();
    if (!session || session->closed || session->remote_fd < 0) return;
    int e = 0;
    socklen_t elen = sizeof e;
    getsockopt(session->remote_fd, SOL_SOCKET, SO_ERROR, &e, &elen);
    if (e != 0) {
      reply(session, socks5::reply_code_for(e), {});
      return end(session);
    }
    reply(session, ReplyCode::kSucceeded, local_address(session->remote_fd));
    poller_.remove(session->remote_fd, session->remote_token);
    const int remote = session->remote_fd;
    session->remote_fd = -1;
    KernelPipe::start(poller_, hand_over(session), remote);
  });
  s->timer = poller_.schedule_after(options_.connect_timeout_ms, [this, weak] {
    if (auto session = weak.lock()) {
      session->timer = 0;
      reply(session, ReplyCode::kTtlExpired, {});
      end(session);
    }
  });
}

void Socks5Server::bind(const std::shared_ptr<Session>& s, const InetAddress& expected) {
  // Listens on our address on the network the expected peer is on.
  const auto networks = networks_->get();
  const InetAddress peer = unmapped(expected);
  InetAddress own;
  for (const VirtualNetworks::Network& n : networks->networks()) {
    bool on_it = false;
    for (const VirtualPrefix& p : n.prefixes) on_it = on_it || prefix_contains(p, peer);
    if (!on_it) continue;
    for (const InetAddress& a : n.own)
      if (a.is_v4() == peer.is_v4()) own = a;
    if (!own.is_nil()) break;
  }
  if (own.is_nil()) {
    reply(s, ReplyCode::kNotAllowed, {});
    return end(s);
  }
  std::weak_ptr<Session> weak = s;
  stack::LocalBinding b;
  b.ip = own;
  b.family = own.is_v4() ? 4 : 6;
  int error = 0;
  s->listener = stack::TcpListener::listen(
      poller_, b, 1,
      [this, weak, peer](std::shared_ptr<stack::TcpRelay> relay) {
        auto session = weak.lock();
        if (!session || session->closed) return relay->close();
        const InetAddress from = relay->status(false).remote;
        bool any = true;
        for (std::size_t i = 0; i < peer.ip_length(); ++i) any = any && peer.ip()[i] == 0;
        InetAddress from_ip = from, peer_ip = peer;
        from_ip.set_port(0);
        peer_ip.set_port(0);
        if (!any && from_ip != peer_ip) return relay->close();  // not the peer the client named
        session->listener->close();
        session->listener.reset();
        reply(session, ReplyCode::kSucceeded, from);  // the second reply: who connected
        relay->accepted();
        relay->attach(hand_over(session), 0, {});
      },
      &error);
  if (!s->listener) {
    reply(s, socks5::reply_code_for(error), {});
    return end(s);
  }
  reply(s, ReplyCode::kSucceeded, s->listener->local());
  s->timer = poller_.schedule_after(options_.connect_timeout_ms * 3, [this, weak] {
    if (auto session = weak.lock()) {
      session->timer = 0;
      reply(session, ReplyCode::kTtlExpired, {});
      end(session);
    }
  });
}

void Socks5Server::reply(const std::shared_ptr<Session>& s, ReplyCode code, const InetAddress& bound) {
  if (s->fd < 0) return;
  const std::vector<std::uint8_t> bytes = socks5::encode_reply(code, unmapped(bound));
  send(s->fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

int Socks5Server::hand_over(const std::shared_ptr<Session>& s) {
  poller_.remove(s->fd, s->token);
  if (s->timer) poller_.cancel(s->timer);
  s->timer = 0;
  const int fd = s->fd;
  s->fd = -1;
  s->closed = true;
  sessions_.erase(s->id);
  return fd;
}

void Socks5Server::end(const std::shared_ptr<Session>& s) {
  if (s->closed) return;
  s->closed = true;
  if (s->timer) poller_.cancel(s->timer);
  s->timer = 0;
  if (s->relay) s->relay->close();
  s->relay.reset();
  if (s->listener) s->listener->close();
  s->listener.reset();
  if (s->remote_fd >= 0) {
    poller_.remove(s->remote_fd, s->remote_token);
    ::close(s->remote_fd);
    s->remote_fd = -1;
  }
  if (s->association) close_association(s->association);
  s->association.reset();
  if (s->fd >= 0) {
    poller_.remove(s->fd, s->token);
    ::close(s->fd);
    s->fd = -1;
  }
  sessions_.erase(s->id);
}

}  // namespace zt::service
