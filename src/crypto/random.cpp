#include "crypto/random.hpp"

#include <sodium.h>

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

}  // namespace zt::crypto
