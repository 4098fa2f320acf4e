#include "crypto/sodium_init.hpp"

#include <sodium.h>

#include <cstdlib>

namespace zt::crypto {

void ensure_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) std::abort();  // no usable randomness: nothing is safe
    return true;
  }();
  (void)ready;
}

}  // namespace zt::crypto
