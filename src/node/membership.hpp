#pragma once
// What we know of one peer on one network (vl2.md §7.3, §7.4, §8): the
// credentials it presented (COM, Tags, Capabilities, COOs), the revocations
// against it, and when we last pushed our own credentials to it. Every
// credential is checked against the network's controller identity; a
// missing identity defers the check (the caller WHOISes and retries).
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "node/path.hpp"
#include "proto/credentials/capability.hpp"
#include "proto/credentials/certificate_of_membership.hpp"
#include "proto/credentials/certificate_of_ownership.hpp"
#include "proto/credentials/revocation.hpp"
#include "proto/credentials/tag.hpp"
#include "proto/network_config.hpp"
#include "proto/rules.hpp"

namespace zt {

enum class CredentialResult : std::uint8_t {
  kRejected,           // bad signature, wrong signer, stale, revoked or no room
  kAcceptedNew,        // stored (or a revocation newly applied)
  kAcceptedRedundant,  // the same as what we hold
  kDeferred,           // the controller's identity is not known yet
};

inline bool credential_accepted(CredentialResult r) {
  return r == CredentialResult::kAcceptedNew || r == CredentialResult::kAcceptedRedundant;
}

class Membership {
 public:
  // A Capability with its rules decoded once, for the filter.
  struct HeldCapability {
    Capability capability;
    std::vector<Rule> rules;
  };

  // `controller` is the network controller's identity, or null if unknown.
  CredentialResult add_com(const CertificateOfMembership& com, const Identity* controller);
  CredentialResult add_tag(const Tag& tag, const Identity* controller);
  CredentialResult add_capability(const Capability& cap, const Identity* controller);
  CredentialResult add_coo(const CertificateOfOwnership& coo, const Identity* controller);
  CredentialResult add_revocation(const Revocation& rev, const Identity* controller);

  // §7.3 isAllowedOnNetwork: PUBLIC, or a COM newer than any revocation
  // that agrees with our own COM and belongs to `peer`.
  bool allowed(const NetworkConfig& mine, const Identity& peer) const;

  // §8.6: credentials count only within `mine`'s time window and above
  // their revocation thresholds.
  std::optional<std::uint32_t> tag(const NetworkConfig& mine, std::uint32_t id) const;
  std::vector<const HeldCapability*> capabilities(const NetworkConfig& mine) const;
  bool owns(const NetworkConfig& mine, const InetAddress& ip) const;
  bool owns(const NetworkConfig& mine, MacAddress mac) const;
  // Forgets credentials that no longer count.
  void clean(const NetworkConfig& mine);

  const CertificateOfMembership& com() const { return com_; }
  std::int64_t com_revocation_threshold() const { return com_revocation_threshold_; }

  // When our credentials last went to this peer (kNever if never).
  std::int64_t last_pushed_credentials() const { return last_pushed_; }
  void pushed_credentials(std::int64_t now) { last_pushed_ = now; }
  // True (and restarts the period) when our groups are due to this peer.
  bool multicast_like_gate(std::int64_t now);
  // Last time the membership was of use; idle ones are purged.
  std::int64_t last_used() const { return last_used_; }
  void touch(std::int64_t now) { last_used_ = now; }

 private:
  template <class C>
  bool timestamp_valid(const NetworkConfig& mine, const C& cred, CredentialType type) const;
  std::optional<std::int64_t> threshold(CredentialType type, std::uint32_t id) const;

  // identity_public_key_hash of the peer, for allowed() on every frame; kept
  // with the identity it was computed for.
  struct IdentityHash {
    Address address;
    crypto::C25519Public public_key{};
    std::array<std::uint8_t, 48> hash{};
  };
  const std::array<std::uint8_t, 48>& identity_hash(const Identity& peer) const;

  CertificateOfMembership com_;
  mutable std::optional<IdentityHash> identity_hash_;
  std::int64_t com_revocation_threshold_ = 0;
  std::map<std::uint32_t, Tag> tags_;
  std::map<std::uint32_t, HeldCapability> capabilities_;
  std::map<std::uint32_t, CertificateOfOwnership> coos_;
  std::map<std::uint64_t, std::int64_t> revocations_;  // (type << 32 | id) -> threshold
  std::int64_t last_pushed_ = kNever;
  std::int64_t last_like_ = kNever;
  std::int64_t last_used_ = kNever;
};

}  // namespace zt
