// Fixed-size rate limits: behaviour and bounded memory.
#include "node/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "proto/constants.hpp"

namespace zt {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

TEST(RateLimitBuckets, OncePerIntervalPerKey) {
  RateLimitBuckets b(16, 100);
  EXPECT_TRUE(b.allow(1, 1000));
  EXPECT_FALSE(b.allow(1, 1050));
  EXPECT_TRUE(b.allow(1, 1100));
  EXPECT_TRUE(b.allow(2, 1100));
}

TEST(RateLimitBuckets, SizeIsFixedWhateverTheKeys) {
  RateLimitBuckets b(100, 1000);
  EXPECT_EQ(b.bucket_count(), 128u);
  std::size_t allowed = 0;
  for (std::uint64_t k = 0; k < 100000; ++k) allowed += b.allow(k * 0x9e3779b97f4a7c15ULL, 5);
  EXPECT_EQ(b.bucket_count(), 128u);
  EXPECT_LE(allowed, 128u);  // colliding keys share a bucket
}

TEST(RateLimitBuckets, ClockGoingBackwardsDoesNotLockABucket) {
  RateLimitBuckets b(4, 1000);
  EXPECT_TRUE(b.allow(3, 50000));
  EXPECT_TRUE(b.allow(3, 100));
}

TEST(TokenBucket, BurstThenSustainedRate) {
  TokenBucket t(10, 3);
  EXPECT_TRUE(t.take(0));
  EXPECT_TRUE(t.take(0));
  EXPECT_TRUE(t.take(0));
  EXPECT_FALSE(t.take(0));
  EXPECT_FALSE(t.take(50));
  EXPECT_TRUE(t.take(100));  // 10/s refills one token per 100 ms
}

TEST(IdentityValidationLimiter, PerSourceIpNotPerPort) {
  IdentityValidationLimiter l(42);
  EXPECT_TRUE(l.allow_source(ip("10.0.0.1/1000"), 0));
  EXPECT_FALSE(l.allow_source(ip("10.0.0.1/2000"), 10));
  EXPECT_TRUE(l.allow_source(ip("10.0.0.2/1000"), 10));
  EXPECT_TRUE(l.allow_source(ip("10.0.0.1/2000"), kIdentityValidationSourceRateLimit));
}

TEST(IdentityValidationLimiter, LoopbackIsPerPort) {
  IdentityValidationLimiter l(42);
  EXPECT_TRUE(l.allow_source(ip("127.0.0.1/1000"), 0));
  EXPECT_TRUE(l.allow_source(ip("127.0.0.1/2000"), 0));
  EXPECT_FALSE(l.allow_source(ip("127.0.0.1/2000"), 1));
}

TEST(IdentityValidationLimiter, NodeWideCeilingHoldsAcrossManySources) {
  IdentityValidationLimiter l(1);
  std::size_t allowed = 0;
  for (unsigned i = 0; i < 10000; ++i) {
    const std::uint8_t b[4] = {10, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i),
                               1};
    allowed += l.allow_source(InetAddress::v4(b, 9993), 0);
  }
  EXPECT_LE(allowed, static_cast<std::size_t>(IdentityValidationLimiter::kGlobalPerSecond));
  EXPECT_GT(allowed, 0u);
}

}  // namespace
}  // namespace zt
