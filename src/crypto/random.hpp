#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

// Cryptographically secure random bytes from the OS (via libsodium).
void secure_random(void* out, std::size_t len);
std::uint64_t secure_random_u64();

// secure_random taken a block at a time, for a caller that wants a few bytes
// very often (a packet id per packet): one system call per kBlock bytes
// instead of one per call, as upstream buffers its random bytes too. Bytes
// handed out are wiped from the block. One owner; not thread-safe.
class BufferedRandom {
 public:
  static constexpr std::size_t kBlock = 4096;

  BufferedRandom() = default;
  ~BufferedRandom();
  BufferedRandom(const BufferedRandom&) = delete;
  BufferedRandom& operator=(const BufferedRandom&) = delete;

  void fill(void* out, std::size_t len);

 private:
  std::array<std::uint8_t, kBlock> block_{};
  std::size_t used_ = kBlock;  // empty until first use
};

}  // namespace zt::crypto
