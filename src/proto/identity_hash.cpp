#include "proto/identity_hash.hpp"

#include <cstring>
#include <memory>

#include "crypto/salsa20.hpp"
#include "crypto/scratch_memory.hpp"
#include "crypto/sha.hpp"
#include "proto/byte_io.hpp"

namespace zt {
namespace {

constexpr std::size_t kWords = kIdentityHashMemory / 8;
constexpr std::size_t kGenmemBlocks = kIdentityHashMemory / 64;
constexpr std::size_t kChunkBlocks = 256;  // keystream made 16 KiB at a time

}  // namespace

void identity_memory_hard_hash(const std::uint8_t pub[64], std::uint8_t digest[64],
                               std::uint8_t* genmem) {
  crypto::sha512(digest, pub, 64);
  std::uint8_t key[32];
  std::uint8_t nonce[8];
  std::memcpy(key, digest, 32);
  std::memcpy(nonce, digest + 32, 8);

  // genmem[i] = genmem[i-1] XOR keystream block i, with genmem[0] = block 0.
  std::memset(genmem, 0, kIdentityHashMemory);
  crypto::salsa20_xor(genmem, genmem, kIdentityHashMemory, key, nonce, 0);
  for (std::size_t i = 64; i < kIdentityHashMemory; ++i) genmem[i] ^= genmem[i - 64];

  std::uint8_t stream[kChunkBlocks * 64];
  std::size_t stream_pos = sizeof stream;
  std::uint64_t next_block = kGenmemBlocks;
  for (std::size_t w = 0; w < kWords; w += 2) {
    const std::size_t idx1 = load_be(genmem + 8 * w, 8) % 8;
    const std::size_t idx2 = load_be(genmem + 8 * w + 8, 8) % kWords;
    std::uint8_t tmp[8];
    std::memcpy(tmp, genmem + 8 * idx2, 8);
    std::memcpy(genmem + 8 * idx2, digest + 8 * idx1, 8);
    std::memcpy(digest + 8 * idx1, tmp, 8);

    if (stream_pos == sizeof stream) {
      std::memset(stream, 0, sizeof stream);
      crypto::salsa20_xor(stream, stream, sizeof stream, key, nonce, next_block);
      next_block += kChunkBlocks;
      stream_pos = 0;
    }
    for (int i = 0; i < 64; ++i) digest[i] ^= stream[stream_pos + static_cast<std::size_t>(i)];
    stream_pos += 64;
  }
}

void identity_memory_hard_hash(const std::uint8_t pub[64], std::uint8_t digest[64]) {
  crypto::ScratchMemory scratch(kIdentityHashMemory);
  identity_memory_hard_hash(pub, digest, scratch.data());
}

}  // namespace zt
