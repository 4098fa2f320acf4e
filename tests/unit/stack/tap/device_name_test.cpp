// Tap device names as upstream ZeroTierOne 1.14.1 gives them.
#include <gtest/gtest.h>

#include "stack/tap/device_name.hpp"

namespace zt::stack::tap {
namespace {

TEST(TapDeviceName, UpstreamsFoldedBase32) {
  // (nwid ^ nwid >> 24) & 0xffffffffff = 0x624ac2e21d (for Earth's id), in
  // 5-bit groups from the top: 12 9 5 12 5 24 16 29 -> m j f m f y q 5.
  EXPECT_EQ(tap_device_name(0x8056c2e21c000001ULL), "ztmjfmfyq5");
  EXPECT_EQ(tap_device_name(0), "ztaaaaaaaa");
  EXPECT_EQ(tap_device_name(0, 1), "ztaaaaaaab");
  EXPECT_EQ(tap_device_name(0, 31), "ztaaaaaaa7");
  EXPECT_EQ(tap_device_name(0, 32), "ztaaaaaaba");
}

TEST(TapDeviceName, FitsIfnamsiz) {
  for (std::uint64_t id : {0ULL, ~0ULL, 0x1234567890abcdefULL}) EXPECT_EQ(tap_device_name(id).size(), 10u);
}

}  // namespace
}  // namespace zt::stack::tap
