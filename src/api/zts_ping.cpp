// zts_ping (a ztsdk extension): one ICMP or ICMPv6 echo through the stack,
// over a raw socket of the zts_ socket layer.
#include <algorithm>
#include <chrono>

#include "api/icmp_echo.hpp"
#include "crypto/random.hpp"
#include "zts.h"

namespace {

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
  const auto request = zt::api::echo_request(v6, ident, sequence);

  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::milliseconds(timeout_ms);
  if (zts_bsd_sendto(fd, request.data(), request.size(), 0, reinterpret_cast<zts_sockaddr*>(&to),
                     to_len) < 0)
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
    // Other replies (another ping's, our own request looped back) are skipped.
    if (!zt::api::is_echo_reply({reply, static_cast<std::size_t>(n)}, v6, ident, sequence))
      continue;
    const auto rtt = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    zts_bsd_close(fd);
    return static_cast<int>(std::min<std::int64_t>(rtt.count(), 0x7fffffff));
  }
}
