// The functions lwIP calls through the hooks named in lwipopts.h: input
// filtering (strong host model), routing by the networks' prefixes and
// managed routes, RFC 6528 TCP initial sequence numbers, randomness, the
// per-thread semaphore for blocking socket calls, and assertion reports.
// All hooks but the last three run with the core lock held.
#include <sodium.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "stack/interface_state.hpp"

// Declared (hidden, C linkage) in lwipopts.h.
#define ZTSDK_LWIP_HOOK extern "C"

namespace zt::stack {
namespace {

constexpr std::size_t kIp4DestOffset = 16;
constexpr std::size_t kIp6DestOffset = 24;

// Drops `p` (the hook has then consumed it).
int drop(struct pbuf* p, InterfaceState* state) {
  ++state->counters.packets_filtered;
  pbuf_free(p);
  return 1;
}

// The longest of a netif's prefixes and routes containing `dest`, as a
// prefix length, or -1.
int ip4_match(const InterfaceState& s, const ip4_addr_t& dest) {
  int best = -1;
  const ip4_addr_t* own = netif_ip4_addr(&s.netif);
  if (!ip4_addr_isany(own) && ip4_prefix_contains(*own, s.ip4_prefix_len, dest))
    best = s.ip4_prefix_len;
  for (const auto& r : s.ip4_routes)
    if (r.prefix_len > best && ip4_prefix_contains(r.target, r.prefix_len, dest))
      best = r.prefix_len;
  return best;
}

int ip6_match(const InterfaceState& s, const ip6_addr_t& dest) {
  int best = -1;
  for (const auto& p : s.ip6_prefixes)
    if (p.prefix_len > best && ip6_prefix_contains(p.address, p.prefix_len, dest))
      best = p.prefix_len;
  for (const auto& r : s.ip6_routes)
    if (r.prefix_len > best && ip6_prefix_contains(r.target, r.prefix_len, dest))
      best = r.prefix_len;
  return best;
}

bool usable(const struct netif* netif) { return netif_is_up(netif) && netif_is_link_up(netif); }

// RFC 6528's secret: random per process.
const unsigned char* isn_key() {
  static const auto key = [] {
    std::array<unsigned char, crypto_shorthash_KEYBYTES> k{};
    randombytes_buf(k.data(), k.size());
    return k;
  }();
  return key.data();
}

struct ThreadSemaphore {
  sys_sem_t sem = nullptr;
  ~ThreadSemaphore() {
    if (sem != nullptr) sys_sem_free(&sem);
  }
};

}  // namespace
}  // namespace zt::stack

using namespace zt::stack;

// Strong host model: lwIP (weak host) would accept on any netif a packet
// addressed to any of its netifs' addresses, letting a member of network A
// reach a service bound to our address on network B. A unicast packet must
// be addressed to the interface it arrived on.
ZTSDK_LWIP_HOOK int ztsdk_lwip_ip4_input_filter(struct pbuf* p, struct netif* inp) {
  InterfaceState* state = interface_state(inp);
  if (state == nullptr || p->len < kIp4DestOffset + 4) return 0;  // not ours, or lwIP drops it
  ip4_addr_t dest;
  std::memcpy(&dest.addr, static_cast<const std::uint8_t*>(p->payload) + kIp4DestOffset, 4);
  if (ip4_addr_ismulticast(&dest) || ip4_addr_isbroadcast(&dest, inp)) return 0;
  if (ip4_addr_cmp(&dest, netif_ip4_addr(inp))) return 0;
  return drop(p, state);
}

ZTSDK_LWIP_HOOK int ztsdk_lwip_ip6_input_filter(struct pbuf* p, struct netif* inp) {
  InterfaceState* state = interface_state(inp);
  if (state == nullptr || p->len < kIp6DestOffset + 16) return 0;
  ip6_addr_t dest{};
  std::memcpy(dest.addr, static_cast<const std::uint8_t*>(p->payload) + kIp6DestOffset, 16);
  if (ip6_addr_ismulticast(&dest)) return 0;
  if (netif_get_ip6_addr_match(inp, &dest) >= 0) return 0;
  return drop(p, state);
}

// Called with a bound source address (src non-null), and from lwIP's own
// route lookup when no netif's subnet holds dest (src null). A bound source
// picks its own interface, so with overlapping subnets on two networks a
// socket bound to network B's address never sends into network A.
ZTSDK_LWIP_HOOK struct netif* ztsdk_lwip_ip4_route(const ip4_addr_t* src, const ip4_addr_t* dest) {
  struct netif* netif;
  if (src != nullptr && !ip4_addr_isany(src) && !ip4_addr_isloopback(src)) {
    NETIF_FOREACH(netif) {
      if (interface_state(netif) && usable(netif) && ip4_addr_cmp(src, netif_ip4_addr(netif)))
        return netif;
    }
    return nullptr;
  }
  struct netif* best = nullptr;
  int best_len = -1;
  NETIF_FOREACH(netif) {
    const InterfaceState* s = interface_state(netif);
    if (s == nullptr || !usable(netif)) continue;
    const int len = ip4_match(*s, *dest);
    if (len > best_len) best_len = len, best = netif;
  }
  return best;
}

