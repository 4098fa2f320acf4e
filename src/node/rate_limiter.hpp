#pragma once
// Rate limits whose memory does not depend on the traffic: keys hash into a
// fixed number of buckets that remember when they last let something
// through. Keys that collide share a bucket, which only makes the limit
// stricter; a flood of new keys cannot grow anything.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "node/node_host.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt {

// 64-bit keys for the tables below. The seed (random per node) keeps a
// remote party from choosing keys that collide with someone else's.
std::uint64_t hash_key(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);
std::uint64_t hash_ip(std::uint64_t seed, const InetAddress& address);  // port ignored
std::uint64_t hash_endpoint(std::uint64_t seed, LocalSocket socket, const InetAddress& address);

// Lets a key through at most once per `interval`.
class RateLimitBuckets {
 public:
  // `bucket_count` is rounded up to a power of two.
  RateLimitBuckets(std::size_t bucket_count, std::int64_t interval);

  bool allow(std::uint64_t key, std::int64_t now);
  std::size_t bucket_count() const { return last_.size(); }

 private:
  std::vector<std::int64_t> last_;
  std::int64_t interval_;
};

// A token bucket: `rate_per_second` sustained, bursts up to `burst`.
class TokenBucket {
 public:
  TokenBucket(double rate_per_second, double burst);
  bool take(std::int64_t now);

 private:
  double rate_per_ms_;
  double burst_;
  double tokens_;
  std::int64_t last_ = 0;
};

// Gate in front of Identity::locally_validate, which costs 2 MiB and
// milliseconds: once per kIdentityValidationSourceRateLimit per source-IP
// bucket (as upstream; loopback per port), plus a node-wide ceiling so many sources together
// still cannot take the whole CPU.
class IdentityValidationLimiter {
 public:
  static constexpr std::size_t kSourceBuckets = 4096;
  static constexpr double kGlobalPerSecond = 50;

  explicit IdentityValidationLimiter(std::uint64_t seed);

  // For a HELLO from an unknown identity arriving from `source`.
  bool allow_source(const InetAddress& source, std::int64_t now);
  // For identities that came from a root (OK(WHOIS)): node-wide ceiling only.
  bool allow_global(std::int64_t now) { return global_.take(now); }

 private:
  std::uint64_t seed_;
  RateLimitBuckets sources_;
  TokenBucket global_;
};

}  // namespace zt
