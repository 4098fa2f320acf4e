#include "node/rule_match.hpp"

#include <variant>

namespace zt {
namespace {

using namespace rule_type;

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::size_t kIpv4HeaderMin = 20;
constexpr std::size_t kIpv6HeaderLength = 40;
constexpr std::uint8_t kProtoIcmp = 0x01;
constexpr std::uint8_t kProtoTcp = 0x06;
constexpr std::uint8_t kProtoIcmpv6 = 0x3a;

template <typename V>
const V* as(const Rule& rule) {
  return std::get_if<V>(&rule.value);
}

// Every frame view below bounds-checks through this.
struct Packet {
  std::span<const std::uint8_t> bytes;
  std::size_t size() const { return bytes.size(); }
  std::uint8_t at(std::size_t i) const { return bytes[i]; }
  bool ipv4(const RuleFrame& f) const { return f.ether_type == kEtherTypeIpv4 && size() >= kIpv4HeaderMin; }
  bool ipv6(const RuleFrame& f) const { return f.ether_type == kEtherTypeIpv6 && size() >= kIpv6HeaderLength; }
  // IPv4 header length from IHL, as upstream uses it (not validated).
  std::size_t ipv4_header_length() const { return 4u * (at(0) & 0x0fu); }
};

// Protocols whose header starts with 16-bit source and destination ports.
bool has_ports(std::uint8_t protocol) {
  return protocol == 0x06 || protocol == 0x11 || protocol == 0x84 /* SCTP */ || protocol == 0x88 /* UDPLite */;
}

// Upstream's InetAddress::containsAddress for a rule network. For IPv4 both
// sides are shifted by (32 - bits); for IPv6 the packet address is masked
// but the rule address is not, so a rule with host bits set never matches.
// Prefix lengths beyond the family come only from hostile configs; upstream
// shifts by a negative count there, which x86 takes modulo the word size.
bool ipv4_contains(const RuleIpv4& rule, const std::uint8_t* ip) {
  if (rule.bits == 0) return true;
  const unsigned shift = (32u - rule.bits) & 31u;
  const auto net = static_cast<std::uint32_t>(load_be(rule.ip.data(), 4));
  const auto addr = static_cast<std::uint32_t>(load_be(ip, 4));
  return (addr >> shift) == (net >> shift);
}

bool ipv6_contains(const RuleIpv6& rule, const std::uint8_t* ip) {
  std::uint64_t mask[2] = {0, 0};
  const unsigned bits = rule.bits;
  if (bits != 0) {
    mask[0] = bits >= 64 ? ~0ULL : (~0ULL << ((64u - bits) & 63u));
    mask[1] = bits <= 64 ? 0 : (~0ULL << ((128u - bits) & 63u));
  }
  for (std::size_t i = 0; i < 16; ++i) {
    const auto m = static_cast<std::uint8_t>(mask[i / 8] >> (8 * (7 - i % 8)));
    if ((ip[i] & m) != rule.ip[i]) return false;
  }
  return true;
}

bool match_ip_tos(const RuleIpTos& rule, const Packet& p, const RuleFrame& f, bool hard_no) {
  std::uint8_t tos = 0;
  if (p.ipv4(f)) {
    tos = p.at(1);
  } else if (p.ipv6(f)) {
    tos = static_cast<std::uint8_t>(((p.at(0) << 4) & 0xf0) | ((p.at(1) >> 4) & 0x0f));
  } else {
    return hard_no;
  }
  tos &= rule.mask;
  return tos >= rule.start && tos <= rule.end;
}

bool match_ip_protocol(const RuleIpProtocol& rule, const Packet& p, const RuleFrame& f, bool hard_no) {
  if (p.ipv4(f)) return rule.protocol == p.at(9);
  if (f.ether_type == kEtherTypeIpv6) {
    if (auto up = ipv6_payload(p.bytes)) return rule.protocol == up->protocol;
  }
  return hard_no;
}

bool match_icmp(const RuleIcmp& rule, const Packet& p, const RuleFrame& f, bool hard_no, bool hard_yes) {
  std::size_t at = 0;
  if (p.ipv4(f)) {
    if (p.at(9) != kProtoIcmp) return hard_no;
    at = p.ipv4_header_length();
  } else if (f.ether_type == kEtherTypeIpv6) {
    auto up = ipv6_payload(p.bytes);
    if (!up || up->protocol != kProtoIcmpv6) return hard_no;
    at = up->offset;
  } else {
    return hard_no;
  }
  if (p.size() < at + 2 || p.at(at) != rule.type) return hard_no;
  if (!rule.matches_code()) return hard_yes;
  return p.at(at + 1) == rule.code;
}

// Port rules on IPv4 without ports give a plain 0 (not hardNo), and on IPv6
// port 0 never matches: both as upstream.
bool match_port(const RuleRange& rule, bool dest, const Packet& p, const RuleFrame& f, bool hard_no) {
  if (p.ipv4(f)) {
    const std::size_t header = p.ipv4_header_length();
    if (!has_ports(p.at(9)) || p.size() <= header + 4) return false;
    const std::size_t at = header + (dest ? 2 : 0);
    const unsigned port = (p.at(at) << 8) | p.at(at + 1);
    return port >= rule.start && port <= rule.end;
  }
  if (f.ether_type == kEtherTypeIpv6) {
    auto up = ipv6_payload(p.bytes);
    if (!up) return hard_no;
    if (!has_ports(up->protocol) || p.size() <= up->offset + 4) return false;
    const std::size_t at = up->offset + (dest ? 2 : 0);
    const unsigned port = (p.at(at) << 8) | p.at(at + 1);
    return port > 0 && port >= rule.start && port <= rule.end;
  }
  return hard_no;
}

// The sender-authenticated bits: the "source IP" is the IPv4 source, the
// IPv6 source (an NDP advertisement's target; a solicitation counts as
// authenticated), or an ARP packet's sender IP.
std::uint64_t ownership_bits(const Packet& p, const RuleFrame& f, const RuleEnvironment& env) {
  std::uint64_t bits = 0;
  std::optional<InetAddress> source;
  if (p.ipv4(f)) {
    source = InetAddress::v4(p.bytes.data() + 12, 0);
  } else if (p.ipv6(f)) {
    const bool ndp = p.size() >= kIpv6HeaderLength + 8 + 16 && p.at(6) == kProtoIcmpv6 &&
                     (p.at(40) == 135 || p.at(40) == 136);
    if (ndp && p.at(40) == 135) {
      bits |= rule_characteristic::kSenderIpAuthenticated;
    } else if (ndp) {
      source = InetAddress::v6(p.bytes.data() + kIpv6HeaderLength + 8, 0);
    } else {
      source = InetAddress::v6(p.bytes.data() + 8, 0);
    }
  } else if (f.ether_type == kEtherTypeArp && p.size() >= 28) {
    source = InetAddress::v4(p.bytes.data() + 14, 0);
  }
  if (env.facts) {
    if (source && env.facts->sender_owns_ip(*source)) bits |= rule_characteristic::kSenderIpAuthenticated;
    if (env.facts->sender_owns_mac(f.mac_source)) bits |= rule_characteristic::kSenderMacAuthenticated;
  }
  return bits;
}

// Upstream reads the TCP flags of IPv4 without checking the header fits in
// the frame (it reads whatever follows); we read only inside the frame.
std::uint64_t tcp_flag_bits(const Packet& p, const RuleFrame& f) {
  std::size_t at = 0;
  if (p.ipv4(f) && p.at(9) == kProtoTcp) {
    at = p.ipv4_header_length();
    if (p.size() <= at + 13) return 0;
  } else if (f.ether_type == kEtherTypeIpv6) {
    auto up = ipv6_payload(p.bytes);
    if (!up || up->protocol != kProtoTcp || p.size() <= up->offset + 14) return 0;
    at = up->offset;
  } else {
    return 0;
  }
  return p.at(at + 13) | (static_cast<std::uint64_t>(p.at(at + 12) & 0x0f) << 8);
}

bool match_characteristics(const RuleCharacteristics& rule, const Packet& p, const RuleFrame& f,
                           const RuleEnvironment& env) {
  std::uint64_t c = f.inbound ? rule_characteristic::kInbound : 0;
  if (f.mac_dest.is_multicast()) c |= rule_characteristic::kMulticast;
  if (f.mac_dest.is_broadcast()) c |= rule_characteristic::kBroadcast;
  c |= ownership_bits(p, f, env);
  c |= tcp_flag_bits(p, f);
  return (c & rule.mask) != 0;
}

bool match_integer_range(const RuleIntegerRange& rule, const Packet& p) {
  const unsigned bits = rule.bits();
  const std::size_t bytes = (bits + 7) / 8;
  std::uint64_t value = 0;
  if (!rule.little_endian()) {
    // Upstream starts (8 - bytes) past the index: the field is read as the
    // low bytes of an 8-byte big-endian word at `index`.
    const std::size_t at = rule.index + (8 - bytes);
    if (at + bytes <= p.size()) value = load_be(p.bytes.data() + at, bytes);
    value &= ~0ULL >> (64 - bits);
  } else {
    const std::size_t at = rule.index;
    if (at + bytes <= p.size()) {
      for (std::size_t i = 0; i < bytes; ++i) value = (value >> 8) | (static_cast<std::uint64_t>(p.at(at + i)) << 56);
    }
    value >>= (64 - bits);
  }
  // Upstream keeps the span as a 32-bit offset from start, and sums wrap.
  const auto span = static_cast<std::uint32_t>(rule.end - rule.start);
  return value >= rule.start && value <= rule.start + span;
}

// TAGS_DIFFERENCE .. TAGS_EQUAL compare our tag with the other member's.
bool match_tags(std::uint8_t type, const RuleTag& rule, const RuleFrame& f, const RuleEnvironment& env,
                RuleMatchState& state, bool hard_no, bool hard_yes) {
  const auto local = env.facts ? env.facts->local_tag(rule.id) : std::nullopt;
  if (!local) return hard_no;
  const auto remote = env.facts->remote_tag(rule.id);
  if (!remote) {
    // Inbound is strict. Outbound (or as a TEE/REDIRECT target) we may not
    // know the other side's tags yet; it will filter on its inbound side.
    if (f.inbound && !state.super_accept) return hard_no;
    state.skip_drop = true;
    return hard_yes;
  }
  const std::uint32_t l = *local, r = *remote;
  switch (type) {
    case kMatchTagsDifference:
      return (l > r ? l - r : r - l) <= rule.value;
    case kMatchTagsBitwiseAnd:
      return (l & r) == rule.value;
    case kMatchTagsBitwiseOr:
      return (l | r) == rule.value;
    case kMatchTagsBitwiseXor:
      return (l ^ r) == rule.value;
    default:  // kMatchTagsEqual
      return l == rule.value && r == rule.value;
  }
}

bool match_tag_sender_receiver(std::uint8_t type, const RuleTag& rule, const RuleFrame& f,
                               const RuleEnvironment& env, RuleMatchState& state, bool hard_no, bool hard_yes) {
  if (state.super_accept) {
    state.skip_drop = true;
    return hard_yes;
  }
  const bool sender = type == kMatchTagSender;
  if (sender == f.inbound) {
    // The tag belongs to the other member.
    const auto remote = env.facts ? env.facts->remote_tag(rule.id) : std::nullopt;
    if (remote) return *remote == rule.value;
    if (sender) return hard_no;
    state.skip_drop = true;  // outbound: the receiver's tag may not be known yet
    return hard_yes;
  }
  const auto local = env.facts ? env.facts->local_tag(rule.id) : std::nullopt;
  if (!local) return hard_no;
  return *local == rule.value;
}

}  // namespace

std::optional<Ipv6Payload> ipv6_payload(std::span<const std::uint8_t> packet) {
  const std::size_t size = packet.size();
  if (size < kIpv6HeaderLength) return std::nullopt;
  std::size_t at = kIpv6HeaderLength;
  std::uint8_t protocol = packet[6];
  while (at <= size) {
    switch (protocol) {
      case 0:    // hop-by-hop options
      case 43:   // routing
      case 60:   // destination options
      case 135:  // mobility
        if (at + 8 > size) return std::nullopt;
        protocol = packet[at];
        at += static_cast<std::size_t>(packet[at + 1]) * 8 + 8;
        break;
      default:  // fragments (44), ESP/AH and the rest end the walk, as upstream
        return Ipv6Payload{at, protocol};
    }
  }
  return std::nullopt;
}

bool rule_matches(const Rule& rule, const RuleFrame& f, const RuleEnvironment& env, RuleMatchState& state) {
  const bool hard_no = rule.negate;
  const bool hard_yes = !rule.negate;
  const Packet p{f.payload};
  const std::uint8_t type = rule.type & 0x3f;

  // Each branch names the value its type always holds (parse_rules and
  // Rule::action see to it); a hand-built rule with the wrong value falls
  // through to "unsupported".
  switch (type) {
    case kMatchSourceZeroTierAddress:
    case kMatchDestZeroTierAddress:
      if (auto v = as<RuleZeroTierAddress>(rule))
        return v->address == (type == kMatchSourceZeroTierAddress ? f.source : f.dest);
      break;
    case kMatchVlanId:
      if (auto v = as<RuleVlanId>(rule)) return v->id == f.vlan_id;
      break;
    case kMatchVlanPcp:  // not supported upstream: only 0 matches
      if (auto v = as<RuleVlanPcp>(rule)) return v->pcp == 0;
      break;
    case kMatchVlanDei:
      if (auto v = as<RuleVlanDei>(rule)) return v->dei == 0;
      break;
    case kMatchMacSource:
    case kMatchMacDest:
      if (auto v = as<RuleMac>(rule)) return v->mac == (type == kMatchMacSource ? f.mac_source : f.mac_dest);
      break;
    case kMatchIpv4Source:
    case kMatchIpv4Dest:
      if (auto v = as<RuleIpv4>(rule)) {
        if (!p.ipv4(f)) return hard_no;
        return ipv4_contains(*v, p.bytes.data() + (type == kMatchIpv4Source ? 12 : 16));
      }
      break;
    case kMatchIpv6Source:
    case kMatchIpv6Dest:
      if (auto v = as<RuleIpv6>(rule)) {
        if (!p.ipv6(f)) return hard_no;
        return ipv6_contains(*v, p.bytes.data() + (type == kMatchIpv6Source ? 8 : 24));
      }
      break;
    case kMatchIpTos:
      if (auto v = as<RuleIpTos>(rule)) return match_ip_tos(*v, p, f, hard_no);
      break;
    case kMatchIpProtocol:
      if (auto v = as<RuleIpProtocol>(rule)) return match_ip_protocol(*v, p, f, hard_no);
      break;
    case kMatchEtherType:
      if (auto v = as<RuleEtherType>(rule)) return v->ether_type == f.ether_type;
      break;
    case kMatchIcmp:
      if (auto v = as<RuleIcmp>(rule)) return match_icmp(*v, p, f, hard_no, hard_yes);
      break;
    case kMatchIpSourcePortRange:
    case kMatchIpDestPortRange:
      if (auto v = as<RuleRange>(rule)) return match_port(*v, type == kMatchIpDestPortRange, p, f, hard_no);
      break;
    case kMatchCharacteristics:
      if (auto v = as<RuleCharacteristics>(rule)) return match_characteristics(*v, p, f, env);
      break;
    case kMatchFrameSizeRange:
      if (auto v = as<RuleRange>(rule)) return p.size() >= v->start && p.size() <= v->end;
      break;
    case kMatchRandom:
      if (auto v = as<RuleRandom>(rule)) {
        const std::uint32_t draw = env.facts ? env.facts->random32() : 0;
        return draw <= v->probability;
      }
      break;
    case kMatchTagsDifference:
    case kMatchTagsBitwiseAnd:
    case kMatchTagsBitwiseOr:
    case kMatchTagsBitwiseXor:
    case kMatchTagsEqual:
      if (auto v = as<RuleTag>(rule)) return match_tags(type, *v, f, env, state, hard_no, hard_yes);
      break;
    case kMatchTagSender:
    case kMatchTagReceiver:
      if (auto v = as<RuleTag>(rule))
        return match_tag_sender_receiver(type, *v, f, env, state, hard_no, hard_yes);
      break;
    case kMatchIntegerRange:
      if (auto v = as<RuleIntegerRange>(rule)) return match_integer_range(*v, p);
      break;
    default:
      break;
  }
  // A MATCH we do not implement (or a malformed hand-built rule): the
  // network decides, with config flag 0x08.
  return env.unsupported_match_result;
}

}  // namespace zt
