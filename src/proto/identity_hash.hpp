#pragma once
// The memory-hard hash that binds an identity's public key to its address
// and makes addresses costly to forge (vl1.md §5.3).
#include <cstddef>
#include <cstdint>

namespace zt {

inline constexpr std::size_t kIdentityHashMemory = 2 * 1024 * 1024;
inline constexpr std::uint8_t kIdentityHashcashThreshold = 17;  // digest[0] must be below

// digest (64 bytes) = MemoryHardHash(public key, 64 bytes). `scratch` must be
// kIdentityHashMemory bytes; callers that hash in a loop pass one buffer.
void identity_memory_hard_hash(const std::uint8_t pub[64], std::uint8_t digest[64],
                               std::uint8_t* scratch);

// Convenience form that allocates its own scratch.
void identity_memory_hard_hash(const std::uint8_t pub[64], std::uint8_t digest[64]);

}  // namespace zt
