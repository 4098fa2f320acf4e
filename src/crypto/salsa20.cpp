#include "crypto/salsa20.hpp"

#include <sodium.h>

#include <cstring>

#include "crypto/sodium_init.hpp"

namespace zt::crypto {

void salsa2012_xor(std::uint8_t* out, const std::uint8_t* in, std::size_t len,
                   const std::uint8_t* key, const std::uint8_t* iv,
                   std::uint64_t first_block) {
  ensure_sodium();
  if (first_block == 0) {
    crypto_stream_salsa2012_xor(out, in, len, iv, key);
    return;
  }
  // libsodium has no Salsa20/12 stream with an initial counter, so drive the
  // core function block by block (input block = IV || LE64 counter).
  std::uint8_t nonce_counter[16];
  std::memcpy(nonce_counter, iv, 8);
  std::uint8_t block[kSalsaBlockSize];
  std::uint64_t counter = first_block;
  while (len > 0) {
    for (int i = 0; i < 8; ++i) nonce_counter[8 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
    crypto_core_salsa2012(block, nonce_counter, key, nullptr);
    const std::size_t n = len < kSalsaBlockSize ? len : kSalsaBlockSize;
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] ^ block[i];
    out += n;
    in += n;
    len -= n;
    ++counter;
  }
  sodium_memzero(block, sizeof block);
}

void salsa20_xor(std::uint8_t* out, const std::uint8_t* in, std::size_t len,
                 const std::uint8_t* key, const std::uint8_t* iv,
                 std::uint64_t first_block) {
  ensure_sodium();
  crypto_stream_salsa20_xor_ic(out, in, len, iv, first_block, key);
}

void salsa2012_keystream(std::uint8_t* out, std::size_t len, const std::uint8_t* key,
                         const std::uint8_t* iv, std::uint64_t first_block) {
  std::memset(out, 0, len);
  salsa2012_xor(out, out, len, key, iv, first_block);
}

}  // namespace zt::crypto
