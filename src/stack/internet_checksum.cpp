#include "stack/internet_checksum.hpp"

#include <cstring>

extern "C" {
// lwipopts.h: LWIP_CHKSUM. Made local to the stack object by the build.
__attribute__((visibility("hidden"))) std::uint16_t ztsdk_lwip_chksum(const void* data, int len) {
  return zt::stack::ones_complement_sum(data, len > 0 ? static_cast<std::size_t>(len) : 0);
}
}

namespace zt::stack {
namespace {

// Ones'-complement addition: the carry out of bit 63 comes back in at bit 0.
inline std::uint64_t add(std::uint64_t sum, std::uint64_t word) {
  sum += word;
  return sum + (sum < word ? 1 : 0);
}

inline std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

std::uint16_t ones_complement_sum(const void* data, std::size_t len) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  // Four independent sums keep the adds from waiting on each other's carry.
  std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (; len >= 32; p += 32, len -= 32) {
    s0 = add(s0, load64(p));
    s1 = add(s1, load64(p + 8));
    s2 = add(s2, load64(p + 16));
    s3 = add(s3, load64(p + 24));
  }
  std::uint64_t sum = add(add(s0, s1), add(s2, s3));
  for (; len >= 8; p += 8, len -= 8) sum = add(sum, load64(p));
  if (len > 0) {
    // The tail's bytes in their places, zeros after: an odd byte is the
    // first byte of a zero-padded word.
    std::uint64_t tail = 0;
    std::memcpy(&tail, p, len);
    sum = add(sum, tail);
  }
  // 2^16 is 1 modulo 0xffff, so folding halves keeps the sum.
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffffffu) + (sum >> 32);
  sum = (sum & 0xffffu) + (sum >> 16);
  sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace zt::stack
