// SOCKS5 UDP ASSOCIATE: datagrams from the client (with the SOCKS header
// naming their destination) go out on the virtual networks, or through the
// host for pass-through; replies come back to the client with the header
// naming their source. The association ends with its control connection.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/sockaddr.hpp"
#include "service/dns_resolver.hpp"
#include "service/socks5_session.hpp"

namespace zt::service {

using socks5::ReplyCode;

namespace {

constexpr int kDatagramsPerEvent = 64;
constexpr std::size_t kMaxWaitingPerName = 16;

// To the client, if it has sent from somewhere yet. Any thread.
void to_client(int udp_fd, std::mutex& mutex, const sockaddr_storage& client, const socklen_t& length,
               const InetAddress& from, std::span<const std::uint8_t> payload) {
  const std::vector<std::uint8_t> datagram = socks5::encode_udp(unmapped(from), payload);
  std::lock_guard lock(mutex);
  if (length == 0) return;
  sendto(udp_fd, datagram.data(), datagram.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
         reinterpret_cast<const sockaddr*>(&client), length);
}

}  // namespace

void Socks5Server::associate(const std::shared_ptr<Session>& s, const socks5::Destination& hint) {
  auto a = std::make_shared<Association>();
  a->client_ip = unmapped(s->client);
  a->client_ip.set_port(0);
  a->client_port = hint.name.empty() ? hint.port : 0;
  InetAddress local = s->local;
  local.set_port(0);
  sockaddr_storage ss{};
  const socklen_t len = io::to_sockaddr(local, ss);
  a->udp_fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (a->udp_fd < 0 || ::bind(a->udp_fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (a->udp_fd >= 0) ::close(a->udp_fd);
    reply(s, ReplyCode::kGeneralFailure, {});
    return end(s);
  }
  Association* raw = a.get();
  stack::LocalBinding any;
  any.family = 6;  // IPv4 and IPv6
  int error = 0;
  a->endpoint = stack::UdpEndpoint::open(
      any,
      [raw](const InetAddress& from, std::span<const std::uint8_t> data) {
        to_client(raw->udp_fd, raw->mutex, raw->client_udp, raw->client_udp_length, from, data);
      },
      &error);
  if (!a->endpoint) {
    ::close(a->udp_fd);
    reply(s, socks5::reply_code_for(error), {});
    return end(s);
  }
  std::weak_ptr<Association> weak = a;
  a->udp_token = poller_.add(a->udp_fd, EPOLLIN, [this, weak, fd = a->udp_fd](std::uint32_t) {
    if (auto assoc = weak.lock()) on_association(assoc, fd);
  });
  if (options_.pass_through) {
    a->pass_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (a->pass_fd >= 0) {
      const int off = 0;
      setsockopt(a->pass_fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
      a->pass_token = poller_.add(a->pass_fd, EPOLLIN, [this, weak, fd = a->pass_fd](std::uint32_t) {
        if (auto assoc = weak.lock()) on_association(assoc, fd);
      });
    }
  }
  s->association = a;
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  getsockname(a->udp_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  reply(s, ReplyCode::kSucceeded, io::from_sockaddr(bound, bound_len));
}

void Socks5Server::on_association(const std::shared_ptr<Association>& a, int fd) {
  static std::uint8_t buffer[65536];
  for (int i = 0; i < kDatagramsPerEvent; ++i) {
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = recvfrom(fd, buffer, sizeof buffer, MSG_DONTWAIT,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) return;
    const std::span<const std::uint8_t> datagram(buffer, static_cast<std::size_t>(n));
    if (fd == a->pass_fd) {
      // A reply from outside the networks (pass-through).
      std::lock_guard lock(a->mutex);
      const std::vector<std::uint8_t> out = socks5::encode_udp(io::from_sockaddr(from, from_len), datagram);
      if (a->client_udp_length)
        sendto(a->udp_fd, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&a->client_udp), a->client_udp_length);
      continue;
    }
    // From the client: only its own address (and port, if it named one).
    InetAddress source = io::from_sockaddr(from, from_len);
    const std::uint16_t source_port = source.port();
    source.set_port(0);
    if (source != a->client_ip || (a->client_port && source_port != a->client_port)) continue;
    {
      std::lock_guard lock(a->mutex);
      a->client_udp = from;
      a->client_udp_length = from_len;
    }
    const std::optional<socks5::UdpDatagram> d = socks5::parse_udp(datagram);
    if (!d || d->fragment != 0) continue;  // fragments are not supported: dropped, as RFC 1928 allows
    if (d->destination.name.empty()) {
      forward(a, d->destination.ip, d->payload);
      continue;
    }
    const std::string& name = d->destination.name;
    if (auto known = a->names.find(name); known != a->names.end()) {
      InetAddress to = known->second;
      to.set_port(d->destination.port);
      forward(a, to, d->payload);
      continue;
    }
    auto& queue = a->waiting[name];
    const bool asking = !queue.empty();
    if (queue.size() < kMaxWaitingPerName)
      queue.emplace_back(d->destination.port, std::vector<std::uint8_t>(d->payload.begin(), d->payload.end()));
    if (asking || !resolver_) continue;
    std::weak_ptr<Association> weak = a;
    resolver_->resolve(name, 0, [this, weak, name](int error, std::vector<InetAddress> addresses) {
      auto assoc = weak.lock();
      if (!assoc || assoc->udp_fd < 0) return;
      auto waiting = std::move(assoc->waiting[name]);
      assoc->waiting.erase(name);
      if (error || addresses.empty()) return;  // dropped, as a datagram to nowhere
      assoc->names[name] = addresses.front();
      for (auto& [port, payload] : waiting) {
        InetAddress to = addresses.front();
        to.set_port(port);
        forward(assoc, to, payload);
      }
    });
  }
}

void Socks5Server::forward(const std::shared_ptr<Association>& a, const InetAddress& to,
                           std::span<const std::uint8_t> payload) {
  const InetAddress destination = unmapped(to);
  if (networks_->get()->contains(destination)) {
    a->endpoint->send_to(destination, payload);
  } else if (a->pass_fd >= 0) {
    sockaddr_storage ss{};
    const socklen_t len = io::to_sockaddr(destination, ss);
    sendto(a->pass_fd, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
           reinterpret_cast<sockaddr*>(&ss), len);
  }
  // Otherwise outside the networks without pass-through: dropped.
}

void Socks5Server::close_association(const std::shared_ptr<Association>& a) {
  if (a->udp_fd < 0) return;
  a->endpoint.reset();  // no more deliveries to udp_fd once this returns
  poller_.remove(a->udp_fd, a->udp_token);
  ::close(a->udp_fd);
  a->udp_fd = -1;
  if (a->pass_fd >= 0) {
    poller_.remove(a->pass_fd, a->pass_token);
    ::close(a->pass_fd);
    a->pass_fd = -1;
  }
}

}  // namespace zt::service
