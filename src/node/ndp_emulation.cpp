#include "node/ndp_emulation.hpp"

#include <algorithm>

namespace zt {
namespace {

constexpr std::size_t kIpv6HeaderLength = 40;
constexpr std::size_t kSolicitationLength = kIpv6HeaderLength + 8 + 16;  // header, ICMPv6, target
constexpr std::uint8_t kNextHeaderIcmpv6 = 58;
constexpr std::uint8_t kNeighborSolicitation = 135;
constexpr std::uint8_t kNeighborAdvertisement = 136;

// The member address a target in one of our prefixes embeds, and our own
// address in that prefix (the advertisement goes to it).
struct Embedded {
  Address member;
  const InetAddress* ours = nullptr;
};

std::optional<Embedded> embedded_member(std::uint64_t nwid, std::span<const InetAddress> static_ips,
                                        const std::uint8_t* target) {
  const auto n32 = static_cast<std::uint32_t>(nwid ^ (nwid >> 32));
  for (const InetAddress& ip : static_ips) {
    if (!ip.is_v6()) continue;
    const std::uint8_t* my6 = ip.ip();
    if (ip.port() == 88 && my6[0] == 0xfd && my6[9] == 0x99 && my6[10] == 0x93) {
      if (std::equal(target, target + 11, my6)) return Embedded{Address::from_bytes(target + 11), &ip};
    } else if (ip.port() == 40 && my6[0] == 0xfc && my6[1] == static_cast<std::uint8_t>(n32 >> 24) &&
               my6[2] == static_cast<std::uint8_t>(n32 >> 16) &&
               my6[3] == static_cast<std::uint8_t>(n32 >> 8) && my6[4] == static_cast<std::uint8_t>(n32)) {
      if (std::equal(target, target + 5, my6)) return Embedded{Address::from_bytes(target + 5), &ip};
    }
  }
  return std::nullopt;
}

}  // namespace

std::uint16_t icmpv6_checksum(const std::uint8_t src[16], const std::uint8_t dst[16],
                              std::span<const std::uint8_t> message) {
  std::uint32_t sum = 0;
  const auto add = [&](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += (std::uint32_t{p[i]} << 8) | p[i + 1];
    if (n % 2) sum += std::uint32_t{p[n - 1]} << 8;
  };
  add(src, 16);
  add(dst, 16);
  sum += static_cast<std::uint32_t>(message.size() >> 16) + static_cast<std::uint32_t>(message.size() & 0xffff);
  sum += kNextHeaderIcmpv6;
  add(message.data(), message.size());
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::optional<NdpAdvertisement> emulate_ndp(std::uint64_t nwid, Address me,
                                            std::span<const InetAddress> static_ips,
                                            std::span<const std::uint8_t> ipv6) {
  if (ipv6.size() < kSolicitationLength) return std::nullopt;
  if (ipv6[6] != kNextHeaderIcmpv6 || ipv6[kIpv6HeaderLength] != kNeighborSolicitation)
    return std::nullopt;
  const std::uint8_t* target = ipv6.data() + kIpv6HeaderLength + 8;
  const std::optional<Embedded> found = embedded_member(nwid, static_ips, target);
  if (!found || found->member.is_nil() || found->member == me) return std::nullopt;

  NdpAdvertisement adv;
  adv.source = MacAddress::from_address(found->member, nwid);
  Bytes& p = adv.packet;
  p.assign(72, 0);
  p[0] = 0x60;                 // version 6
  p[5] = 32;                   // payload length
  p[6] = kNextHeaderIcmpv6;
  p[7] = 255;                  // hop limit NDP requires
  std::copy(target, target + 16, p.begin() + 8);         // from the solicited address
  std::copy(found->ours->ip(), found->ours->ip() + 16, p.begin() + 24);  // to ours
  p[40] = kNeighborAdvertisement;
  p[44] = 0x60;                // solicited + override
  std::copy(target, target + 16, p.begin() + 48);
  p[64] = 2;                   // option: target link-layer address
  p[65] = 1;                   // length in units of 8 bytes
  adv.source.to_bytes(p.data() + 66);
  const std::uint16_t sum = icmpv6_checksum(p.data() + 8, p.data() + 24,
                                            std::span<const std::uint8_t>(p).subspan(40));
  p[42] = static_cast<std::uint8_t>(sum >> 8);
  p[43] = static_cast<std::uint8_t>(sum);
  return adv;
}

}  // namespace zt
