// /proc/net/dev_mcast lines for one device, and nothing from other lines.
#include <gtest/gtest.h>

#include "stack/tap/dev_mcast.hpp"

namespace zt::stack::tap {
namespace {

// As a 6.x kernel prints it.
constexpr const char* kSample =
    "1    lo              1     0     01005e000001\n"
    "1    lo              1     0     333300000001\n"
    "5    ztmjfmfyq5      1     0     333300000001\n"
    "5    ztmjfmfyq5      1     0     3333ff334455\n"
    "5    ztmjfmfyq5      1     0     01005e000001\n"
    "6    ztmjfmfyq50     1     0     333300000002\n";

TEST(DevMcast, ListsTheDevicesAddressesInOrder) {
  EXPECT_EQ(parse_dev_mcast(kSample, "ztmjfmfyq5"),
            (std::vector<MacAddress>{MacAddress(0x333300000001ULL), MacAddress(0x3333ff334455ULL),
                                     MacAddress(0x01005e000001ULL)}));
  EXPECT_TRUE(parse_dev_mcast(kSample, "ztnone").empty());
  EXPECT_TRUE(parse_dev_mcast("", "lo").empty());
}

TEST(DevMcast, MalformedLinesAreSkipped) {
  const char* text =
      "5 zt0 1 0 3333000000\n"          // short address
      "5 zt0 1 0 3333000000zz\n"        // not hex
      "5 zt0 1 0\n"                     // missing field
      "5 zt0 1 0 333300000001 extra\n"  // extra field
      "5\tzt0\t1\t0\t01005e0000fb";     // tabs, no final newline: fine
  EXPECT_EQ(parse_dev_mcast(text, "zt0"), (std::vector<MacAddress>{MacAddress(0x01005e0000fbULL)}));
}

TEST(DevMcast, ThisHostsFileReads) {
  // Present on every Linux with networking; its loopback always has groups.
  const std::optional<std::string> text = read_dev_mcast();
  ASSERT_TRUE(text.has_value());
}

}  // namespace
}  // namespace zt::stack::tap
