#pragma once
// VL2 rules (vl2.md §10.1): the typed form of one rule and the binary rule
// table carried in a network config (`R`) and in capabilities. Each rule is
// `[1] t [1] L [L] value`; t = type (low 6 bits) | 0x40 OR | 0x80 NOT.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "proto/address.hpp"
#include "proto/byte_io.hpp"
#include "proto/hex.hpp"
#include "proto/mac_address.hpp"

namespace zt {

// Rule types as upstream numbers them; 0..15 are actions, the rest matches.
namespace rule_type {
inline constexpr std::uint8_t kActionDrop = 0;
inline constexpr std::uint8_t kActionAccept = 1;
inline constexpr std::uint8_t kActionTee = 2;
inline constexpr std::uint8_t kActionWatch = 3;
inline constexpr std::uint8_t kActionRedirect = 4;
inline constexpr std::uint8_t kActionBreak = 5;
inline constexpr std::uint8_t kActionPriority = 6;
inline constexpr std::uint8_t kActionMax = 15;  // 7..15 are reserved no-op actions
inline constexpr std::uint8_t kMatchSourceZeroTierAddress = 24;
inline constexpr std::uint8_t kMatchDestZeroTierAddress = 25;
inline constexpr std::uint8_t kMatchVlanId = 26;
inline constexpr std::uint8_t kMatchVlanPcp = 27;
inline constexpr std::uint8_t kMatchVlanDei = 28;
inline constexpr std::uint8_t kMatchMacSource = 29;
inline constexpr std::uint8_t kMatchMacDest = 30;
inline constexpr std::uint8_t kMatchIpv4Source = 31;
inline constexpr std::uint8_t kMatchIpv4Dest = 32;
inline constexpr std::uint8_t kMatchIpv6Source = 33;
inline constexpr std::uint8_t kMatchIpv6Dest = 34;
inline constexpr std::uint8_t kMatchIpTos = 35;
inline constexpr std::uint8_t kMatchIpProtocol = 36;
inline constexpr std::uint8_t kMatchEtherType = 37;
inline constexpr std::uint8_t kMatchIcmp = 38;
inline constexpr std::uint8_t kMatchIpSourcePortRange = 39;
inline constexpr std::uint8_t kMatchIpDestPortRange = 40;
inline constexpr std::uint8_t kMatchCharacteristics = 41;
inline constexpr std::uint8_t kMatchFrameSizeRange = 42;
inline constexpr std::uint8_t kMatchRandom = 43;
inline constexpr std::uint8_t kMatchTagsDifference = 44;
inline constexpr std::uint8_t kMatchTagsBitwiseAnd = 45;
inline constexpr std::uint8_t kMatchTagsBitwiseOr = 46;
inline constexpr std::uint8_t kMatchTagsBitwiseXor = 47;
inline constexpr std::uint8_t kMatchTagsEqual = 48;
inline constexpr std::uint8_t kMatchTagSender = 49;
inline constexpr std::uint8_t kMatchTagReceiver = 50;
inline constexpr std::uint8_t kMatchIntegerRange = 51;
inline constexpr std::uint8_t kMax = 63;  // t keeps 6 bits for the type
}  // namespace rule_type

// MATCH_CHARACTERISTICS bits (vl2.md §10.1); the low 12 bits are TCP flags.
namespace rule_characteristic {
inline constexpr std::uint64_t kInbound = 0x8000000000000000ULL;
inline constexpr std::uint64_t kMulticast = 0x4000000000000000ULL;
inline constexpr std::uint64_t kBroadcast = 0x2000000000000000ULL;
inline constexpr std::uint64_t kSenderIpAuthenticated = 0x1000000000000000ULL;
inline constexpr std::uint64_t kSenderMacAuthenticated = 0x0800000000000000ULL;
inline constexpr std::uint64_t kTcpFin = 0x001;
inline constexpr std::uint64_t kTcpSyn = 0x002;
inline constexpr std::uint64_t kTcpRst = 0x004;
inline constexpr std::uint64_t kTcpPsh = 0x008;
inline constexpr std::uint64_t kTcpAck = 0x010;
inline constexpr std::uint64_t kTcpUrg = 0x020;
inline constexpr std::uint64_t kTcpEce = 0x040;
inline constexpr std::uint64_t kTcpCwr = 0x080;
inline constexpr std::uint64_t kTcpNs = 0x100;
}  // namespace rule_characteristic

// One value layout per family of rule types. Which one a type uses is fixed
// (rule_value_for); a parsed rule always holds the right one.
struct RuleForward {  // TEE, WATCH, REDIRECT
  std::uint64_t address = 0;  // all 8 wire bytes kept; only the low 40 bits are an address
  std::uint32_t flags = 0;
  std::uint16_t length = 0;  // 0 = whole frame; unused by REDIRECT
  Address target() const { return Address(address); }
  friend bool operator==(const RuleForward&, const RuleForward&) = default;
};
struct RuleZeroTierAddress {
  Address address;
  friend bool operator==(const RuleZeroTierAddress&, const RuleZeroTierAddress&) = default;
};
struct RuleVlanId {
  std::uint16_t id = 0;
  friend bool operator==(const RuleVlanId&, const RuleVlanId&) = default;
};
struct RuleVlanPcp {
  std::uint8_t pcp = 0;
  friend bool operator==(const RuleVlanPcp&, const RuleVlanPcp&) = default;
};
struct RuleVlanDei {
  std::uint8_t dei = 0;
  friend bool operator==(const RuleVlanDei&, const RuleVlanDei&) = default;
};
struct RuleMac {
  MacAddress mac;
  friend bool operator==(const RuleMac&, const RuleMac&) = default;
};
struct RuleIpv4 {
  std::array<std::uint8_t, 4> ip{};  // network order
  std::uint8_t bits = 0;             // prefix length
  friend bool operator==(const RuleIpv4&, const RuleIpv4&) = default;
};
struct RuleIpv6 {
  std::array<std::uint8_t, 16> ip{};
  std::uint8_t bits = 0;
  friend bool operator==(const RuleIpv6&, const RuleIpv6&) = default;
};
struct RuleIpTos {
  std::uint8_t mask = 0, start = 0, end = 0;
  friend bool operator==(const RuleIpTos&, const RuleIpTos&) = default;
};
struct RuleIpProtocol {
  std::uint8_t protocol = 0;
  friend bool operator==(const RuleIpProtocol&, const RuleIpProtocol&) = default;
};
struct RuleEtherType {
  std::uint16_t ether_type = 0;
  friend bool operator==(const RuleEtherType&, const RuleEtherType&) = default;
};
struct RuleIcmp {
  static constexpr std::uint8_t kMatchCode = 0x01;  // flags bit: compare the code too
  std::uint8_t type = 0, code = 0, flags = 0;
  bool matches_code() const { return (flags & kMatchCode) != 0; }
  friend bool operator==(const RuleIcmp&, const RuleIcmp&) = default;
};
struct RuleRange {  // port ranges and frame size range, inclusive
  std::uint16_t start = 0, end = 0;
  friend bool operator==(const RuleRange&, const RuleRange&) = default;
};
struct RuleCharacteristics {
  std::uint64_t mask = 0;
  friend bool operator==(const RuleCharacteristics&, const RuleCharacteristics&) = default;
};
struct RuleRandom {
  std::uint32_t probability = 0;  // 0 = almost never, 0xffffffff = always
  friend bool operator==(const RuleRandom&, const RuleRandom&) = default;
};
struct RuleTag {
  std::uint32_t id = 0, value = 0;
  friend bool operator==(const RuleTag&, const RuleTag&) = default;
};
struct RuleIntegerRange {
  static constexpr std::uint8_t kLittleEndian = 0x80;
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // absolute, as on the wire
  std::uint16_t index = 0;
  std::uint8_t format = 0;  // (bits - 1) in the low 6 bits, 0x80 little endian
  unsigned bits() const { return (format & 63u) + 1; }
  bool little_endian() const { return (format & kLittleEndian) != 0; }
  friend bool operator==(const RuleIntegerRange&, const RuleIntegerRange&) = default;
};

using RuleValue =
    std::variant<std::monostate, RuleForward, RuleZeroTierAddress, RuleVlanId, RuleVlanPcp,
                 RuleVlanDei, RuleMac, RuleIpv4, RuleIpv6, RuleIpTos, RuleIpProtocol, RuleEtherType,
                 RuleIcmp, RuleRange, RuleCharacteristics, RuleRandom, RuleTag, RuleIntegerRange>;

struct Rule {
  static constexpr std::uint8_t kNotBit = 0x80;
  static constexpr std::uint8_t kOrBit = 0x40;

