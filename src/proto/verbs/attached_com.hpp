#pragma once
// The Certificate of Membership some VL2 verbs may carry inline (vl2.md §7.1).
// Verbs treat it as an opaque blob; only its length has to be known to find
// the fields after it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/byte_io.hpp"

namespace zt {

inline constexpr std::uint8_t kComFormat = 0x01;            // the only COM format byte
inline constexpr std::size_t kComMaxQualifiers = 8;         // vl2.md §7.1 cap
inline constexpr std::size_t kComQualifierSize = 24;        // id, value, max delta
inline constexpr std::size_t kComSignatureSize = 96;        // present iff signed

// Takes one serialized COM from `r` and returns its bytes, or fails the reader
// (and returns an empty span) on a bad format byte, too many qualifiers or
// truncation.
std::span<const std::uint8_t> read_attached_com(ByteReader& r);

}  // namespace zt
