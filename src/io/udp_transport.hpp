#pragma once
// The UDP sockets one node speaks through: a primary port (an IPv4 and, when
// the host has it, an IPv6 socket on the same number) and optionally a
// secondary port. Each socket has a LocalSocket id the engine keeps per path
// and hands back when it sends.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/event_loop.hpp"
#include "io/udp_socket.hpp"
#include "node/node_host.hpp"
#include "proto/inet_address.hpp"

namespace zt::io {

struct UdpTransportOptions {
  std::uint16_t primary_port = 9993;  // 0: any free port, the same for both families
  std::optional<std::uint16_t> secondary_port;  // none by default; 0: any free port
  bool ipv6 = true;  // IPv6 sockets too, if the host has IPv6
};

class UdpTransport {
 public:
  using Receiver = std::function<void(LocalSocket, const InetAddress& from,
                                      std::span<const std::uint8_t> data)>;

  struct SocketInfo {
    LocalSocket id;
    InetAddress::Family family;
    std::uint16_t port;
    bool primary;
  };

  // Binds the sockets and registers them with `loop`, which must outlive the
  // transport; every datagram goes to on_datagram on the loop thread.
  // nullptr with *error if a port cannot be bound (IPv6 being absent from
  // the host is not an error).
  static std::unique_ptr<UdpTransport> open(EventLoop& loop, const UdpTransportOptions& options,
                                            Receiver on_datagram, std::string* error = nullptr);
  ~UdpTransport();
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;

  // Sends from `socket` if it exists and matches to's family, else from the
  // primary socket of to's family (kAnySocket asks for exactly that). False
  // if there is no socket of that family or the kernel refused the datagram.
  bool send(LocalSocket socket, const InetAddress& to, std::span<const std::uint8_t> data,
            unsigned ttl = 0);

  std::uint16_t primary_port() const { return primary_port_; }
  std::optional<std::uint16_t> secondary_port() const { return secondary_port_; }
  bool has_ipv6() const;
  std::vector<SocketInfo> sockets() const;

 private:
  struct Entry {
    SocketInfo info;
    std::unique_ptr<UdpSocket> socket;
  };

  UdpTransport(EventLoop& loop, Receiver on_datagram);
  bool bind_port(std::uint16_t port, bool primary, bool ipv6, std::string* error);
  bool attach(std::unique_ptr<UdpSocket> socket, bool primary, std::string* error);
  UdpSocket* pick(LocalSocket id, InetAddress::Family family);

  EventLoop& loop_;
  Receiver on_datagram_;
  std::vector<Entry> entries_;
  std::uint16_t primary_port_ = 0;
  std::optional<std::uint16_t> secondary_port_;
  LocalSocket next_id_ = 1;
};

}  // namespace zt::io
