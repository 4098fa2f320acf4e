#include "crypto/c25519.hpp"

#include <sodium.h>

#include <cstring>

#include "crypto/sha.hpp"
#include "crypto/sodium_init.hpp"

namespace zt::crypto {

C25519KeyPair c25519_generate() {
  ensure_sodium();
  C25519KeyPair kp;
  randombytes_buf(kp.priv.data(), kp.priv.size());
  kp.pub = c25519_public_from_private(kp.priv);
  return kp;
}

void x25519_public_from_private(std::uint8_t pub32[32], const std::uint8_t priv32[32]) {
  ensure_sodium();
  crypto_scalarmult_base(pub32, priv32);
}

C25519Public c25519_public_from_private(const C25519Private& priv) {
  ensure_sodium();
  C25519Public pub{};
  crypto_scalarmult_base(pub.data(), priv.data());
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pub.data() + 32, sk, priv.data() + 32);
  sodium_memzero(sk, sizeof sk);
  return pub;
}

bool c25519_agree(std::uint8_t shared[kC25519SharedSize], const C25519Private& mine,
                  const C25519Public& theirs) {
  ensure_sodium();
  return crypto_scalarmult(shared, mine.data(), theirs.data()) == 0;
}

C25519Signature c25519_sign(const C25519Private& priv, const C25519Public& pub,
                            const void* msg, std::size_t len) {
  ensure_sodium();
  std::uint8_t digest[kSha512Size];
  sha512(digest, msg, len);
  // libsodium's signing key is seed || Ed25519 public key.
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  std::memcpy(sk, priv.data() + 32, 32);
  std::memcpy(sk + 32, pub.data() + 32, 32);
  C25519Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, digest, 32, sk);
  std::memcpy(sig.data() + 64, digest, 32);
  sodium_memzero(sk, sizeof sk);
  return sig;
}

bool c25519_verify(const C25519Public& pub, const void* msg, std::size_t len,
                   const std::uint8_t* sig, std::size_t sig_len) {
  if (sig_len != kC25519SignatureSize) return false;
  ensure_sodium();
  std::uint8_t digest[kSha512Size];
  sha512(digest, msg, len);
  if (sodium_memcmp(sig + 64, digest, 32) != 0) return false;
  return crypto_sign_verify_detached(sig, digest, 32, pub.data() + 32) == 0;
}

}  // namespace zt::crypto
