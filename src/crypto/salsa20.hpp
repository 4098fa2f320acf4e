#pragma once
// Salsa20 stream ciphers with a 256-bit key and 64-bit IV (DJB's original
// construction, little-endian 64-bit block counter).
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

inline constexpr std::size_t kSalsaKeySize = 32;
inline constexpr std::size_t kSalsaIvSize = 8;
inline constexpr std::size_t kSalsaBlockSize = 64;

// XORs `len` bytes of Salsa20/12 keystream, starting at 64-byte block
// `first_block`, into `in`, writing `out` (may alias `in`).
void salsa2012_xor(std::uint8_t* out, const std::uint8_t* in, std::size_t len,
                   const std::uint8_t* key, const std::uint8_t* iv,
                   std::uint64_t first_block = 0);

// Same for Salsa20/20 (used only by the identity proof-of-work hash).
void salsa20_xor(std::uint8_t* out, const std::uint8_t* in, std::size_t len,
                 const std::uint8_t* key, const std::uint8_t* iv,
                 std::uint64_t first_block = 0);

// Writes `len` bytes of raw Salsa20/12 keystream from `first_block`.
void salsa2012_keystream(std::uint8_t* out, std::size_t len, const std::uint8_t* key,
                         const std::uint8_t* iv, std::uint64_t first_block = 0);

}  // namespace zt::crypto
