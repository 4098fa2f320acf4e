#include "proto/credentials/certificate_of_membership.hpp"

#include <algorithm>

#include "crypto/sha.hpp"
#include "proto/network_id.hpp"

namespace zt {
namespace {

constexpr std::uint64_t kAnyValue = ~0ULL;  // maxDelta that accepts any value
constexpr std::size_t kIdentityHashWords = 4;

}  // namespace

std::array<std::uint8_t, 48> identity_public_key_hash(const Identity& id) {
  std::uint8_t input[Address::kLength + crypto::kC25519PublicSize];
  id.address().to_bytes(input);
  std::copy(id.public_key().begin(), id.public_key().end(), input + Address::kLength);
  std::array<std::uint8_t, 48> out{};
  crypto::sha384(out.data(), input, sizeof(input));
  return out;
}

CertificateOfMembership CertificateOfMembership::issue(std::uint64_t timestamp,
                                                       std::uint64_t max_delta, std::uint64_t nwid,
                                                       const Identity& member) {
  CertificateOfMembership com;
  com.add_qualifier({kTimestampId, timestamp, max_delta});
  com.add_qualifier({kNetworkIdId, nwid, 0});
  com.add_qualifier({kIssuedToId, member.address().value(), kAnyValue});
  const auto hash = identity_public_key_hash(member);
  for (std::size_t i = 0; i < kIdentityHashWords; ++i)
    com.add_qualifier({kIdentityHashFirstId + i, load_be(hash.data() + 8 * i, 8), kAnyValue});
  return com;
}

std::optional<CertificateOfMembership> CertificateOfMembership::read(ByteReader& r) {
  CertificateOfMembership com;
  if (r.u8() != kFormat) {
    r.fail();
    return std::nullopt;
  }
  const std::size_t count = r.u16();
  if (count > kMaxQualifiers) {
    r.fail();
    return std::nullopt;
  }
  std::uint64_t last_id = 0;
  for (std::size_t i = 0; i < count; ++i) {
    ComQualifier q{r.u64(), r.u64(), r.u64()};
    if (q.id < last_id) {
      r.fail();
      return std::nullopt;
    }
    last_id = q.id;
    com.qualifiers_[com.count_++] = q;
  }
  com.signed_by_ = Address(r.u40());
  if (!com.signed_by_.is_nil()) r.copy(com.signature_.data(), com.signature_.size());
  if (!r.ok()) return std::nullopt;
  return com;
}

std::optional<CertificateOfMembership> CertificateOfMembership::parse(
    std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  auto com = read(r);
  if (!com || !r.at_end()) return std::nullopt;
  return com;
}

void CertificateOfMembership::write(ByteWriter& w) const {
  w.u8(kFormat);
  w.u16(static_cast<std::uint16_t>(count_));
  for (const auto& q : qualifiers()) {
    w.u64(q.id);
    w.u64(q.value);
    w.u64(q.max_delta);
  }
  w.u40(signed_by_.value());
  if (!signed_by_.is_nil()) w.bytes(signature_.data(), signature_.size());
}

Bytes CertificateOfMembership::serialize() const {
  Bytes out;
  ByteWriter w(out);
  write(w);
  return out;
}

Bytes CertificateOfMembership::signing_message() const {
  Bytes out;
  ByteWriter w(out);
  for (const auto& q : qualifiers()) {
    w.u64(q.id);
    w.u64(q.value);
    w.u64(q.max_delta);
  }
  return out;
}

bool CertificateOfMembership::sign(const Identity& controller) {
  if (!credential_detail::sign_message(controller, signing_message(), signature_)) return false;
  signed_by_ = controller.address();
  return true;
}

bool CertificateOfMembership::verify(const Identity& controller) const {
  return credential_detail::verify_controller_signature(controller, network_id(), signed_by_,
                                                        signing_message(), signature_);
}

bool CertificateOfMembership::agrees_with(const CertificateOfMembership& other,
                                          const Identity& other_identity) const {
  return agrees_with(other, identity_public_key_hash(other_identity));
}

bool CertificateOfMembership::agrees_with(
    const CertificateOfMembership& other,
    const std::array<std::uint8_t, 48>& other_identity_hash) const {
  if (empty() || other.empty()) return false;
  bool has_identity_hash = false;
  for (const auto& mine : qualifiers()) {
    if (mine.id >= kIdentityHashFirstId && mine.id <= kIdentityHashLastId) has_identity_hash = true;
    const ComQualifier* theirs = other.find_last(mine.id);
    if (!theirs) return false;
    const std::uint64_t a = mine.value;
    const std::uint64_t b = theirs->value;
    if ((a >= b ? a - b : b - a) > mine.max_delta) return false;
  }
  // Without a hash of our own we are on an old controller that issues none.
  if (has_identity_hash) {
    for (std::size_t i = 0; i < kIdentityHashWords; ++i) {
      const ComQualifier* theirs = other.find_last(kIdentityHashFirstId + i);
      if (!theirs || theirs->value != load_be(other_identity_hash.data() + 8 * i, 8)) return false;
    }
  }
  return true;
}

bool CertificateOfMembership::add_qualifier(const ComQualifier& q) {
  if (count_ == kMaxQualifiers) return false;
  auto end = qualifiers_.begin() + static_cast<std::ptrdiff_t>(count_);
  auto at =
      std::upper_bound(qualifiers_.begin(), end, q,
                       [](const ComQualifier& a, const ComQualifier& b) { return a.id < b.id; });
  std::move_backward(at, end, end + 1);
  *at = q;
  ++count_;
  return true;
}

// The first qualifier with this id, as upstream's accessors return.
std::uint64_t CertificateOfMembership::value_of(std::uint64_t id) const {
  for (const auto& q : qualifiers())
    if (q.id == id) return q.value;
  return 0;
}

// Upstream's agreement test puts the other COM's qualifiers in a map, so
// with duplicate ids (sorted input allows them) the last one counts.
const ComQualifier* CertificateOfMembership::find_last(std::uint64_t id) const {
  const ComQualifier* found = nullptr;
  for (const auto& q : qualifiers())
    if (q.id == id) found = &q;
  return found;
}

}  // namespace zt
