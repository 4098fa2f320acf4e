#include "crypto/constant_time.hpp"

#include <sodium.h>

namespace zt::crypto {

bool constant_time_equal(const void* a, const void* b, std::size_t len) {
  return sodium_memcmp(a, b, len) == 0;
}

void secure_zero(void* p, std::size_t len) { sodium_memzero(p, len); }

}  // namespace zt::crypto
