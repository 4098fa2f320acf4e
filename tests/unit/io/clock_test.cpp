// The host clocks: wall time in upstream's unit for the engine, monotonic for us.
#include <gtest/gtest.h>

#include <time.h>

#include <chrono>
#include <thread>

#include "io/clock.hpp"

namespace zt::io {
namespace {

TEST(Clock, WallIsMillisecondsSinceTheEpoch) {
  const std::int64_t expected = static_cast<std::int64_t>(time(nullptr)) * 1000;
  EXPECT_NEAR(static_cast<double>(wall_ms()), static_cast<double>(expected), 2000.0);
  EXPECT_NEAR(static_cast<double>(now_ms()), static_cast<double>(wall_ms()), 50.0);
  EXPECT_NEAR(static_cast<double>(wall_ns() / 1000000), static_cast<double>(wall_ms()), 50.0);
}

TEST(Clock, MonotonicAdvances) {
  const std::int64_t a = monotonic_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::int64_t b = monotonic_ms();
  EXPECT_GE(b - a, 20);
  EXPECT_LT(b - a, 2000);
  EXPECT_NEAR(static_cast<double>(monotonic_ns() / 1000000), static_cast<double>(monotonic_ms()),
              50.0);
}

}  // namespace
}  // namespace zt::io
