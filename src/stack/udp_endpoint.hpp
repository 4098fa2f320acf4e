#pragma once
// A UDP socket of the process's lwIP, driven through callbacks rather than
// lwIP's socket layer: datagrams go out with send_to() and come in through
// a Receiver. The service frames them for intercepted programs' UDP
// sockets and for SOCKS5 UDP associations. UDP has no flow control, so
// unlike TCP nothing else of lwIP needs to be exposed. Free of lwIP headers.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "proto/inet_address.hpp"
#include "stack/tcp_relay.hpp"

struct udp_pcb;
struct pbuf;
struct ip_addr;

namespace zt::stack {

enum class UdpOption { kBroadcast, kTtl, kTos };

class UdpEndpoint {
 public:
  // Runs under lwIP's core lock on whichever thread delivers the datagram:
  // it must be quick, must not block and must not call into this endpoint.
  using Receiver = std::function<void(const InetAddress& from, std::span<const std::uint8_t> data)>;

  // nullptr with *error (EADDRINUSE, EADDRNOTAVAIL, ENOMEM).
  static std::unique_ptr<UdpEndpoint> open(const LocalBinding& local, Receiver receiver, int* error);
  // Closes: no datagram is delivered once it returns.
  ~UdpEndpoint();
  UdpEndpoint(const UdpEndpoint&) = delete;
  UdpEndpoint& operator=(const UdpEndpoint&) = delete;

  // errno: 0, ENETUNREACH (no virtual route), EMSGSIZE, ENOBUFS.
  int send_to(const InetAddress& to, std::span<const std::uint8_t> data);
  // Only `remote` may send to us from now on (nil: anyone again).
  int connect(const InetAddress& remote);
  InetAddress local() const;
  int set_option(UdpOption option, int value);
  int get_option(UdpOption option) const;

 private:
  UdpEndpoint() = default;
  static void lwip_recv(void* arg, udp_pcb* pcb, pbuf* p, const ip_addr* addr, std::uint16_t port);

  udp_pcb* pcb_ = nullptr;
  Receiver receiver_;
  InetAddress local_;
};

}  // namespace zt::stack
