#include "controller/rule_json.hpp"

#include <arpa/inet.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "controller/json_fields.hpp"
#include "proto/hex.hpp"

namespace zt::controller {
namespace {

using namespace rule_type;

constexpr std::pair<std::uint8_t, const char*> kTypeNames[] = {
    {kActionDrop, "ACTION_DROP"},
    {kActionAccept, "ACTION_ACCEPT"},
    {kActionTee, "ACTION_TEE"},
    {kActionWatch, "ACTION_WATCH"},
    {kActionRedirect, "ACTION_REDIRECT"},
    {kActionBreak, "ACTION_BREAK"},
    {kMatchSourceZeroTierAddress, "MATCH_SOURCE_ZEROTIER_ADDRESS"},
    {kMatchDestZeroTierAddress, "MATCH_DEST_ZEROTIER_ADDRESS"},
    {kMatchVlanId, "MATCH_VLAN_ID"},
    {kMatchVlanPcp, "MATCH_VLAN_PCP"},
    {kMatchVlanDei, "MATCH_VLAN_DEI"},
    {kMatchMacSource, "MATCH_MAC_SOURCE"},
    {kMatchMacDest, "MATCH_MAC_DEST"},
    {kMatchIpv4Source, "MATCH_IPV4_SOURCE"},
    {kMatchIpv4Dest, "MATCH_IPV4_DEST"},
    {kMatchIpv6Source, "MATCH_IPV6_SOURCE"},
    {kMatchIpv6Dest, "MATCH_IPV6_DEST"},
    {kMatchIpTos, "MATCH_IP_TOS"},
    {kMatchIpProtocol, "MATCH_IP_PROTOCOL"},
    {kMatchEtherType, "MATCH_ETHERTYPE"},
    {kMatchIcmp, "MATCH_ICMP"},
    {kMatchIpSourcePortRange, "MATCH_IP_SOURCE_PORT_RANGE"},
    {kMatchIpDestPortRange, "MATCH_IP_DEST_PORT_RANGE"},
    {kMatchCharacteristics, "MATCH_CHARACTERISTICS"},
    {kMatchFrameSizeRange, "MATCH_FRAME_SIZE_RANGE"},
    {kMatchRandom, "MATCH_RANDOM"},
    {kMatchTagsDifference, "MATCH_TAGS_DIFFERENCE"},
    {kMatchTagsBitwiseAnd, "MATCH_TAGS_BITWISE_AND"},
    {kMatchTagsBitwiseOr, "MATCH_TAGS_BITWISE_OR"},
    {kMatchTagsBitwiseXor, "MATCH_TAGS_BITWISE_XOR"},
    {kMatchTagsEqual, "MATCH_TAGS_EQUAL"},
    {kMatchTagSender, "MATCH_TAG_SENDER"},
    {kMatchTagReceiver, "MATCH_TAG_RECEIVER"},
    {kMatchIntegerRange, "INTEGER_RANGE"},  // upstream's name lacks the MATCH_ prefix
};

const char* type_name(std::uint8_t type) {
  for (const auto& [t, name] : kTypeNames)
    if (t == type) return name;
  return nullptr;
}

std::optional<std::uint8_t> type_from_name(const std::string& name) {
  for (const auto& [t, n] : kTypeNames)
    if (name == n) return t;
  return std::nullopt;
}

std::uint64_t json_address(const json& v) { return hex_u64(json_string(v, "0")) & 0xffffffffffULL; }

int hex_nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;  // upstream reads junk as 0
}

// ':' and '-' removed, then pairs of hex digits; missing bytes stay zero.
MacAddress json_mac(const json& v) {
  std::string text;
  for (char c : json_string(v, "0"))
    if (c != ':' && c != '-') text.push_back(c);
  std::uint8_t mac[6] = {};
  for (std::size_t i = 0; i < 6 && 2 * i + 1 < text.size(); ++i) {
    if (text[2 * i] == '\0' || text[2 * i + 1] == '\0') break;
    mac[i] = static_cast<std::uint8_t>((hex_nibble(text[2 * i]) << 4) | hex_nibble(text[2 * i + 1]));
  }
  return MacAddress::from_bytes(mac);
}

// Upstream's InetAddress text form "ip/bits": ':' makes it IPv6, '.' IPv4;
// an address of the other family reads as zeros with its bits kept, text it
// cannot read as all zeros.
template <typename V>
V json_network(const json& v, const char* fallback, int family, std::uint8_t max_bits) {
  V out;
  std::string text = json_string(v, fallback);
  if (text.size() >= 64) return out;
  std::string host = text;
  unsigned long bits = 0;
  if (auto slash = text.find('/'); slash != std::string::npos) {
    host = text.substr(0, slash);
    bits = std::strtoul(text.c_str() + slash + 1, nullptr, 10) & 0xffff;
  }
  const bool v6 = host.find(':') != std::string::npos;
  if (!v6 && host.find('.') == std::string::npos) return out;
  std::array<std::uint8_t, 16> ip{};
  inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), ip.data());
  if ((family == AF_INET6) == v6) std::memcpy(out.ip.data(), ip.data(), out.ip.size());
  out.bits = static_cast<std::uint8_t>(std::min<unsigned long>(bits & 0xff, max_bits));
  return out;
}

