#pragma once
// The Internet checksum's ones'-complement sum (RFC 1071), 8 bytes at a
// time; lwIP's own routine adds 2 bytes at a time and was a tenth of the
// TCP data path's CPU. lwIP calls it through LWIP_CHKSUM (lwipopts.h).
// Free of lwIP headers.
#include <cstddef>
#include <cstdint>

namespace zt::stack {

// The folded, not inverted, sum of `data` as native-endian 16-bit words,
// an odd last byte padded with a zero byte: exactly what lwIP's
// lwip_standard_chksum returns, for any length and alignment.
std::uint16_t ones_complement_sum(const void* data, std::size_t len);

}  // namespace zt::stack
