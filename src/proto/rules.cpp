#include "proto/rules.hpp"

#include <algorithm>
#include <type_traits>

namespace zt {
namespace {

using namespace rule_type;

// The value layouts, in wire order (vl2.md §10.1).
void write_value(ByteWriter& w, const RuleValue& value) {
  std::visit(
      [&w](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, RuleForward>) {
          w.u64(v.address);
          w.u32(v.flags);
          w.u16(v.length);
        } else if constexpr (std::is_same_v<V, RuleZeroTierAddress>) {
          w.u40(v.address.value());
        } else if constexpr (std::is_same_v<V, RuleVlanId>) {
          w.u16(v.id);
        } else if constexpr (std::is_same_v<V, RuleVlanPcp>) {
          w.u8(v.pcp);
        } else if constexpr (std::is_same_v<V, RuleVlanDei>) {
          w.u8(v.dei);
        } else if constexpr (std::is_same_v<V, RuleMac>) {
          v.mac.write(w);
        } else if constexpr (std::is_same_v<V, RuleIpv4> || std::is_same_v<V, RuleIpv6>) {
          w.bytes(v.ip);
          w.u8(v.bits);
        } else if constexpr (std::is_same_v<V, RuleIpTos>) {
          w.u8(v.mask);
          w.u8(v.start);
          w.u8(v.end);
        } else if constexpr (std::is_same_v<V, RuleIpProtocol>) {
          w.u8(v.protocol);
        } else if constexpr (std::is_same_v<V, RuleEtherType>) {
          w.u16(v.ether_type);
        } else if constexpr (std::is_same_v<V, RuleIcmp>) {
          w.u8(v.type);
          w.u8(v.code);
          w.u8(v.flags);
        } else if constexpr (std::is_same_v<V, RuleRange>) {
          w.u16(v.start);
          w.u16(v.end);
        } else if constexpr (std::is_same_v<V, RuleCharacteristics>) {
          w.u64(v.mask);
        } else if constexpr (std::is_same_v<V, RuleRandom>) {
          w.u32(v.probability);
        } else if constexpr (std::is_same_v<V, RuleTag>) {
          w.u32(v.id);
          w.u32(v.value);
        } else if constexpr (std::is_same_v<V, RuleIntegerRange>) {
          w.u64(v.start);
          w.u64(v.end);
          w.u16(v.index);
          w.u8(v.format);
        }
      },
      value);
}

// Bytes write_value emits for each alternative.
std::size_t value_size(const RuleValue& value) {
  return std::visit(
      [](const auto& v) -> std::size_t {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, RuleForward>) return 14;
        else if constexpr (std::is_same_v<V, RuleZeroTierAddress>) return 5;
        else if constexpr (std::is_same_v<V, RuleVlanId>) return 2;
        else if constexpr (std::is_same_v<V, RuleVlanPcp> || std::is_same_v<V, RuleVlanDei>) return 1;
        else if constexpr (std::is_same_v<V, RuleMac>) return 6;
        else if constexpr (std::is_same_v<V, RuleIpv4>) return 5;
        else if constexpr (std::is_same_v<V, RuleIpv6>) return 17;
        else if constexpr (std::is_same_v<V, RuleIpTos> || std::is_same_v<V, RuleIcmp>) return 3;
        else if constexpr (std::is_same_v<V, RuleIpProtocol>) return 1;
        else if constexpr (std::is_same_v<V, RuleEtherType>) return 2;
        else if constexpr (std::is_same_v<V, RuleRange> || std::is_same_v<V, RuleRandom>) return 4;
        else if constexpr (std::is_same_v<V, RuleCharacteristics> || std::is_same_v<V, RuleTag>) return 8;
        else if constexpr (std::is_same_v<V, RuleIntegerRange>) return 19;
        else return 0;
      },
      value);
}