template <typename V>
std::string network_text(const V& v) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v.ip.size() == 4 ? AF_INET : AF_INET6, v.ip.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(v.bits);
}

// Fills the JSON fields of a match rule; false for a type without a form.
bool render_match(const Rule& rule, json& r) {
  const RuleValue& value = rule.value;
  if (auto* v = std::get_if<RuleZeroTierAddress>(&value)) {
    r["zt"] = v->address.to_string();
  } else if (auto* v = std::get_if<RuleVlanId>(&value)) {
    r["vlanId"] = unsigned{v->id};
  } else if (auto* v = std::get_if<RuleVlanPcp>(&value)) {
    r["vlanPcp"] = unsigned{v->pcp};
  } else if (auto* v = std::get_if<RuleVlanDei>(&value)) {
    r["vlanDei"] = unsigned{v->dei};
  } else if (auto* v = std::get_if<RuleMac>(&value)) {
    r["mac"] = v->mac.to_string();
  } else if (auto* v = std::get_if<RuleIpv4>(&value)) {
    r["ip"] = network_text(*v);
  } else if (auto* v = std::get_if<RuleIpv6>(&value)) {
    r["ip"] = network_text(*v);
  } else if (auto* v = std::get_if<RuleIpTos>(&value)) {
    r["mask"] = unsigned{v->mask};
    r["start"] = unsigned{v->start};
    r["end"] = unsigned{v->end};
  } else if (auto* v = std::get_if<RuleIpProtocol>(&value)) {
    r["ipProtocol"] = unsigned{v->protocol};
  } else if (auto* v = std::get_if<RuleEtherType>(&value)) {
    r["etherType"] = unsigned{v->ether_type};
  } else if (auto* v = std::get_if<RuleIcmp>(&value)) {
    r["icmpType"] = unsigned{v->type};
    r["icmpCode"] = v->matches_code() ? json(unsigned{v->code}) : json(nullptr);
  } else if (auto* v = std::get_if<RuleRange>(&value)) {
    r["start"] = unsigned{v->start};
    r["end"] = unsigned{v->end};
  } else if (auto* v = std::get_if<RuleCharacteristics>(&value)) {
    r["mask"] = to_hex_u64(v->mask, 16);
  } else if (auto* v = std::get_if<RuleRandom>(&value)) {
    r["probability"] = std::uint64_t{v->probability};
  } else if (auto* v = std::get_if<RuleTag>(&value)) {
    r["id"] = v->id;
    r["value"] = v->value;
  } else if (auto* v = std::get_if<RuleIntegerRange>(&value)) {
    // Upstream holds the end as a 32-bit offset from start.
    const std::uint64_t end = v->start + static_cast<std::uint32_t>(v->end - v->start);
    r["start"] = to_hex_u64(v->start, 16);
    r["end"] = to_hex_u64(end, 16);
    r["idx"] = unsigned{v->index};
    r["little"] = v->little_endian();
    r["bits"] = v->bits();
  } else {
    return false;
  }
  return true;
}

