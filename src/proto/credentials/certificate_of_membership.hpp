#pragma once
// The Certificate of Membership (vl2.md §7): qualifiers (id, value,
// maxDelta) signed by the controller. Two members may talk on a private
// network when each one's COM agrees with the other's.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/credentials/credential.hpp"

namespace zt {

struct ComQualifier {
  std::uint64_t id = 0;
  std::uint64_t value = 0;
  std::uint64_t max_delta = 0;
  friend bool operator==(const ComQualifier&, const ComQualifier&) = default;
};

// SHA-384 over the 5-byte address and the 64-byte public key: binds a COM
// to one identity, not only to an address.
std::array<std::uint8_t, 48> identity_public_key_hash(const Identity& id);

class CertificateOfMembership {
 public:
  static constexpr std::uint8_t kFormat = 0x01;
  static constexpr std::size_t kMaxQualifiers = 8;
  // Reserved qualifier ids; 3..6 carry the identity hash.
  static constexpr std::uint64_t kTimestampId = 0;
  static constexpr std::uint64_t kNetworkIdId = 1;
  static constexpr std::uint64_t kIssuedToId = 2;
  static constexpr std::uint64_t kIdentityHashFirstId = 3;
  static constexpr std::uint64_t kIdentityHashLastId = 6;

  CertificateOfMembership() = default;

  // The seven qualifiers a controller issues to `member`, unsigned.
  static CertificateOfMembership issue(std::uint64_t timestamp, std::uint64_t max_delta,
                                       std::uint64_t nwid, const Identity& member);

  // One COM from `r`; fails the reader (and returns nullopt) on a bad
  // format byte, more than 8 qualifiers, decreasing ids or truncation.
  static std::optional<CertificateOfMembership> read(ByteReader& r);
  // Exactly one COM filling `bytes`.
  static std::optional<CertificateOfMembership> parse(std::span<const std::uint8_t> bytes);
  void write(ByteWriter& w) const;
  Bytes serialize() const;

  // The qualifiers as 24-byte big-endian triplets: what the controller signs.
  Bytes signing_message() const;
  // Sets signed_by and the signature; false without a private key.
  bool sign(const Identity& controller);
  // Signed by the network's controller, and that is `controller`.
  bool verify(const Identity& controller) const;

  // vl2.md §7.3: every qualifier of ours is in `other` within our maxDelta,
  // and when we carry an identity hash, `other` carries exactly the hash of
  // `other_identity`.
  bool agrees_with(const CertificateOfMembership& other, const Identity& other_identity) const;
  // The same with identity_public_key_hash(other_identity) computed by the
  // caller (a SHA-384 per frame otherwise: members keep it).
  bool agrees_with(const CertificateOfMembership& other,
                   const std::array<std::uint8_t, 48>& other_identity_hash) const;

  // Values of the reserved qualifiers (0 when absent).
  std::uint64_t timestamp() const { return value_of(kTimestampId); }
  std::uint64_t network_id() const { return value_of(kNetworkIdId); }
  Address issued_to() const { return Address(value_of(kIssuedToId)); }

  bool empty() const { return count_ == 0; }
  std::span<const ComQualifier> qualifiers() const { return {qualifiers_.data(), count_}; }
  Address signed_by() const { return signed_by_; }
  const Signature& signature() const { return signature_; }

  // Adds a qualifier, keeping ids sorted; false when full.
  bool add_qualifier(const ComQualifier& q);

  friend bool operator==(const CertificateOfMembership& a, const CertificateOfMembership& b) {
    return a.signed_by_ == b.signed_by_ && a.signature_ == b.signature_ &&
           std::equal(a.qualifiers().begin(), a.qualifiers().end(), b.qualifiers().begin(),
                      b.qualifiers().end());
  }

 private:
  std::uint64_t value_of(std::uint64_t id) const;
  const ComQualifier* find_last(std::uint64_t id) const;

  std::array<ComQualifier, kMaxQualifiers> qualifiers_{};
  std::size_t count_ = 0;
  Address signed_by_;
  Signature signature_{};
};

}  // namespace zt
