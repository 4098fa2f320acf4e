// zts_ping (a ztsdk extension): one ICMP or ICMPv6 echo through the stack,
// over a raw socket of the zts_ socket layer.
#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "crypto/random.hpp"
#include "zts.h"

namespace {

constexpr std::uint8_t kIcmpEchoRequest = 8, kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmp6EchoRequest = 128, kIcmp6EchoReply = 129;
constexpr std::size_t kIcmpHeader = 8;
constexpr std::size_t kPayload = 56;  // as ping(8)
constexpr std::size_t kIp6Header = 40;
constexpr std::uint8_t kNextHeaderIcmp6 = 58;

std::uint16_t internet_checksum(const std::uint8_t* data, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (len & 1) sum += data[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// The ICMP message inside what a raw socket received: lwIP hands raw
// sockets the whole IP packet, header included, for both families.
const std::uint8_t* icmp_of(const std::uint8_t* packet, std::size_t len, bool v6,
                            std::size_t* icmp_len) {
  std::size_t header = 0;
  if (!v6) {
    if (len < 20 || (packet[0] >> 4) != 4) return nullptr;
    header = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
  } else {
    if (len < kIp6Header || (packet[0] >> 4) != 6 || packet[6] != kNextHeaderIcmp6) return nullptr;
    header = kIp6Header;
  }
  if (len < header + kIcmpHeader) return nullptr;
  *icmp_len = len - header;
  return packet + header;
}

int fail(int fd, int code) {
  const int saved = zts_errno;
  zts_bsd_close(fd);
  zts_errno = saved;
  return code;
}

}  // namespace

extern "C" int zts_ping(const char* remote_ipstr, int timeout_ms) {
  if (remote_ipstr == nullptr || timeout_ms < 0) return ZTS_ERR_ARG;
  zts_sockaddr_storage to{};
  zts_socklen_t to_len = sizeof to;
  if (zts_util_ipstr_to_saddr(remote_ipstr, 0, reinterpret_cast<zts_sockaddr*>(&to), &to_len) !=
      ZTS_ERR_OK)
    return ZTS_ERR_ARG;
  const bool v6 = to.ss_family == ZTS_AF_INET6;
  const int fd = zts_bsd_socket(v6 ? ZTS_AF_INET6 : ZTS_AF_INET, ZTS_SOCK_RAW,
                                v6 ? ZTS_IPPROTO_ICMPV6 : ZTS_IPPROTO_ICMP);
  if (fd < 0) return fd;

  std::uint16_t ident = 0, sequence = 0;
  zt::crypto::secure_random(&ident, sizeof ident);
  zt::crypto::secure_random(&sequence, sizeof sequence);
  std::uint8_t request[kIcmpHeader + kPayload] = {};
  request[0] = v6 ? kIcmp6EchoRequest : kIcmpEchoRequest;
  request[4] = ident >> 8;
  request[5] = ident & 0xff;
  request[6] = sequence >> 8;
  request[7] = sequence & 0xff;
  for (std::size_t i = 0; i < kPayload; ++i)
    request[kIcmpHeader + i] = static_cast<std::uint8_t>(i);
  // ICMPv6's checksum covers a pseudo-header: lwIP fills it in for ICMPv6
  // raw sockets. ICMP's is ours to compute.
  if (!v6) {
    const std::uint16_t sum = internet_checksum(request, sizeof request);
    request[2] = sum >> 8;
    request[3] = sum & 0xff;
  }

  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::milliseconds(timeout_ms);
  if (zts_bsd_sendto(fd, request, sizeof request, 0, reinterpret_cast<zts_sockaddr*>(&to), to_len) <
      0)
    return fail(fd, ZTS_ERR_SOCKET);

  std::uint8_t reply[1500];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return fail(fd, ZTS_ERR_NO_RESULT);
    zts_pollfd p{fd, ZTS_POLLIN, 0};
    const int ready = zts_bsd_poll(&p, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0) return fail(fd, ZTS_ERR_SOCKET);
    if (ready == 0) continue;
    const ssize_t n = zts_bsd_recv(fd, reply, sizeof reply, 0);
    if (n < 0) return fail(fd, ZTS_ERR_SOCKET);
    std::size_t icmp_len = 0;
    const std::uint8_t* icmp = icmp_of(reply, static_cast<std::size_t>(n), v6, &icmp_len);
    // Other replies (another ping's, or our own request looped back) are skipped.
    if (icmp == nullptr || icmp[0] != (v6 ? kIcmp6EchoReply : kIcmpEchoReply)) continue;
    if (std::memcmp(icmp + 4, request + 4, 4) != 0) continue;
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    zts_bsd_close(fd);
    return static_cast<int>(std::min<std::int64_t>(rtt.count(), 0x7fffffff));
  }
}
