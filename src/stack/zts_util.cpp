// Address text utilities of the zts_ API (the C library's inet_pton and
// inet_ntop under zts_ families and structures).
#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "zts.h"

namespace {

int system_family(int zts_family) {
  return zts_family == ZTS_AF_INET ? AF_INET : zts_family == ZTS_AF_INET6 ? AF_INET6 : -1;
}

}  // namespace

extern "C" {

const char* zts_inet_ntop(int family, const void* src, char* dst, zts_socklen_t size) {
  const int f = system_family(family);
  if (f < 0 || src == nullptr || dst == nullptr) {
    zts_errno = f < 0 ? ZTS_EAFNOSUPPORT : ZTS_EFAULT;
    return nullptr;
  }
  const char* r = inet_ntop(f, src, dst, size);
  if (r == nullptr) zts_errno = ZTS_EINVAL;  // dst too small (ENOSPC has no ZTS_ name)
  return r;
}

int zts_inet_pton(int family, const char* src, void* dst) {
  const int f = system_family(family);
  if (f < 0) {
    zts_errno = ZTS_EAFNOSUPPORT;
    return -1;
  }
  if (src == nullptr || dst == nullptr) return 0;
  return inet_pton(f, src, dst);
}

int zts_util_get_ip_family(const char* ipstr) {
  unsigned char buf[16];
  if (ipstr == nullptr) return ZTS_ERR_ARG;
  if (inet_pton(AF_INET, ipstr, buf) == 1) return ZTS_AF_INET;
  if (inet_pton(AF_INET6, ipstr, buf) == 1) return ZTS_AF_INET6;
  return ZTS_ERR_ARG;
}

int zts_util_ipstr_to_saddr(const char* src_ipstr, unsigned short port,
                            struct zts_sockaddr* dstaddr, zts_socklen_t* addrlen) {
  if (src_ipstr == nullptr || dstaddr == nullptr || addrlen == nullptr) return ZTS_ERR_ARG;
  const int family = zts_util_get_ip_family(src_ipstr);
  if (family == ZTS_AF_INET) {
    if (*addrlen < sizeof(zts_sockaddr_in)) return ZTS_ERR_ARG;
    zts_sockaddr_in in{};
    in.sin_len = sizeof in;
    in.sin_family = ZTS_AF_INET;
    in.sin_port = htons(port);
    inet_pton(AF_INET, src_ipstr, &in.sin_addr);
    std::memcpy(dstaddr, &in, sizeof in);
    *addrlen = sizeof in;
    return ZTS_ERR_OK;
  }
  if (family == ZTS_AF_INET6) {
    if (*addrlen < sizeof(zts_sockaddr_in6)) return ZTS_ERR_ARG;
    zts_sockaddr_in6 in6{};
    in6.sin6_len = sizeof in6;
    in6.sin6_family = ZTS_AF_INET6;
    in6.sin6_port = htons(port);
    inet_pton(AF_INET6, src_ipstr, &in6.sin6_addr);
    std::memcpy(dstaddr, &in6, sizeof in6);
    *addrlen = sizeof in6;
    return ZTS_ERR_OK;
  }
  return ZTS_ERR_ARG;
}

int zts_util_ntop(struct zts_sockaddr* addr, zts_socklen_t addrlen, char* dst_str, int len,
                  unsigned short* port) {
  if (addr == nullptr || dst_str == nullptr || len <= 0) return ZTS_ERR_ARG;
  if (addr->sa_family == ZTS_AF_INET && addrlen >= sizeof(zts_sockaddr_in)) {
    zts_sockaddr_in in;
    std::memcpy(&in, addr, sizeof in);
    if (inet_ntop(AF_INET, &in.sin_addr, dst_str, static_cast<socklen_t>(len)) == nullptr)
      return ZTS_ERR_ARG;
    if (port != nullptr) *port = ntohs(in.sin_port);
    return ZTS_ERR_OK;
  }
  if (addr->sa_family == ZTS_AF_INET6 && addrlen >= sizeof(zts_sockaddr_in6)) {
    zts_sockaddr_in6 in6;
    std::memcpy(&in6, addr, sizeof in6);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, dst_str, static_cast<socklen_t>(len)) == nullptr)
      return ZTS_ERR_ARG;
    if (port != nullptr) *port = ntohs(in6.sin6_port);
    return ZTS_ERR_OK;
  }
  return ZTS_ERR_ARG;
}

void zts_util_delay(unsigned long milliseconds) {
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
}

}  // extern "C"
