// Which destinations are virtual: the prefixes of the joined networks, as
// the service last said, asked again when older than a second. When the
// service cannot be reached the last list is kept, so a program talking
// to a virtual address gets a clean error rather than a kernel route.
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "intercept/shim.hpp"

namespace zt::intercept {
namespace {

constexpr std::int64_t kMaxAgeNs = 1000000000;

struct Routes {
  bool asked = false;    // the service was asked at least once
  bool present = false;  // ... and answered the last time
  std::int64_t asked_ns = 0;
  std::uint8_t prefix_count = 0;
  Prefix prefixes[kMaxPrefixes];
  std::uint8_t own_count = 0;
  Endpoint own[kMaxAddresses];
};

pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
Routes routes;
bool refreshing = false;

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Under the mutex; drops it while asking.
void refresh_locked() {
  const std::int64_t now = now_ns();
  if (routes.asked && now - routes.asked_ns < kMaxAgeNs) return;
  if (refreshing) return;  // another thread is asking; use what we have
  refreshing = true;
  pthread_mutex_unlock(&mutex);
  Request q;
  q.op = Op::kNetworks;
  Reply r;
  const int error = request(q, r);
  pthread_mutex_lock(&mutex);
  refreshing = false;
  routes.asked = true;
  routes.asked_ns = now_ns();
  routes.present = error == 0;
  if (error != 0) return;
  routes.prefix_count = r.prefix_count;
  memcpy(routes.prefixes, r.prefixes, sizeof(Prefix) * r.prefix_count);
  routes.own_count = r.address_count;
  memcpy(routes.own, r.addresses, sizeof(Endpoint) * r.address_count);
}

// The endpoint as its IPv4 if it is IPv4-mapped.
Endpoint plain(const Endpoint& e) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (e.family != 6 || memcmp(e.ip, kMapped, 12) != 0) return e;
  Endpoint v4;
  v4.family = 4;
  memcpy(v4.ip, e.ip + 12, 4);
  v4.port = e.port;
  return v4;
}

bool contains(const Prefix& p, const Endpoint& e) {
  if (p.address.family != e.family) return false;
  const unsigned bits = p.bits;
  const unsigned whole = bits / 8;
  if (memcmp(p.address.ip, e.ip, whole) != 0) return false;
  if (bits % 8 == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - bits % 8));
  return (p.address.ip[whole] & mask) == (e.ip[whole] & mask);
}

}  // namespace

void routes_prepare_fork() { pthread_mutex_lock(&mutex); }
void routes_parent_after_fork() { pthread_mutex_unlock(&mutex); }
void routes_child_after_fork() {
  refreshing = false;  // a thread that was asking does not exist in the child
  pthread_mutex_unlock(&mutex);
}

Reach reach(const sockaddr* address, socklen_t length) {
  Endpoint e;
  if (!to_endpoint(address, length, e)) return Reach::kKernel;
  e = plain(e);
  if (is_loopback(e) || is_wildcard(e)) return Reach::kKernel;
  pthread_mutex_lock(&mutex);
  refresh_locked();
  Reach result = Reach::kKernel;
  for (std::uint8_t i = 0; i < routes.prefix_count; ++i)
    if (contains(routes.prefixes[i], e)) {
      result = routes.present ? Reach::kVirtual : Reach::kUnreachable;
      break;
    }
  pthread_mutex_unlock(&mutex);
  return result;
}

bool is_own_address(const sockaddr* address, socklen_t length) {
  Endpoint e;
  if (!to_endpoint(address, length, e)) return false;
  e = plain(e);
  pthread_mutex_lock(&mutex);
  refresh_locked();
  bool own = false;
  for (std::uint8_t i = 0; i < routes.own_count && !own; ++i)
    own = routes.own[i].family == e.family &&
          memcmp(routes.own[i].ip, e.ip, e.family == 4 ? 4 : 16) == 0;
  pthread_mutex_unlock(&mutex);
  return own;
}

bool service_present() {
  pthread_mutex_lock(&mutex);
  refresh_locked();
  const bool present = routes.present;
  pthread_mutex_unlock(&mutex);
  return present;
}

}  // namespace zt::intercept
