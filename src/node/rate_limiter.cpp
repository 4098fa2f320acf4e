#include "node/rate_limiter.hpp"

#include <algorithm>
#include <limits>

#include "node/path_policy.hpp"
#include "proto/constants.hpp"

namespace zt {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

std::uint64_t ip_words(const InetAddress& address, std::uint64_t& second) {
  std::uint64_t first = static_cast<std::uint64_t>(address.family());
  second = 0;
  const std::uint8_t* ip = address.ip();
  for (std::size_t i = 0; i < address.ip_length(); ++i) {
    if (i < 8)
      first = (first << 8) ^ ip[i] ^ (first >> 56);
    else
      second = (second << 8) | ip[i];
  }
  return first;
}

}  // namespace

std::uint64_t hash_key(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  return mix(seed ^ mix(a ^ mix(b + 0x9e3779b97f4a7c15ULL)));
}

std::uint64_t hash_ip(std::uint64_t seed, const InetAddress& address) {
  std::uint64_t second = 0;
  const std::uint64_t first = ip_words(address, second);
  return hash_key(seed, first, second);
}

std::uint64_t hash_endpoint(std::uint64_t seed, LocalSocket socket, const InetAddress& address) {
  return hash_key(seed ^ static_cast<std::uint64_t>(socket), hash_ip(seed, address),
                  address.port());
}

RateLimitBuckets::RateLimitBuckets(std::size_t bucket_count, std::int64_t interval)
    : interval_(interval) {
  std::size_t n = 1;
  while (n < bucket_count) n <<= 1;
  last_.assign(n, std::numeric_limits<std::int64_t>::min());
}

bool RateLimitBuckets::allow(std::uint64_t key, std::int64_t now) {
  std::int64_t& last = last_[key & (last_.size() - 1)];
  // A clock that went backwards must not lock a bucket for long.
  if (last != std::numeric_limits<std::int64_t>::min() && now >= last && now - last < interval_)
    return false;
  last = now;
  return true;
}

TokenBucket::TokenBucket(double rate_per_second, double burst)
    : rate_per_ms_(rate_per_second / 1000.0), burst_(burst), tokens_(burst) {}

bool TokenBucket::take(std::int64_t now) {
  if (now > last_)
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_) * rate_per_ms_);
  last_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

IdentityValidationLimiter::IdentityValidationLimiter(std::uint64_t seed)
    : seed_(seed),
      sources_(kSourceBuckets, kIdentityValidationSourceRateLimit),
      global_(kGlobalPerSecond, kGlobalPerSecond) {}

bool IdentityValidationLimiter::allow_source(const InetAddress& source, std::int64_t now) {
  // Loopback sources are processes on this machine, often a whole test
  // network behind one IP: bucket them per port instead.
  const std::uint64_t key = ip_scope(source) == IpScope::kLoopback ? hash_endpoint(seed_, 0, source)
                                                                   : hash_ip(seed_, source);
  if (!sources_.allow(key, now)) return false;
  return global_.take(now);
}

}  // namespace zt
