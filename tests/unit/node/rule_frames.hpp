#pragma once
// Real Ethernet payloads (after the Ethernet header) for rules-engine tests:
// ARP, IPv4 with TCP/UDP/ICMP, IPv6 with optional extension headers, ICMPv6.
// Checksums are left zero: the rules never look at them.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"

namespace zt::test::frames {

inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kIpv6 = 0x86dd;

using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

// TCP flags as the low 12 bits of characteristics (NS is bit 8).
inline Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint16_t flags) {
  Bytes b;
  ByteWriter w(b);
  w.u16(sport);
  w.u16(dport);
  w.u32(1000);  // seq
  w.u32(0);     // ack
  w.u8(static_cast<std::uint8_t>(0x50 | ((flags >> 8) & 0x0f)));  // data offset 5
  w.u8(static_cast<std::uint8_t>(flags));
  w.u16(64240);  // window
  w.u16(0);      // checksum
  w.u16(0);      // urgent
  return b;
}

inline Bytes udp(std::uint16_t sport, std::uint16_t dport, std::size_t data = 4) {
  Bytes b;
  ByteWriter w(b);
  w.u16(sport);
  w.u16(dport);
  w.u16(static_cast<std::uint16_t>(8 + data));
  w.u16(0);
  b.resize(8 + data, 0xab);
  return b;
}

// ICMP / ICMPv6 echo-like message: type, code, checksum, id, seq.
inline Bytes icmp(std::uint8_t type, std::uint8_t code) {
  return Bytes{type, code, 0, 0, 0x12, 0x34, 0x00, 0x01};
}

inline Bytes ipv4(std::uint8_t protocol, Ip4 src, Ip4 dst, const Bytes& l4, std::uint8_t tos = 0) {
  Bytes b;
  ByteWriter w(b);
  w.u8(0x45);
  w.u8(tos);
  w.u16(static_cast<std::uint16_t>(20 + l4.size()));
  w.u16(0x1c46);  // id
  w.u16(0x4000);  // don't fragment
  w.u8(64);       // ttl
  w.u8(protocol);
  w.u16(0);  // checksum
  w.bytes(src);
  w.bytes(dst);
  w.bytes(l4);
  return b;
}

// An 8-byte extension header (hop-by-hop, routing, destination options):
// next header, length 0, six bytes of padding.
inline Bytes ext_header(std::uint8_t next) { return Bytes{next, 0, 1, 4, 0, 0, 0, 0}; }

// `first` is the IPv6 next-header field; `chain` is everything after the
// fixed header (extension headers, then the upper layer).
inline Bytes ipv6(std::uint8_t first, Ip6 src, Ip6 dst, const Bytes& chain, std::uint8_t traffic_class = 0) {
  Bytes b;
  ByteWriter w(b);
  w.u32(0x60000000u | (std::uint32_t{traffic_class} << 20));
  w.u16(static_cast<std::uint16_t>(chain.size()));
  w.u8(first);
  w.u8(64);
  w.bytes(src);
  w.bytes(dst);
  w.bytes(chain);
  return b;
}

inline Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ICMPv6 neighbor solicitation (135) or advertisement (136) for `target`.
inline Bytes ndp(std::uint8_t type, Ip6 target) {
  Bytes b{type, 0, 0, 0, static_cast<std::uint8_t>(type == 136 ? 0x60 : 0), 0, 0, 0};
  b.insert(b.end(), target.begin(), target.end());
  return b;
}

inline Bytes arp_request(std::uint64_t sender_mac, Ip4 sender_ip, Ip4 target_ip) {
  Bytes b;
  ByteWriter w(b);
  w.u16(1);       // Ethernet
  w.u16(kIpv4);   // IPv4
  w.u8(6);
  w.u8(4);
  w.u16(1);  // request
  for (int i = 5; i >= 0; --i) w.u8(static_cast<std::uint8_t>(sender_mac >> (8 * i)));
  w.bytes(sender_ip);
  for (int i = 0; i < 6; ++i) w.u8(0);
  w.bytes(target_ip);
  return b;
}

inline Ip6 ip6(std::initializer_list<std::uint8_t> head, std::uint8_t last) {
  Ip6 a{};
  std::size_t i = 0;
  for (auto v : head) a[i++] = v;
  a[15] = last;
  return a;
}

}  // namespace zt::test::frames