  std::uint8_t type = rule_type::kActionDrop;  // 0..63
  bool negate = false;     // NOT: invert this match's result
  bool or_previous = false;  // OR: combine with the set so far by OR instead of AND
  RuleValue value;
  // Value bytes past the layout we know (all of them for unassigned types,
  // reserved actions and PRIORITY), kept so a rule re-serializes as received.
  Bytes extra;

  std::uint8_t t() const {
    return static_cast<std::uint8_t>((type & 0x3f) | (negate ? kNotBit : 0) | (or_previous ? kOrBit : 0));
  }
  bool is_action() const { return type <= rule_type::kActionMax; }
  // The value holds the alternative the type calls for.
  bool well_formed() const;

  // Builders for the common cases (value set to the type's layout).
  static Rule action(std::uint8_t type);
  static Rule make(std::uint8_t type, RuleValue value, bool negate = false, bool or_previous = false);

  friend bool operator==(const Rule&, const Rule&) = default;
};

// The empty value of the right alternative for `type` (monostate for types
// with no known layout).
RuleValue rule_value_for(std::uint8_t type);
// Bytes of the known value layout of `type` (0 for types without one).
std::size_t rule_value_size(std::uint8_t type);

// Upstream's maximum number of rules in a network config or capability.
inline constexpr std::size_t kMaxRules = 1024;

// A whole table (the concatenation of rules). Nullopt on a truncated rule,
// a known type whose L is shorter than its layout (upstream would read the
// next rule's bytes as its value; no writer produces it), or more than
// kMaxRules rules. Unknown types are skipped by L and kept.
std::optional<std::vector<Rule>> parse_rules(std::span<const std::uint8_t> bytes);
// Exactly `count` rules from `r` (a capability carries its count in front).
std::optional<std::vector<Rule>> read_rules(ByteReader& r, std::size_t count);

void write_rule(ByteWriter& w, const Rule& rule);
void write_rules(ByteWriter& w, std::span<const Rule> rules);
Bytes write_rules(std::span<const Rule> rules);

// The table a network without rules uses: a single ACCEPT (`01 00`).
std::vector<Rule> default_rules();

// The 14 rules of a port-range ad-hoc network (vl2.md §1.1 (a)): IPv6 only;
// ICMPv6; UDP/TCP to destination ports [start, end]; anything without a TCP
// SYN (replies, but also UDP elsewhere, as upstream); SYN+ACK; drop the rest.
std::vector<Rule> adhoc_port_range_rules(std::uint16_t start, std::uint16_t end);

}  // namespace zt
