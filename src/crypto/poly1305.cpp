#include "crypto/poly1305.hpp"

#include <sodium.h>

#include "crypto/sodium_init.hpp"

namespace zt::crypto {

void poly1305(std::uint8_t tag[kPoly1305TagSize], const std::uint8_t* msg, std::size_t len,
              const std::uint8_t key[kPoly1305KeySize]) {
  ensure_sodium();
  crypto_onetimeauth_poly1305(tag, msg, len, key);
}

}  // namespace zt::crypto