// Fills `value` (already the right alternative) from exactly its layout's bytes.
void read_value(ByteReader& r, RuleValue& value) {
  std::visit(
      [&r](auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, RuleForward>) {
          v.address = r.u64();
          v.flags = r.u32();
          v.length = r.u16();
        } else if constexpr (std::is_same_v<V, RuleZeroTierAddress>) {
          v.address = Address(r.u40());
        } else if constexpr (std::is_same_v<V, RuleVlanId>) {
          v.id = r.u16();
        } else if constexpr (std::is_same_v<V, RuleVlanPcp>) {
          v.pcp = r.u8();
        } else if constexpr (std::is_same_v<V, RuleVlanDei>) {
          v.dei = r.u8();
        } else if constexpr (std::is_same_v<V, RuleMac>) {
          v.mac = MacAddress::read(r);
        } else if constexpr (std::is_same_v<V, RuleIpv4> || std::is_same_v<V, RuleIpv6>) {
          r.copy(v.ip.data(), v.ip.size());
          v.bits = r.u8();
        } else if constexpr (std::is_same_v<V, RuleIpTos>) {
          v.mask = r.u8();
          v.start = r.u8();
          v.end = r.u8();
        } else if constexpr (std::is_same_v<V, RuleIpProtocol>) {
          v.protocol = r.u8();
        } else if constexpr (std::is_same_v<V, RuleEtherType>) {
          v.ether_type = r.u16();
        } else if constexpr (std::is_same_v<V, RuleIcmp>) {
          v.type = r.u8();
          v.code = r.u8();
          v.flags = r.u8();
        } else if constexpr (std::is_same_v<V, RuleRange>) {
          v.start = r.u16();
          v.end = r.u16();
        } else if constexpr (std::is_same_v<V, RuleCharacteristics>) {
          v.mask = r.u64();
        } else if constexpr (std::is_same_v<V, RuleRandom>) {
          v.probability = r.u32();
        } else if constexpr (std::is_same_v<V, RuleTag>) {
          v.id = r.u32();
          v.value = r.u32();
        } else if constexpr (std::is_same_v<V, RuleIntegerRange>) {
          v.start = r.u64();
          v.end = r.u64();
          v.index = r.u16();
          v.format = r.u8();
        }
      },
      value);
}

std::optional<Rule> read_rule(ByteReader& r) {
  const std::uint8_t t = r.u8();
  const std::uint8_t length = r.u8();
  auto body = r.take(length);
  if (!r.ok()) return std::nullopt;

  Rule rule;
  rule.type = t & 0x3f;
  rule.negate = (t & Rule::kNotBit) != 0;
  rule.or_previous = (t & Rule::kOrBit) != 0;
  rule.value = rule_value_for(rule.type);
  const std::size_t known = rule_value_size(rule.type);
  if (length < known) return std::nullopt;
  ByteReader value_reader(body.first(known));
  read_value(value_reader, rule.value);
  rule.extra.assign(body.begin() + static_cast<std::ptrdiff_t>(known), body.end());
  return rule;
}

}  // namespace

RuleValue rule_value_for(std::uint8_t type) {
  switch (type) {
    case kActionTee:
    case kActionWatch:
    case kActionRedirect:
      return RuleForward{};
    case kMatchSourceZeroTierAddress:
    case kMatchDestZeroTierAddress:
      return RuleZeroTierAddress{};
    case kMatchVlanId:
      return RuleVlanId{};
    case kMatchVlanPcp:
      return RuleVlanPcp{};
    case kMatchVlanDei:
      return RuleVlanDei{};
    case kMatchMacSource:
    case kMatchMacDest:
      return RuleMac{};
    case kMatchIpv4Source:
    case kMatchIpv4Dest:
      return RuleIpv4{};
    case kMatchIpv6Source:
    case kMatchIpv6Dest:
      return RuleIpv6{};
    case kMatchIpTos:
      return RuleIpTos{};
    case kMatchIpProtocol:
      return RuleIpProtocol{};
    case kMatchEtherType:
      return RuleEtherType{};
    case kMatchIcmp:
      return RuleIcmp{};
    case kMatchIpSourcePortRange:
    case kMatchIpDestPortRange:
    case kMatchFrameSizeRange:
      return RuleRange{};
    case kMatchCharacteristics:
      return RuleCharacteristics{};
    case kMatchRandom:
      return RuleRandom{};
    case kMatchTagsDifference:
    case kMatchTagsBitwiseAnd:
    case kMatchTagsBitwiseOr:
    case kMatchTagsBitwiseXor:
    case kMatchTagsEqual:
    case kMatchTagSender:
    case kMatchTagReceiver:
      return RuleTag{};
    case kMatchIntegerRange:
      return RuleIntegerRange{};
    default:
      // DROP, ACCEPT, BREAK; PRIORITY (its bucket is never serialized);
      // reserved actions and unassigned types.
      return std::monostate{};
  }
}

