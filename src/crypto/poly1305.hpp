#pragma once
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

inline constexpr std::size_t kPoly1305KeySize = 32;
inline constexpr std::size_t kPoly1305TagSize = 16;

// One-time authenticator (RFC 8439 Poly1305): the full 16-byte tag.
void poly1305(std::uint8_t tag[kPoly1305TagSize], const std::uint8_t* msg, std::size_t len,
              const std::uint8_t key[kPoly1305KeySize]);

}  // namespace zt::crypto