RuleValue parse_value(std::uint8_t type, const json& r, bool& ok) {
  RuleValue value = rule_value_for(type);
  auto u = [&r](const char* key, std::uint64_t fallback = 0) { return json_uint(field(r, key), fallback); };
  if (auto* v = std::get_if<RuleForward>(&value)) {
    v->address = json_address(field(r, "address"));
    v->flags = static_cast<std::uint32_t>(u("flags"));
    if (type != kActionRedirect) v->length = static_cast<std::uint16_t>(u("length"));
  } else if (auto* v = std::get_if<RuleZeroTierAddress>(&value)) {
    v->address = Address(json_address(field(r, "zt")));
  } else if (auto* v = std::get_if<RuleVlanId>(&value)) {
    v->id = static_cast<std::uint16_t>(u("vlanId"));
  } else if (auto* v = std::get_if<RuleVlanPcp>(&value)) {
    v->pcp = static_cast<std::uint8_t>(u("vlanPcp"));
  } else if (auto* v = std::get_if<RuleVlanDei>(&value)) {
    v->dei = static_cast<std::uint8_t>(u("vlanDei"));
  } else if (auto* v = std::get_if<RuleMac>(&value)) {
    v->mac = json_mac(field(r, "mac"));
  } else if (std::holds_alternative<RuleIpv4>(value)) {
    value = json_network<RuleIpv4>(field(r, "ip"), "0.0.0.0", AF_INET, 32);
  } else if (std::holds_alternative<RuleIpv6>(value)) {
    value = json_network<RuleIpv6>(field(r, "ip"), "::0", AF_INET6, 128);
  } else if (auto* v = std::get_if<RuleIpTos>(&value)) {
    v->mask = static_cast<std::uint8_t>(u("mask"));
    v->start = static_cast<std::uint8_t>(u("start"));
    v->end = static_cast<std::uint8_t>(u("end"));
  } else if (auto* v = std::get_if<RuleIpProtocol>(&value)) {
    v->protocol = static_cast<std::uint8_t>(u("ipProtocol"));
  } else if (auto* v = std::get_if<RuleEtherType>(&value)) {
    v->ether_type = static_cast<std::uint16_t>(u("etherType"));
  } else if (auto* v = std::get_if<RuleIcmp>(&value)) {
    v->type = static_cast<std::uint8_t>(u("icmpType"));
    if (!field(r, "icmpCode").is_null()) {
      v->code = static_cast<std::uint8_t>(u("icmpCode"));
      v->flags = RuleIcmp::kMatchCode;
    }
  } else if (auto* v = std::get_if<RuleRange>(&value)) {
    v->start = static_cast<std::uint16_t>(u("start"));
    v->end = static_cast<std::uint16_t>(u("end", v->start));
  } else if (auto* v = std::get_if<RuleCharacteristics>(&value)) {
    if (r.contains("mask")) {
      const json& mask = r["mask"];
      if (mask.is_number()) v->mask = json_uint(mask, 0);
      else if (mask.is_string()) v->mask = hex_u64(mask.get<std::string>());
      else ok = false;
    }
  } else if (auto* v = std::get_if<RuleRandom>(&value)) {
    v->probability = static_cast<std::uint32_t>(u("probability"));
  } else if (auto* v = std::get_if<RuleTag>(&value)) {
    v->id = static_cast<std::uint32_t>(u("id"));
    v->value = static_cast<std::uint32_t>(u("value"));
  }
  return value;
}

}  // namespace

std::optional<json> rule_to_json(const Rule& rule) {
  const char* name = type_name(rule.type);
  if (!name || !rule.well_formed()) return std::nullopt;
  json r = json::object();
  r["type"] = name;
  if (const auto* fwd = std::get_if<RuleForward>(&rule.value)) {
    r["address"] = fwd->target().to_string();
    r["flags"] = fwd->flags;
    if (rule.type != kActionRedirect) r["length"] = unsigned{fwd->length};
    return r;
  }
  if (rule.is_action()) return r;
  if (!render_match(rule, r)) return std::nullopt;
  r["not"] = rule.negate;
  r["or"] = rule.or_previous;
  return r;
}

std::optional<Rule> rule_from_json(const json& object) {
  if (!object.is_object()) return std::nullopt;
  const auto type = type_from_name(json_string(field(object, "type"), ""));
  // INTEGER_RANGE: upstream renders it but its parser never sets the type.
  if (!type || *type == kMatchIntegerRange) return std::nullopt;
  bool ok = true;
  Rule rule = Rule::make(*type, parse_value(*type, object, ok), json_bool(field(object, "not"), false),
                         json_bool(field(object, "or"), false));
  if (!ok) return std::nullopt;
  return rule;
}

json rules_to_json(std::span<const Rule> rules) {
  json out = json::array();
  for (const Rule& rule : rules)
    if (auto j = rule_to_json(rule)) out.push_back(std::move(*j));
  return out;
}

std::vector<Rule> rules_from_json(const json& array, std::size_t max) {
  std::vector<Rule> out;
  if (!array.is_array()) return out;
  for (const json& entry : array) {
    if (out.size() >= max) break;
    if (auto rule = rule_from_json(entry)) out.push_back(std::move(*rule));
  }
  return out;
}

std::optional<json> normalize_rules_json(const json& array) {
  if (!array.is_array()) return std::nullopt;
  json out = json::array();
  for (const json& entry : array) {
    auto rule = rule_from_json(entry);
    if (!rule) continue;
    if (auto rendered = rule_to_json(*rule)) out.push_back(std::move(*rendered));
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

}  // namespace zt::controller
