#include "crypto/sha.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cstdlib>

#include "crypto/sodium_init.hpp"

namespace zt::crypto {

void sha512(std::uint8_t out[kSha512Size], const void* data, std::size_t len) {
  ensure_sodium();
  crypto_hash_sha512(out, static_cast<const unsigned char*>(data), len);
}

void sha384(std::uint8_t out[kSha384Size], const void* data, std::size_t len) {
  unsigned int out_len = 0;
  if (EVP_Digest(data, len, out, &out_len, EVP_sha384(), nullptr) != 1) std::abort();
}

void hmac_sha384(std::uint8_t out[kSha384Size], const std::uint8_t* key, std::size_t key_len,
                 const void* data, std::size_t len) {
  unsigned int out_len = 0;
  if (HMAC(EVP_sha384(), key, static_cast<int>(key_len), static_cast<const unsigned char*>(data),
           len, out, &out_len) == nullptr) {
    std::abort();
  }
}

void kbkdf_hmac_sha384(std::uint8_t out[kSha384Size], const std::uint8_t* key,
                       std::size_t key_len, char label) {
  const std::uint8_t msg[13] = {0, 0, 0, 0, 'Z', 'T', static_cast<std::uint8_t>(label), 0, 0,
                                0, 0, 0x01, 0x80};
  hmac_sha384(out, key, key_len, msg, sizeof msg);
}

}  // namespace zt::crypto
