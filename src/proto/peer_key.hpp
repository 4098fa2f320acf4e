#pragma once
// Everything needed to armor and dearmor packets with one peer: the 48-byte
// agreed key and the AES-GMAC-SIV state derived from it (vl1.md §6).
#include <memory>

#include "crypto/aes_gmac_siv.hpp"
#include "proto/identity.hpp"

namespace zt {

class PeerKey {
 public:
  explicit PeerKey(const SymmetricKey& key);
  ~PeerKey();
  PeerKey(const PeerKey&) = delete;
  PeerKey& operator=(const PeerKey&) = delete;

  const SymmetricKey& bytes() const { return key_; }
  crypto::AesGmacSiv& aes() const { return *aes_; }

 private:
  SymmetricKey key_;
  std::unique_ptr<crypto::AesGmacSiv> aes_;
};

}  // namespace zt
