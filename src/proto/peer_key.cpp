#include "proto/peer_key.hpp"

#include "crypto/constant_time.hpp"
#include "crypto/sha.hpp"

namespace zt {

PeerKey::PeerKey(const SymmetricKey& key) : key_(key) {
  std::uint8_t k0[crypto::kSha384Size];
  std::uint8_t k1[crypto::kSha384Size];
  crypto::kbkdf_hmac_sha384(k0, key.data(), key.size(), '0');
  crypto::kbkdf_hmac_sha384(k1, key.data(), key.size(), '1');
  aes_ = std::make_unique<crypto::AesGmacSiv>(k0, k1);  // AES-256 keys: the first 32 bytes
  crypto::secure_zero(k0, sizeof k0);
  crypto::secure_zero(k1, sizeof k1);
}

PeerKey::~PeerKey() { crypto::secure_zero(key_.data(), key_.size()); }

}  // namespace zt
