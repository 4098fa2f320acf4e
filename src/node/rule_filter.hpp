#pragma once
// The VL2 rules engine (vl2.md §10.2, §10.3): evaluates a rule table against
// one Ethernet frame exactly as upstream 1.14.1 does, and falls back to
// capabilities. Pure: what the network knows (tags, certificates of
// ownership, randomness) comes in through RuleFacts.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"
#include "proto/rules.hpp"

namespace zt {

enum class RuleResult : std::uint8_t { kNoMatch, kDrop, kRedirect, kAccept, kSuperAccept };

// One frame as the rules see it.
struct RuleFrame {
  Address source;  // ZeroTier sender
  Address dest;    // ZeroTier recipient
  MacAddress mac_source;
  MacAddress mac_dest;  // its group bit / all-ones make the multicast / broadcast characteristics
  std::uint16_t ether_type = 0;
  std::uint16_t vlan_id = 0;  // ZeroTier frames carry no VLAN tag: always 0
  std::span<const std::uint8_t> payload;  // after the Ethernet header
  bool inbound = false;
};

// What the network knows about the two ends. "Remote" is the other member:
// the sender of an inbound frame, the recipient of an outbound one.
class RuleFacts {
 public:
  virtual ~RuleFacts() = default;
  // Our own Tag `id` from the network config.
  virtual std::optional<std::uint32_t> local_tag(std::uint32_t id) const = 0;
  // The other member's Tag `id`, if it presented a valid one.
  virtual std::optional<std::uint32_t> remote_tag(std::uint32_t id) const = 0;
  // Whether a certificate of ownership proves the frame's sender owns `ip`
  // (inbound: the sender's COOs; outbound: the ones in our own config).
  virtual bool sender_owns_ip(const InetAddress& ip) const = 0;
  virtual bool sender_owns_mac(MacAddress mac) const = 0;
  // A fresh uniformly random 32-bit value for MATCH_RANDOM.
  virtual std::uint32_t random32() = 0;
};

// RuleFacts from plain data, for tests, tools and simple callers.
class SimpleRuleFacts final : public RuleFacts {
 public:
  std::map<std::uint32_t, std::uint32_t> local_tags;
  std::map<std::uint32_t, std::uint32_t> remote_tags;
  std::function<bool(const InetAddress&)> owns_ip;  // empty: owns nothing
  std::function<bool(MacAddress)> owns_mac;
  std::function<std::uint32_t()> random;  // empty: always 0

  std::optional<std::uint32_t> local_tag(std::uint32_t id) const override;
  std::optional<std::uint32_t> remote_tag(std::uint32_t id) const override;
  bool sender_owns_ip(const InetAddress& ip) const override { return owns_ip && owns_ip(ip); }
  bool sender_owns_mac(MacAddress mac) const override { return owns_mac && owns_mac(mac); }
  std::uint32_t random32() override { return random ? random() : 0; }
};

struct RuleEnvironment {
  Address self;
  // Network config flag 0x08: what a MATCH type we do not know evaluates to.
  bool unsupported_match_result = false;
  RuleFacts* facts = nullptr;  // null: no tags, nothing owned, random always 0
};

// A TEE/WATCH copy: send the first `length` payload bytes to `target` as an
// EXT_FRAME (flags from ext_frame_copy_flags).
struct RuleCopy {
  Address target;
  std::size_t length = 0;
  bool watch = false;
  friend bool operator==(const RuleCopy&, const RuleCopy&) = default;
};

struct RuleOutcome {
  RuleResult result = RuleResult::kNoMatch;
  Address redirect_to;           // the new destination with kRedirect
  std::optional<RuleCopy> copy;  // the last TEE/WATCH taken; upstream sends it only if accepted
};

// One table, §10.2. An empty table gives kNoMatch (the caller then drops).
RuleOutcome evaluate_rules(std::span<const Rule> rules, const RuleFrame& frame, const RuleEnvironment& env);

// What to do with the frame after the base table and capabilities (§10.3).
struct FilterDecision {
  bool accept = false;
  // Inbound only: we are a TEE/WATCH/REDIRECT target, so the receiver skips
  // its MAC/bridge checks.
  bool super_accept = false;
  // Accepted but redirected: send it to this member (EXT_FRAME, redirect
  // flags) instead of sending / delivering the original.
  std::optional<Address> redirect_to;
  // Copies to send when accepted: the accepting capability's, then the base table's.
  std::vector<RuleCopy> copies;
  int capability = -1;  // index of the capability that accepted, if any
};

// Upstream's fallback: only kNoMatch on the base table tries the
// capabilities in order (a base kDrop is final); the first capability that
// accepts or redirects wins; a capability's DROP only ends that capability.
FilterDecision apply_capabilities(const RuleOutcome& base, std::span<const std::vector<Rule>> capabilities,
                                  const RuleFrame& frame, const RuleEnvironment& env);
FilterDecision filter_frame(std::span<const Rule> rules, std::span<const std::vector<Rule>> capabilities,
                            const RuleFrame& frame, const RuleEnvironment& env);

// EXT_FRAME flags of rule-made copies (vl2.md §9.2).
std::uint8_t ext_frame_copy_flags(bool inbound, bool watch);
std::uint8_t ext_frame_redirect_flags(bool inbound);

}  // namespace zt
