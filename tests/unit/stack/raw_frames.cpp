#include "stack/raw_frames.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace zt::test::frames {
namespace {

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}

void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}

void set16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

template <typename C>
void append(Bytes& b, const C& c) {
  b.insert(b.end(), c.begin(), c.end());
}

// Sum of a pseudo-header, to be folded by internet_checksum.
std::uint32_t pseudo_sum(std::span<const std::uint8_t> src, std::span<const std::uint8_t> dst,
                         std::uint8_t protocol, std::size_t length) {
  Bytes p;
  append(p, src);
  append(p, dst);
  if (src.size() == 4) {
    p.push_back(0);
    p.push_back(protocol);
    put16(p, static_cast<std::uint16_t>(length));
  } else {
    put32(p, static_cast<std::uint32_t>(length));
    p.insert(p.end(), {0, 0, 0});
    p.push_back(protocol);
  }
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < p.size(); i += 2)
    sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  return sum;
}

}  // namespace

std::uint16_t read16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

std::uint32_t read32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(read16(b, at)) << 16 | read16(b, at + 2);
}

Mac mac_of(std::uint64_t value) {
  Mac m;
  for (int i = 0; i < 6; ++i)
    m[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (40 - 8 * i));
  return m;
}

Ip6 ip6_of(const char* text) {
  Ip6 a{};
  if (inet_pton(AF_INET6, text, a.data()) != 1) a.fill(0xee);
  return a;
}

Mac ip6_multicast_mac(const Ip6& group) {
  return {0x33, 0x33, group[12], group[13], group[14], group[15]};
}

