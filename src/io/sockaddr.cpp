#include "io/sockaddr.hpp"

#include <netinet/in.h>

#include <cstring>

namespace zt::io {

socklen_t to_sockaddr(const InetAddress& address, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(address.port());
    std::memcpy(&sin->sin_addr, address.ip(), 4);
    return sizeof(sockaddr_in);
  }
  if (address.is_v6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(address.port());
    std::memcpy(&sin6->sin6_addr, address.ip(), 16);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

InetAddress from_sockaddr(const sockaddr_storage& in, socklen_t len) {
  if (in.ss_family == AF_INET && len >= sizeof(sockaddr_in)) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&in);
    return InetAddress::v4(reinterpret_cast<const std::uint8_t*>(&sin->sin_addr),
                           ntohs(sin->sin_port));
  }
  if (in.ss_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&in);
    const auto* ip = reinterpret_cast<const std::uint8_t*>(&sin6->sin6_addr);
    const std::uint16_t port = ntohs(sin6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) return InetAddress::v4(ip + 12, port);
    return InetAddress::v6(ip, port);
  }
  return {};
}

}  // namespace zt::io
