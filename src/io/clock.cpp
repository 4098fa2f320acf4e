#include "io/clock.hpp"

#include <time.h>

namespace zt::io {
namespace {

std::int64_t read_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

std::int64_t wall_ms() { return read_ns(CLOCK_REALTIME) / 1000000; }

std::int64_t monotonic_ms() { return read_ns(CLOCK_MONOTONIC) / 1000000; }

std::int64_t wall_ns() { return read_ns(CLOCK_REALTIME); }

std::int64_t monotonic_ns() { return read_ns(CLOCK_MONOTONIC); }

}  // namespace zt::io
