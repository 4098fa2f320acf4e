#include "stack/tap/device_name.hpp"

namespace zt::stack::tap {

std::string tap_device_name(std::uint64_t network_id, std::uint64_t trial) {
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  const std::uint64_t folded = ((network_id ^ (network_id >> 24)) + trial) & 0xffffffffffULL;
  std::string name = "zt";
  for (int shift = 35; shift >= 0; shift -= 5) name += kBase32[(folded >> shift) & 0x1f];
  return name;
}

}  // namespace zt::stack::tap