// The gateway for an off-subnet destination: the longest managed route
// of this interface with a gateway. nullptr: no route (lwIP then falls
// back to the netif's gateway, which we leave unset, and fails).
ZTSDK_LWIP_HOOK const ip4_addr_t* ztsdk_lwip_ip4_gateway(struct netif* netif,
                                                         const ip4_addr_t* dest) {
  const InterfaceState* s = interface_state(netif);
  if (s == nullptr) return nullptr;
  const Ip4Route* best = nullptr;
  for (const auto& r : s->ip4_routes) {
    if (ip4_prefix_contains(r.target, r.prefix_len, *dest) &&
        (best == nullptr || r.prefix_len > best->prefix_len))
      best = &r;
  }
  return best != nullptr && !ip4_addr_isany_val(best->via) ? &best->via : nullptr;
}

// Only called for unscoped source and destination (lwIP handles link-local
// itself). Without this lwIP assumes a /64 per address, and ZeroTier's
// RFC4193 addresses of two networks of one controller share their /64.
ZTSDK_LWIP_HOOK struct netif* ztsdk_lwip_ip6_route(const ip6_addr_t* src, const ip6_addr_t* dest) {
  struct netif* netif;
  if (src != nullptr && !ip6_addr_isany(src)) {
    NETIF_FOREACH(netif) {
      if (interface_state(netif) && usable(netif) && netif_get_ip6_addr_match(netif, src) >= 0)
        return netif;
    }
    return nullptr;
  }
  struct netif* best = nullptr;
  int best_len = -1;
  NETIF_FOREACH(netif) {
    const InterfaceState* s = interface_state(netif);
    if (s == nullptr || !usable(netif)) continue;
    const int len = ip6_match(*s, *dest);
    if (len > best_len) best_len = len, best = netif;
  }
  return best;
}

// Next hop for a destination outside the /64s lwIP considers on-link:
// itself if it is inside one of the network's prefixes (6PLANE's /40, or a
// managed on-link route), else the gateway of the longest managed route.
ZTSDK_LWIP_HOOK const ip6_addr_t* ztsdk_lwip_ip6_next_hop(struct netif* netif,
                                                          const ip6_addr_t* dest) {
  const InterfaceState* s = interface_state(netif);
  if (s == nullptr) return nullptr;
  int best_len = -1;
  const ip6_addr_t* hop = nullptr;
  for (const auto& p : s->ip6_prefixes) {
    if (p.prefix_len > best_len && ip6_prefix_contains(p.address, p.prefix_len, *dest))
      best_len = p.prefix_len, hop = dest;
  }
  for (const auto& r : s->ip6_routes) {
    if (r.prefix_len > best_len && ip6_prefix_contains(r.target, r.prefix_len, *dest))
      best_len = r.prefix_len, hop = ip6_addr_isany(&r.via) ? dest : &r.via;
  }
  return hop;
}

// RFC 6528: a 4-microsecond clock plus a keyed hash of the connection's
// addresses and ports, so sequence numbers cannot be predicted off-path.
ZTSDK_LWIP_HOOK unsigned int ztsdk_lwip_tcp_isn(const ip_addr_t* local_ip,
                                                unsigned short local_port,
                                                const ip_addr_t* remote_ip,
                                                unsigned short remote_port) {
  unsigned char input[2 * (16 + 1) + 4] = {};
  std::size_t n = 0;
  for (const ip_addr_t* ip : {local_ip, remote_ip}) {
    input[n++] = IP_IS_V6(ip) ? 6 : 4;
    if (IP_IS_V6(ip))
      std::memcpy(input + n, ip_2_ip6(ip)->addr, 16);
    else
      std::memcpy(input + n, &ip_2_ip4(ip)->addr, 4);
    n += 16;
  }
  std::memcpy(input + n, &local_port, 2);
  std::memcpy(input + n + 2, &remote_port, 2);
  n += 4;
  unsigned char hash[crypto_shorthash_BYTES];
  crypto_shorthash(hash, input, n, isn_key());
  std::uint32_t f;
  std::memcpy(&f, hash, 4);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  return static_cast<std::uint32_t>(micros / 4) + f;
}

ZTSDK_LWIP_HOOK unsigned int ztsdk_lwip_rand(void) { return randombytes_random(); }

ZTSDK_LWIP_HOOK struct sys_sem** ztsdk_lwip_thread_sem(void) {
  thread_local ThreadSemaphore semaphore;
  if (semaphore.sem == nullptr && sys_sem_new(&semaphore.sem, 0) != ERR_OK) semaphore.sem = nullptr;
  return &semaphore.sem;
}

ZTSDK_LWIP_HOOK void ztsdk_lwip_assert_failed(const char* message, int line, const char* file) {
  std::fprintf(stderr, "ztsdk: lwIP assertion failed: %s (%s:%d)\n", message, file, line);
  std::abort();
}
