#pragma once
// One nonblocking UDP socket bound to a port on all addresses of one family
// (0.0.0.0, or :: with IPV6_V6ONLY so the two families can share a port
// number as two sockets).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proto/inet_address.hpp"

namespace zt::io {

class UdpSocket {
 public:
  // Receive buffers: above any ZeroTier datagram (fragments are at most the
  // path MTU; a whole packet at most ~10 KiB). Larger datagrams are dropped.
  static constexpr std::size_t kMaxDatagram = 16384;
  // Datagrams taken per recvmmsg call.
  static constexpr std::size_t kBatch = 32;
  // Kernel buffers asked for; the kernel may grant less (net.core.rmem_max).
  static constexpr int kWantedBufferBytes = 4 * 1024 * 1024;

  using Receiver = std::function<void(const InetAddress& from, std::span<const std::uint8_t>)>;

  // Port 0 picks a free port (see port()). nullptr with *error on failure,
  // e.g. "UDP port 9993 is already in use (IPv4)", and errno holding the cause.
  static std::unique_ptr<UdpSocket> open(InetAddress::Family family, std::uint16_t port,
                                         std::string* error = nullptr);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  int fd() const { return fd_; }
  InetAddress::Family family() const { return family_; }
  std::uint16_t port() const { return port_; }
  // What the kernel granted for SO_RCVBUF / SO_SNDBUF.
  int receive_buffer_bytes() const { return rcvbuf_; }
  int send_buffer_bytes() const { return sndbuf_; }

  // False if `to` is of the other family or the kernel did not take the
  // datagram (buffer full, unreachable). ttl > 0 sets the IP TTL / hop limit
  // for this datagram only (RENDEZVOUS opens NATs with a short TTL).
  bool send_to(const InetAddress& to, std::span<const std::uint8_t> data, unsigned ttl = 0);

  // Takes what is queued, up to max_datagrams, calling on_datagram for each
  // (IPv4-mapped IPv6 sources come as plain IPv4). Returns how many arrived;
  // truncated (oversized) datagrams are dropped and counted in truncated().
  std::size_t receive_batch(const Receiver& on_datagram, std::size_t max_datagrams = 256);

  std::uint64_t truncated() const { return truncated_; }

 private:
  UdpSocket(int fd, InetAddress::Family family, std::uint16_t port, int rcvbuf, int sndbuf);
  bool set_ttl(int ttl);

  int fd_;
  InetAddress::Family family_;
  std::uint16_t port_;
  int rcvbuf_;
  int sndbuf_;
  std::uint64_t truncated_ = 0;
  // kBatch * kMaxDatagram, allocated on first receive and not zeroed: only
  // the pages datagrams land in become resident.
  std::unique_ptr<std::uint8_t[]> buffers_;
};

}  // namespace zt::io
