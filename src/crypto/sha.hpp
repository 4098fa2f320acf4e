#pragma once
// SHA-2 hashes and HMAC-SHA-384, plus the SP 800-108 counter-mode KDF that
// derives ZeroTier's AES-GMAC-SIV keys.
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

inline constexpr std::size_t kSha512Size = 64;
inline constexpr std::size_t kSha384Size = 48;

void sha512(std::uint8_t out[kSha512Size], const void* data, std::size_t len);
void sha384(std::uint8_t out[kSha384Size], const void* data, std::size_t len);
void hmac_sha384(std::uint8_t out[kSha384Size], const std::uint8_t* key, std::size_t key_len,
                 const void* data, std::size_t len);

// KBKDF (counter mode, HMAC-SHA-384 PRF) with ZeroTier's fixed message:
// BE32(0) || 'Z' 'T' label 0x00 || 0x00 || BE32(384).
void kbkdf_hmac_sha384(std::uint8_t out[kSha384Size], const std::uint8_t* key,
                       std::size_t key_len, char label);

}  // namespace zt::crypto
