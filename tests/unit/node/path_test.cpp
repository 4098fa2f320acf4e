// A physical path's timers and §18.2 quality.
#include "node/path.hpp"

#include <gtest/gtest.h>

namespace zt {
namespace {

InetAddress ip(const char* s) { return *InetAddress::from_string(s); }

TEST(Path, AliveExpiredAndHeartbeatTimers) {
  Path p(3, ip("10.0.0.1/9993"), 1000);
  EXPECT_TRUE(p.alive(1000 + 18999));
  EXPECT_FALSE(p.alive(1000 + 19000));
  EXPECT_FALSE(p.expired(1000 + 242999));
  EXPECT_TRUE(p.expired(1000 + 243000));
  EXPECT_FALSE(p.needs_heartbeat(1000 + 13999));
  EXPECT_TRUE(p.needs_heartbeat(1000 + 14000));
  p.sent(20000);
  EXPECT_FALSE(p.needs_heartbeat(30000));
  p.received(300000);
  EXPECT_TRUE(p.alive(300001));
  EXPECT_TRUE(p.is(3, ip("10.0.0.1/9993")));
  EXPECT_FALSE(p.is(4, ip("10.0.0.1/9993")));
}

TEST(Path, LatencyAveragesSamples) {
  Path p(0, ip("10.0.0.1/1"), 0);
  EXPECT_EQ(p.latency(), Path::kUnknownLatency);
  p.update_latency(100);
  EXPECT_EQ(p.latency(), 100);
  p.update_latency(50);
  EXPECT_EQ(p.latency(), 75);
}

TEST(Path, QualityFollowsSpecFormula) {
  Path priv(0, ip("10.0.0.1/1"), 0);  // scope 7: factor 1
  Path glob(0, ip("8.8.8.8/1"), 0);   // scope 4: factor 4
  priv.update_latency(40);
  glob.update_latency(10);
  EXPECT_EQ(priv.quality(1000), 40);
  EXPECT_EQ(glob.quality(1000), 40);
  // Not alive: latency + 0xffff + min(age, 140000), times (8 - scope).
  EXPECT_EQ(priv.quality(20000), 40 + 0xffff + 20000);
  EXPECT_EQ(priv.quality(500000), 40 + 0xffff + 140000);
  EXPECT_EQ(glob.quality(20000), (10 + 0xffff + 20000) * 4);
}

}  // namespace
}  // namespace zt
