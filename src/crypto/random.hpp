#pragma once
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

// Cryptographically secure random bytes from the OS (via libsodium).
void secure_random(void* out, std::size_t len);
std::uint64_t secure_random_u64();

}  // namespace zt::crypto