Ip6 solicited_node(const Ip6& address) {
  Ip6 g = ip6_of("ff02::1:ff00:0");
  g[13] = address[13];
  g[14] = address[14];
  g[15] = address[15];
  return g;
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < data.size(); i += 2)
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (data.size() % 2) sum += static_cast<std::uint32_t>(data.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Bytes ethernet(const Mac& dst, const Mac& src, std::uint16_t type,
               std::span<const std::uint8_t> payload) {
  Bytes f;
  append(f, dst);
  append(f, src);
  put16(f, type);
  append(f, payload);
  return f;
}

static Bytes arp(std::uint16_t op, const Mac& sender_mac, const Ip4& sender_ip,
                 const Mac& target_mac, const Ip4& target_ip) {
  Bytes a;
  put16(a, 1);  // Ethernet
  put16(a, kEtherIp4);
  a.push_back(6);
  a.push_back(4);
  put16(a, op);
  append(a, sender_mac);
  append(a, sender_ip);
  append(a, target_mac);
  append(a, target_ip);
  return a;
}

Bytes arp_request(const Mac& sender_mac, const Ip4& sender_ip, const Ip4& target_ip) {
  return arp(1, sender_mac, sender_ip, Mac{}, target_ip);
}

Bytes arp_reply(const Mac& sender_mac, const Ip4& sender_ip, const Mac& target_mac,
                const Ip4& target_ip) {
  return arp(2, sender_mac, sender_ip, target_mac, target_ip);
}

Bytes ip4(const Ip4& src, const Ip4& dst, std::uint8_t protocol,
          std::span<const std::uint8_t> payload) {
  Bytes p;
  p.push_back(0x45);
  p.push_back(0);
  put16(p, static_cast<std::uint16_t>(20 + payload.size()));
  put16(p, 0x1234);
  put16(p, 0x4000);  // don't fragment
  p.push_back(64);
  p.push_back(protocol);
  put16(p, 0);
  append(p, src);
  append(p, dst);
  set16(p, 10, internet_checksum(p));
  append(p, payload);
  return p;
}

Bytes icmp4_echo_request(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data) {
  Bytes m{8, 0, 0, 0};
  put16(m, id);
  put16(m, seq);
  append(m, data);
  set16(m, 2, internet_checksum(m));
  return m;
}

Bytes ip6(const Ip6& src, const Ip6& dst, std::uint8_t next_header,
          std::span<const std::uint8_t> payload) {
  Bytes p{0x60, 0, 0, 0};
  put16(p, static_cast<std::uint16_t>(payload.size()));
  p.push_back(next_header);
  p.push_back(255);  // hop limit (ND requires 255)
  append(p, src);
  append(p, dst);
  append(p, payload);
  return p;
}

Bytes icmp6(const Ip6& src, const Ip6& dst, std::uint8_t type, std::uint8_t code,
            std::span<const std::uint8_t> body) {
  Bytes m{type, code, 0, 0};
  append(m, body);
  set16(m, 2, internet_checksum(m, pseudo_sum(src, dst, kProtoIcmp6, m.size())));
  return m;
}

Bytes neighbor_solicitation_body(const Ip6& target, const Mac& source_mac) {
  Bytes b{0, 0, 0, 0};  // reserved
  append(b, target);
  b.push_back(1);  // source link-layer address option
  b.push_back(1);  // length in units of 8 bytes
  append(b, source_mac);
  return b;
}

Bytes icmp6_echo_body(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data) {
  Bytes b;
  put16(b, id);
  put16(b, seq);
  append(b, data);
  return b;
}

Bytes tcp4(const Ip4& src, const Ip4& dst, std::uint16_t sport, std::uint16_t dport,
           std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
           std::span<const std::uint8_t> data) {
  return tcp4_with_options(src, dst, sport, dport, seq, ack, flags, {}, data);
}

Bytes tcp4_with_options(const Ip4& src, const Ip4& dst, std::uint16_t sport, std::uint16_t dport,
                        std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                        std::span<const std::uint8_t> options, std::span<const std::uint8_t> data) {
  Bytes padded(options.begin(), options.end());
  while (padded.size() % 4 != 0) padded.push_back(0);  // end of options
  Bytes t;
  put16(t, sport);
  put16(t, dport);
  put32(t, seq);
  put32(t, ack);
  t.push_back(static_cast<std::uint8_t>((5 + padded.size() / 4) << 4));
  t.push_back(flags);
  put16(t, 65535);  // window
  put16(t, 0);      // checksum
  put16(t, 0);      // urgent
  append(t, padded);
  append(t, data);
  set16(t, 16, internet_checksum(t, pseudo_sum(src, dst, kProtoTcp, t.size())));
  return t;
}

std::optional<Parsed> parse(std::span<const std::uint8_t> frame) {
  if (frame.size() < 14) return std::nullopt;
  Parsed p;
  std::memcpy(p.dst.data(), frame.data(), 6);
  std::memcpy(p.src.data(), frame.data() + 6, 6);
  p.ether_type = read16(frame, 12);
  p.payload.assign(frame.begin() + 14, frame.end());
  const auto& b = p.payload;

  if (p.ether_type == kEtherArp) {
    if (b.size() < 28) return std::nullopt;
    p.arp_op = read16(b, 6);
    std::memcpy(p.arp_sender_mac.data(), b.data() + 8, 6);
    std::memcpy(p.arp_sender_ip.data(), b.data() + 14, 4);
    std::memcpy(p.arp_target_ip.data(), b.data() + 24, 4);
  } else if (p.ether_type == kEtherIp4) {
    if (b.size() < 20) return std::nullopt;
    const std::size_t header = static_cast<std::size_t>(b[0] & 0x0f) * 4;
    const std::size_t total = read16(b, 2);
    if (header < 20 || total < header || total > b.size()) return std::nullopt;
    p.protocol = b[9];
    std::memcpy(p.ip4_src.data(), b.data() + 12, 4);
    std::memcpy(p.ip4_dst.data(), b.data() + 16, 4);
    p.ip4_header_checksum_ok = internet_checksum(std::span(b).first(header)) == 0;
    p.l4.assign(b.begin() + static_cast<std::ptrdiff_t>(header),
                b.begin() + static_cast<std::ptrdiff_t>(total));
    const std::uint32_t initial =
        p.protocol == kProtoIcmp ? 0 : pseudo_sum(p.ip4_src, p.ip4_dst, p.protocol, p.l4.size());
    p.l4_checksum_ok = internet_checksum(p.l4, initial) == 0;
  } else if (p.ether_type == kEtherIp6) {
    if (b.size() < 40) return std::nullopt;
    const std::size_t length = read16(b, 4);
    if (40 + length > b.size()) return std::nullopt;
    p.protocol = b[6];
    std::memcpy(p.ip6_src.data(), b.data() + 8, 16);
    std::memcpy(p.ip6_dst.data(), b.data() + 24, 16);
    p.l4.assign(b.begin() + 40, b.begin() + 40 + static_cast<std::ptrdiff_t>(length));
    p.l4_checksum_ok =
        internet_checksum(p.l4, pseudo_sum(p.ip6_src, p.ip6_dst, p.protocol, p.l4.size())) == 0;
  }
  return p;
}

}  // namespace zt::test::frames
