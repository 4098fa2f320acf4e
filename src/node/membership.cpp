#include "node/membership.hpp"

#include <algorithm>

#include "node/vl2_params.hpp"
#include "proto/network_id.hpp"

namespace zt {
namespace {

std::uint64_t credential_key(CredentialType type, std::uint32_t id) {
  return (std::uint64_t{static_cast<std::uint8_t>(type)} << 32) | id;
}

std::uint64_t abs_diff(std::int64_t a, std::int64_t b) {
  return a >= b ? static_cast<std::uint64_t>(a - b) : static_cast<std::uint64_t>(b - a);
}

// Upstream's _addCredImpl for Tags, Capabilities and COOs: never older than
// what we hold, not revoked, and signed by the controller.
template <class C, class Stored, class Verify>
CredentialResult add_remote(std::map<std::uint32_t, Stored>& held, const C& cred,
                            std::optional<std::int64_t> revoked_until, const Identity* controller,
                            const C& (*view)(const Stored&), Verify verify, Stored stored) {
  auto it = held.find(cred.id);
  if (it != held.end()) {
    const C& old = view(it->second);
    if (old.timestamp > cred.timestamp) return CredentialResult::kRejected;
    if (old == cred) return CredentialResult::kAcceptedRedundant;
  }
  if (revoked_until && *revoked_until >= cred.timestamp) return CredentialResult::kRejected;
  if (!controller) return CredentialResult::kDeferred;
  if (!verify(cred, *controller)) return CredentialResult::kRejected;
  if (it == held.end() && held.size() >= vl2::kMaxRemoteCredentialsPerMember)
    return CredentialResult::kRejected;
  held.insert_or_assign(cred.id, std::move(stored));
  return CredentialResult::kAcceptedNew;
}

template <class T>
const T& same(const T& t) {
  return t;
}

const Capability& capability_of(const Membership::HeldCapability& held) { return held.capability; }

// Upstream counts any IPv6 address in the network's 6PLANE /40 or RFC4193
// /88 prefix as owned when NDP emulation is on and we hold such an address.
bool ndp_emulated(const NetworkConfig& mine, const InetAddress& ip) {
  if (!ip.is_v6() || !mine.has_flag(kNetworkFlagEnableNdpEmulation)) return false;
  const auto prefix_owned = [&](const InetAddress& ours, std::size_t prefix_bytes) {
    for (const InetAddress& s : mine.static_ips) {
      if (!s.is_v6() || !std::equal(s.ip(), s.ip() + 16, ours.ip())) continue;
      return std::equal(ip.ip(), ip.ip() + prefix_bytes, ours.ip());
    }
    return false;
  };
  return prefix_owned(sixplane_address(mine.network_id, mine.issued_to), 5) ||
         prefix_owned(rfc4193_address(mine.network_id, mine.issued_to), 11);
}

}  // namespace

CredentialResult Membership::add_com(const CertificateOfMembership& com,
                                     const Identity* controller) {
  const auto ts = static_cast<std::int64_t>(com.timestamp());
  if (ts <= com_revocation_threshold_) return CredentialResult::kRejected;
  if (ts < static_cast<std::int64_t>(com_.timestamp())) return CredentialResult::kRejected;
  if (com_ == com) return CredentialResult::kAcceptedRedundant;
  if (!controller) return CredentialResult::kDeferred;
  if (!com.verify(*controller)) return CredentialResult::kRejected;
  com_ = com;
  return CredentialResult::kAcceptedNew;
}

CredentialResult Membership::add_tag(const Tag& tag, const Identity* controller) {
  return add_remote<Tag, Tag>(
      tags_, tag, threshold(CredentialType::kTag, tag.id), controller, &same<Tag>,
      [](const Tag& t, const Identity& c) { return t.verify(c); }, tag);
}

CredentialResult Membership::add_capability(const Capability& cap, const Identity* controller) {
  std::optional<std::vector<Rule>> rules = parse_rules(cap.rules);
  if (!rules) return CredentialResult::kRejected;
  return add_remote<Capability, HeldCapability>(
      capabilities_, cap, threshold(CredentialType::kCapability, cap.id), controller,
      &capability_of, [](const Capability& c, const Identity& ctl) { return c.verify(ctl); },
      HeldCapability{cap, std::move(*rules)});
}

CredentialResult Membership::add_coo(const CertificateOfOwnership& coo,
                                     const Identity* controller) {
  return add_remote<CertificateOfOwnership, CertificateOfOwnership>(
      coos_, coo, threshold(CredentialType::kCoo, coo.id), controller,
      &same<CertificateOfOwnership>,
      [](const CertificateOfOwnership& c, const Identity& ctl) { return c.verify(ctl); }, coo);
}

// §8.4. Upstream also raises the COM threshold for revoked Tags,
// Capabilities and COOs; the spec keeps the types apart and so do we.
CredentialResult Membership::add_revocation(const Revocation& rev, const Identity* controller) {
  if (!controller) return CredentialResult::kDeferred;
  if (!rev.verify(*controller)) return CredentialResult::kRejected;
  switch (rev.credential_type) {
    case CredentialType::kCom:
      if (rev.threshold <= com_revocation_threshold_) return CredentialResult::kAcceptedRedundant;
      com_revocation_threshold_ = rev.threshold;
      return CredentialResult::kAcceptedNew;
    case CredentialType::kCapability:
    case CredentialType::kTag:
    case CredentialType::kCoo: {
      const std::uint64_t key = credential_key(rev.credential_type, rev.credential_id);
      auto it = revocations_.find(key);
      if (it != revocations_.end() && it->second >= rev.threshold)
        return CredentialResult::kAcceptedRedundant;
      if (it == revocations_.end() && revocations_.size() >= vl2::kMaxRevocationThresholds)
        return CredentialResult::kRejected;
      revocations_[key] = rev.threshold;
      // What it revokes goes now, not at the next clean.
      if (rev.credential_type == CredentialType::kTag) std::erase_if(tags_, [&](const auto& e) {
          return e.first == rev.credential_id && e.second.timestamp <= rev.threshold;
        });
      if (rev.credential_type == CredentialType::kCapability)
        std::erase_if(capabilities_, [&](const auto& e) {
          return e.first == rev.credential_id && e.second.capability.timestamp <= rev.threshold;
        });
      if (rev.credential_type == CredentialType::kCoo) std::erase_if(coos_, [&](const auto& e) {
          return e.first == rev.credential_id && e.second.timestamp <= rev.threshold;
        });
      return CredentialResult::kAcceptedNew;
    }
    default:
      return CredentialResult::kRejected;
  }
}

bool Membership::allowed(const NetworkConfig& mine, const Identity& peer) const {
  if (mine.is_public()) return true;
  return static_cast<std::int64_t>(com_.timestamp()) > com_revocation_threshold_ &&
         mine.com.agrees_with(com_, identity_hash(peer));
}

const std::array<std::uint8_t, 48>& Membership::identity_hash(const Identity& peer) const {
  if (!identity_hash_ || identity_hash_->address != peer.address() ||
      identity_hash_->public_key != peer.public_key())
    identity_hash_ = IdentityHash{peer.address(), peer.public_key(), identity_public_key_hash(peer)};
  return identity_hash_->hash;
}

std::optional<std::int64_t> Membership::threshold(CredentialType type, std::uint32_t id) const {
  auto it = revocations_.find(credential_key(type, id));
  if (it == revocations_.end()) return std::nullopt;
  return it->second;
}

template <class C>
bool Membership::timestamp_valid(const NetworkConfig& mine, const C& cred,
                                 CredentialType type) const {
  if (abs_diff(cred.timestamp, mine.timestamp) > mine.credential_time_max_delta) return false;
  const std::optional<std::int64_t> t = threshold(type, cred.id);
  return !t || cred.timestamp > *t;
}

std::optional<std::uint32_t> Membership::tag(const NetworkConfig& mine, std::uint32_t id) const {
  auto it = tags_.find(id);
  if (it == tags_.end() || !timestamp_valid(mine, it->second, CredentialType::kTag))
    return std::nullopt;
  return it->second.value;
}

std::vector<const Membership::HeldCapability*> Membership::capabilities(
    const NetworkConfig& mine) const {
  std::vector<const HeldCapability*> out;
  for (const auto& [id, held] : capabilities_)
    if (timestamp_valid(mine, held.capability, CredentialType::kCapability)) out.push_back(&held);
  return out;
}

bool Membership::owns(const NetworkConfig& mine, const InetAddress& ip) const {
  for (const auto& [id, coo] : coos_)
    if (timestamp_valid(mine, coo, CredentialType::kCoo) && coo.owns(ip)) return true;
  return ndp_emulated(mine, ip);
}

bool Membership::owns(const NetworkConfig& mine, MacAddress mac) const {
  for (const auto& [id, coo] : coos_)
    if (timestamp_valid(mine, coo, CredentialType::kCoo) && coo.owns(mac)) return true;
  return false;
}

void Membership::clean(const NetworkConfig& mine) {
  std::erase_if(tags_, [&](const auto& e) {
    return !timestamp_valid(mine, e.second, CredentialType::kTag);
  });
  std::erase_if(capabilities_, [&](const auto& e) {
    return !timestamp_valid(mine, e.second.capability, CredentialType::kCapability);
  });
  std::erase_if(coos_, [&](const auto& e) {
    return !timestamp_valid(mine, e.second, CredentialType::kCoo);
  });
}

bool Membership::multicast_like_gate(std::int64_t now) {
  if (now - last_like_ < vl2::kMulticastAnnouncePeriod) return false;
  last_like_ = now;
  return true;
}

}  // namespace zt