std::size_t rule_value_size(std::uint8_t type) { return value_size(rule_value_for(type)); }

bool Rule::well_formed() const {
  return type <= rule_type::kMax && value.index() == rule_value_for(type).index() &&
         value_size(value) + extra.size() <= 0xff;
}

Rule Rule::action(std::uint8_t type) { return make(type, rule_value_for(type)); }

Rule Rule::make(std::uint8_t type, RuleValue value, bool negate, bool or_previous) {
  Rule rule;
  rule.type = type & 0x3f;
  rule.negate = negate;
  rule.or_previous = or_previous;
  rule.value = std::move(value);
  return rule;
}

std::optional<std::vector<Rule>> read_rules(ByteReader& r, std::size_t count) {
  if (count > kMaxRules) return std::nullopt;
  std::vector<Rule> rules;
  rules.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    auto rule = read_rule(r);
    if (!rule) return std::nullopt;
    rules.push_back(std::move(*rule));
  }
  return rules;
}

std::optional<std::vector<Rule>> parse_rules(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  std::vector<Rule> rules;
  while (!r.at_end()) {
    if (rules.size() == kMaxRules) return std::nullopt;
    auto rule = read_rule(r);
    if (!rule) return std::nullopt;
    rules.push_back(std::move(*rule));
  }
  return rules;
}

void write_rule(ByteWriter& w, const Rule& rule) {
  const std::size_t known = value_size(rule.value);
  // L is one byte: a hand-built rule with too much extra is cut to fit.
  const std::size_t extra = std::min(rule.extra.size(), std::size_t{0xff} - std::min(known, std::size_t{0xff}));
  w.u8(rule.t());
  w.u8(static_cast<std::uint8_t>(known + extra));
  write_value(w, rule.value);
  w.bytes(std::span(rule.extra).first(extra));
}

void write_rules(ByteWriter& w, std::span<const Rule> rules) {
  for (const Rule& rule : rules) write_rule(w, rule);
}

Bytes write_rules(std::span<const Rule> rules) {
  Bytes out;
  ByteWriter w(out);
  write_rules(w, rules);
  return out;
}

std::vector<Rule> default_rules() { return {Rule::action(kActionAccept)}; }

std::vector<Rule> adhoc_port_range_rules(std::uint16_t start, std::uint16_t end) {
  constexpr bool kNot = true;
  constexpr bool kOr = true;
  return {
      Rule::make(kMatchEtherType, RuleEtherType{0x86dd}, kNot),
      Rule::action(kActionDrop),
      Rule::make(kMatchIpProtocol, RuleIpProtocol{0x3a}),  // ICMPv6
      Rule::action(kActionAccept),
      Rule::make(kMatchIpProtocol, RuleIpProtocol{0x11}),  // UDP
      Rule::make(kMatchIpProtocol, RuleIpProtocol{0x06}, false, kOr),  // TCP
      Rule::make(kMatchIpDestPortRange, RuleRange{start, end}),
      Rule::action(kActionAccept),
      Rule::make(kMatchCharacteristics, RuleCharacteristics{rule_characteristic::kTcpSyn}, kNot),
      Rule::action(kActionAccept),
      Rule::make(kMatchCharacteristics, RuleCharacteristics{rule_characteristic::kTcpSyn}),
      Rule::make(kMatchCharacteristics, RuleCharacteristics{rule_characteristic::kTcpAck}),
      Rule::action(kActionAccept),
      Rule::action(kActionDrop),
  };
}

}  // namespace zt
