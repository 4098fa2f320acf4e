#pragma once
// AES-GMAC-SIV, ZeroTier's cipher suite 3 (vl1.md §8.3): a synthetic-IV mode
// built from GMAC under K0 and AES-CTR/ECB under K1. Holds prepared OpenSSL
// contexts so a packet costs no key schedule. Not thread-safe: one owner.
#include <cstddef>
#include <cstdint>

struct evp_cipher_ctx_st;

namespace zt::crypto {

inline constexpr std::size_t kAesKeySize = 32;
inline constexpr std::size_t kGmacSivTagSize = 16;
inline constexpr std::size_t kGmacSivAadSize = 11;
inline constexpr std::size_t kGmacSivNonceSize = 8;

class AesGmacSiv {
 public:
  AesGmacSiv(const std::uint8_t k0[kAesKeySize], const std::uint8_t k1[kAesKeySize]);
  ~AesGmacSiv();
  AesGmacSiv(const AesGmacSiv&) = delete;
  AesGmacSiv& operator=(const AesGmacSiv&) = delete;

  // Encrypts `data` in place and writes the 16-byte opaque tag.
  void encrypt(const std::uint8_t nonce[kGmacSivNonceSize],
               const std::uint8_t aad[kGmacSivAadSize], std::uint8_t* data, std::size_t len,
               std::uint8_t tag[kGmacSivTagSize]);

  // Decrypts `data` in place and checks it. On success writes the original
  // nonce and returns true; on failure `data` holds garbage.
  bool decrypt(const std::uint8_t tag[kGmacSivTagSize], const std::uint8_t aad[kGmacSivAadSize],
               std::uint8_t* data, std::size_t len, std::uint8_t nonce_out[kGmacSivNonceSize]);

 private:
  void gmac_half(const std::uint8_t nonce[kGmacSivNonceSize], const std::uint8_t aad[kGmacSivAadSize],
                 const std::uint8_t* data, std::size_t len, std::uint8_t out[8]);
  void ctr(const std::uint8_t tag[kGmacSivTagSize], std::uint8_t* data, std::size_t len);

  evp_cipher_ctx_st* gcm_k0_;
  evp_cipher_ctx_st* ecb_enc_k1_;
  evp_cipher_ctx_st* ecb_dec_k1_;
  evp_cipher_ctx_st* ctr_k1_;
};

}  // namespace zt::crypto
