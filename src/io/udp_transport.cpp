#include "io/udp_transport.hpp"

#include <cerrno>

namespace zt::io {
namespace {

// Port 0 binds IPv4 first and then asks for the same number on IPv6; if
// something else holds that number on IPv6 we start over this many times.
constexpr int kRandomPortAttempts = 16;

bool ipv6_missing(int err) { return err == EAFNOSUPPORT || err == EADDRNOTAVAIL; }

// Stable ids whatever exists: 1/2 primary IPv4/IPv6, 3/4 secondary.
LocalSocket id_for(bool primary, InetAddress::Family family) {
  return (primary ? 1 : 3) + (family == InetAddress::Family::kV6 ? 1 : 0);
}

}  // namespace

std::unique_ptr<UdpTransport> UdpTransport::open(EventLoop& loop,
                                                 const UdpTransportOptions& options,
                                                 Receiver on_datagram, std::string* error) {
  std::unique_ptr<UdpTransport> t(new UdpTransport(loop, std::move(on_datagram)));
  if (!t->bind_port(options.primary_port, true, options.ipv6, error)) return nullptr;
  if (options.secondary_port &&
      !t->bind_port(*options.secondary_port, false, options.ipv6, error))
    return nullptr;
  return t;
}

UdpTransport::UdpTransport(EventLoop& loop, Receiver on_datagram)
    : loop_(loop), on_datagram_(std::move(on_datagram)) {}

UdpTransport::~UdpTransport() {
  for (auto& e : entries_) loop_.remove(e.socket->fd());
}

bool UdpTransport::bind_port(std::uint16_t port, bool primary, bool ipv6, std::string* error) {
  const int attempts = port == 0 ? kRandomPortAttempts : 1;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    auto v4 = UdpSocket::open(InetAddress::Family::kV4, port, error);
    if (!v4) return false;
    std::unique_ptr<UdpSocket> v6;
    if (ipv6) {
      std::string v6_error;
      v6 = UdpSocket::open(InetAddress::Family::kV6, v4->port(), &v6_error);
      if (!v6) {
        const int err = errno;
        if (err == EADDRINUSE && attempt < attempts) continue;  // try another random port
        if (!ipv6_missing(err)) {
          if (error) *error = v6_error;
          return false;
        }
      }
    }
    const std::uint16_t bound = v4->port();
    if (!attach(std::move(v4), primary, error)) return false;
    if (v6 && !attach(std::move(v6), primary, error)) return false;
    if (primary) primary_port_ = bound;
    else secondary_port_ = bound;
    return true;
  }
  return false;  // not reached: the last attempt returns
}

bool UdpTransport::attach(std::unique_ptr<UdpSocket> socket, bool primary, std::string* error) {
  const SocketInfo info{id_for(primary, socket->family()), socket->family(), socket->port(),
                        primary};
  UdpSocket* raw = socket.get();
  // Built once per socket, not per readable event.
  auto deliver = [this, id = info.id](const InetAddress& from, std::span<const std::uint8_t> d) {
    on_datagram_(id, from, d);
  };
  auto on_readable = [raw, receiver = UdpSocket::Receiver(deliver)] {
    raw->receive_batch(receiver);
  };
  if (!loop_.add_reader(raw->fd(), std::move(on_readable), error)) return false;
  entries_.push_back({info, std::move(socket)});
  return true;
}

UdpSocket* UdpTransport::pick(LocalSocket id, InetAddress::Family family) {
  if (id != kAnySocket) {
    for (auto& e : entries_)
      if (e.info.id == id && e.info.family == family) return e.socket.get();
  }
  for (auto& e : entries_)
    if (e.info.primary && e.info.family == family) return e.socket.get();
  return nullptr;
}

bool UdpTransport::send(LocalSocket socket, const InetAddress& to,
                        std::span<const std::uint8_t> data, unsigned ttl) {
  UdpSocket* s = pick(socket, to.family());
  return s && s->send_to(to, data, ttl);
}

bool UdpTransport::has_ipv6() const {
  for (const auto& e : entries_)
    if (e.info.family == InetAddress::Family::kV6) return true;
  return false;
}

std::vector<UdpTransport::SocketInfo> UdpTransport::sockets() const {
  std::vector<SocketInfo> out;
  for (const auto& e : entries_) out.push_back(e.info);
  return out;
}

}  // namespace zt::io
