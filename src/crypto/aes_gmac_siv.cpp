#include "crypto/aes_gmac_siv.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

#include "crypto/constant_time.hpp"

namespace zt::crypto {
namespace {

// OpenSSL only fails these calls on allocation failure or misuse; neither is
// recoverable on the packet path.
void check(int ok) {
  if (ok != 1) std::abort();
}

EVP_CIPHER_CTX* make_ctx(const EVP_CIPHER* cipher, const std::uint8_t* key, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) std::abort();
  check(EVP_CipherInit_ex(ctx, cipher, nullptr, key, nullptr, encrypt ? 1 : 0));
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  return ctx;
}

}  // namespace

AesGmacSiv::AesGmacSiv(const std::uint8_t k0[kAesKeySize], const std::uint8_t k1[kAesKeySize])
    : gcm_k0_(make_ctx(EVP_aes_256_gcm(), k0, true)),
      ecb_enc_k1_(make_ctx(EVP_aes_256_ecb(), k1, true)),
      ecb_dec_k1_(make_ctx(EVP_aes_256_ecb(), k1, false)),
      ctr_k1_(make_ctx(EVP_aes_256_ctr(), k1, true)) {}

AesGmacSiv::~AesGmacSiv() {
  EVP_CIPHER_CTX_free(gcm_k0_);
  EVP_CIPHER_CTX_free(ecb_enc_k1_);
  EVP_CIPHER_CTX_free(ecb_dec_k1_);
  EVP_CIPHER_CTX_free(ctr_k1_);
}

// GMAC is AES-GCM over an empty plaintext with (AAD zero-padded to 16) || data
// as the associated data; the SIV keeps the XOR of the tag's two halves.
void AesGmacSiv::gmac_half(const std::uint8_t nonce[kGmacSivNonceSize],
                           const std::uint8_t aad[kGmacSivAadSize], const std::uint8_t* data,
                           std::size_t len, std::uint8_t out[8]) {
  std::uint8_t iv[12] = {};
  std::memcpy(iv, nonce, kGmacSivNonceSize);
  std::uint8_t aad16[16] = {};
  std::memcpy(aad16, aad, kGmacSivAadSize);
  int n = 0;
  check(EVP_EncryptInit_ex(gcm_k0_, nullptr, nullptr, nullptr, iv));
  check(EVP_EncryptUpdate(gcm_k0_, nullptr, &n, aad16, sizeof aad16));
  if (len > 0) check(EVP_EncryptUpdate(gcm_k0_, nullptr, &n, data, static_cast<int>(len)));
  std::uint8_t unused[16];
  check(EVP_EncryptFinal_ex(gcm_k0_, unused, &n));
  std::uint8_t g[16];
  check(EVP_CIPHER_CTX_ctrl(gcm_k0_, EVP_CTRL_GCM_GET_TAG, 16, g));
  for (int i = 0; i < 8; ++i) out[i] = g[i] ^ g[i + 8];
}

// CTR mode with the tag as IV, its counter word's top bit cleared so the
// 32-bit counter cannot carry into the rest of the block.
void AesGmacSiv::ctr(const std::uint8_t tag[kGmacSivTagSize], std::uint8_t* data,
                     std::size_t len) {
  std::uint8_t iv[16];
  std::memcpy(iv, tag, 16);
  iv[12] &= 0x7f;
  int n = 0;
  check(EVP_EncryptInit_ex(ctr_k1_, nullptr, nullptr, nullptr, iv));
  if (len > 0) check(EVP_EncryptUpdate(ctr_k1_, data, &n, data, static_cast<int>(len)));
}

void AesGmacSiv::encrypt(const std::uint8_t nonce[kGmacSivNonceSize],
                         const std::uint8_t aad[kGmacSivAadSize], std::uint8_t* data,
                         std::size_t len, std::uint8_t tag[kGmacSivTagSize]) {
  std::uint8_t block[16];
  std::memcpy(block, nonce, 8);
  gmac_half(nonce, aad, data, len, block + 8);
  int n = 0;
  check(EVP_EncryptUpdate(ecb_enc_k1_, tag, &n, block, 16));
  ctr(tag, data, len);
}

bool AesGmacSiv::decrypt(const std::uint8_t tag[kGmacSivTagSize],
                         const std::uint8_t aad[kGmacSivAadSize], std::uint8_t* data,
                         std::size_t len, std::uint8_t nonce_out[kGmacSivNonceSize]) {
  ctr(tag, data, len);
  std::uint8_t block[16];
  int n = 0;
  check(EVP_DecryptUpdate(ecb_dec_k1_, block, &n, tag, 16));
  std::uint8_t expected[8];
  gmac_half(block, aad, data, len, expected);
  if (!constant_time_equal(expected, block + 8, 8)) return false;
  std::memcpy(nonce_out, block, 8);
  return true;
}

}  // namespace zt::crypto
