#pragma once
// ZeroTier's "C25519" key pair: X25519 for agreement and Ed25519 for signing,
// packed side by side (public: X25519 || Ed25519; private: X25519 scalar ||
// Ed25519 seed). Signatures are ZeroTier's 96-byte wrapper over Ed25519.
#include <array>
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

inline constexpr std::size_t kC25519PublicSize = 64;
inline constexpr std::size_t kC25519PrivateSize = 64;
inline constexpr std::size_t kC25519SignatureSize = 96;
inline constexpr std::size_t kC25519SharedSize = 32;

using C25519Public = std::array<std::uint8_t, kC25519PublicSize>;
using C25519Private = std::array<std::uint8_t, kC25519PrivateSize>;
using C25519Signature = std::array<std::uint8_t, kC25519SignatureSize>;

struct C25519KeyPair {
  C25519Public pub{};
  C25519Private priv{};
};

// A fresh random key pair.
C25519KeyPair c25519_generate();

// Both public halves from the private key.
C25519Public c25519_public_from_private(const C25519Private& priv);

// Only the X25519 half of the public key from the private scalar (the
// identity proof-of-work search recomputes just this half).
void x25519_public_from_private(std::uint8_t pub32[32], const std::uint8_t priv32[32]);

// Raw X25519 shared secret. False when the result is all zero (a low-order
// point: such a peer is refused).
bool c25519_agree(std::uint8_t shared[kC25519SharedSize], const C25519Private& mine,
                  const C25519Public& theirs);

// signature = Ed25519(seed, SHA-512(msg)[0..32]) || SHA-512(msg)[0..32]
C25519Signature c25519_sign(const C25519Private& priv, const C25519Public& pub,
                            const void* msg, std::size_t len);
bool c25519_verify(const C25519Public& pub, const void* msg, std::size_t len,
                   const std::uint8_t* sig, std::size_t sig_len);

}  // namespace zt::crypto
