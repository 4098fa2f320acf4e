#pragma once
// What every VL2 credential shares (vl2.md §8): the type numbers, the
// signature field, and the 0x7f fences around the bytes that get signed.
#include <cstddef>
#include <cstdint>

#include "crypto/c25519.hpp"
#include "proto/address.hpp"
#include "proto/byte_io.hpp"
#include "proto/hex.hpp"
#include "proto/identity.hpp"

namespace zt {

// Upstream's Credential::Type; revocations name the type they revoke.
enum class CredentialType : std::uint8_t {
  kNull = 0,
  kCom = 1,
  kCapability = 2,
  kTag = 3,
  kCoo = 4,
  kRevocation = 6,
};

using Signature = crypto::C25519Signature;

inline constexpr std::uint8_t kSignatureTypeC25519 = 1;
inline constexpr std::uint64_t kSigningFence = 0x7f7f7f7f7f7f7f7fULL;  // before and after

namespace credential_detail {

// [1] type [2] length [length] signature. Type 1 must carry exactly 96
// bytes; any other type is skipped by its length and leaves a zero
// signature, as upstream does. Fails the reader otherwise.
void read_signature(ByteReader& r, Signature& out);
// Always type 1 with 96 bytes, whatever was read.
void write_signature(ByteWriter& w, const Signature& sig);
// [2] length of additional fields, then that many bytes (ignored).
void skip_additional_fields(ByteReader& r);

// Signs `message` with `signer` (which must hold its private key).
bool sign_message(const Identity& signer, const Bytes& message, Signature& out);
// `signed_by` is the network's controller and is `controller`, and the
// signature checks with its key.
bool verify_controller_signature(const Identity& controller, std::uint64_t nwid, Address signed_by,
                                 const Bytes& message, const Signature& sig);

}  // namespace credential_detail
}  // namespace zt
