// sockaddr_in / sockaddr_in6 to the protocol's Endpoint and back.
#include <netinet/in.h>
#include <string.h>

#include "intercept/shim.hpp"

namespace zt::intercept {

bool to_endpoint(const sockaddr* address, socklen_t length, Endpoint& out) {
  out = Endpoint{};
  if (!address || length < static_cast<socklen_t>(sizeof(sa_family_t))) return false;
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(address);
    out.family = 4;
    memcpy(out.ip, &in->sin_addr, 4);
    out.port = ntohs(in->sin_port);
    return true;
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
    out.family = 6;
    memcpy(out.ip, &in6->sin6_addr, 16);
    out.port = ntohs(in6->sin6_port);
    out.scope = in6->sin6_scope_id;
    return true;
  }
  return false;
}

void to_sockaddr(const Endpoint& e, int domain, sockaddr* out, socklen_t* length) {
  sockaddr_storage full{};
  socklen_t size;
  const int family = e.family == 4 ? AF_INET : e.family == 6 ? AF_INET6 : domain;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&full);
    in->sin_family = AF_INET;
    in->sin_port = htons(e.port);
    if (e.family == 4) memcpy(&in->sin_addr, e.ip, 4);
    size = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&full);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(e.port);
    if (e.family == 6) memcpy(&in6->sin6_addr, e.ip, 16);
    in6->sin6_scope_id = e.scope;
    size = sizeof(sockaddr_in6);
  }
  if (out && length) memcpy(out, &full, *length < size ? *length : size);
  if (length) *length = size;
}

bool is_loopback(const Endpoint& e) {
  if (e.family == 4) return e.ip[0] == 127;
  if (e.family != 6) return false;
  static constexpr std::uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(e.ip, kLoopback6, 16) == 0 || (memcmp(e.ip, kMapped, 12) == 0 && e.ip[12] == 127);
}

bool is_wildcard(const Endpoint& e) {
  const std::size_t n = e.family == 4 ? 4 : e.family == 6 ? 16 : 0;
  for (std::size_t i = 0; i < n; ++i)
    if (e.ip[i]) return false;
  return n > 0;
}

int domain_of(const Endpoint& e) { return e.family == 4 ? AF_INET : AF_INET6; }

}  // namespace zt::intercept
