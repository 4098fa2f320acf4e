#pragma once
// One MATCH rule against one frame (vl2.md §10.2), with upstream 1.14.1's
// per-type logic; the table walk is in rule_filter.cpp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "node/rule_filter.hpp"

namespace zt {

// State the table walk shares with the matches.
struct RuleMatchState {
  bool super_accept = false;  // an earlier unmatched TEE/WATCH/REDIRECT set targets us (inbound)
  bool skip_drop = false;     // a lenient tag match asks the next DROP to be skipped
};

// The rule's result before its NOT bit is applied. Where a rule does not
// apply to the frame, upstream returns the value that, after NOT, means "no
// match" (hardNo), or in a few lenient cases "match" (hardYes).
bool rule_matches(const Rule& rule, const RuleFrame& frame, const RuleEnvironment& env,
                  RuleMatchState& state);

// The upper-layer protocol of an IPv6 packet past the hop-by-hop, routing,
// destination-options and mobility headers: its offset and number, or
// nullopt when the packet is shorter than its headers claim.
struct Ipv6Payload {
  std::size_t offset = 0;
  std::uint8_t protocol = 0;
};
std::optional<Ipv6Payload> ipv6_payload(std::span<const std::uint8_t> packet);

}  // namespace zt
