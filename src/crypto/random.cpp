#include "crypto/random.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "crypto/constant_time.hpp"
#include "crypto/sodium_init.hpp"

namespace zt::crypto {

void secure_random(void* out, std::size_t len) {
  ensure_sodium();
  randombytes_buf(out, len);
}

std::uint64_t secure_random_u64() {
  std::uint64_t v;
  secure_random(&v, sizeof v);
  return v;
}

BufferedRandom::~BufferedRandom() { secure_zero(block_.data(), block_.size()); }

void BufferedRandom::fill(void* out, std::size_t len) {
  auto* p = static_cast<std::uint8_t*>(out);
  // Large requests gain nothing from the block.
  if (len >= kBlock) {
    secure_random(p, len);
    return;
  }
  while (len > 0) {
    if (used_ == kBlock) {
      secure_random(block_.data(), kBlock);
      used_ = 0;
    }
    const std::size_t n = std::min(len, kBlock - used_);
    std::memcpy(p, block_.data() + used_, n);
    std::memset(block_.data() + used_, 0, n);
    used_ += n;
    p += n;
    len -= n;
  }
}

}  // namespace zt::crypto
