#pragma once
// Builds and reads raw Ethernet frames (ARP, IPv4/ICMP, IPv6/ICMPv6 ND,
// TCP) for driving the stack without a network, with checksums computed
// independently of lwIP.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace zt::test::frames {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

constexpr std::uint16_t kEtherIp4 = 0x0800, kEtherArp = 0x0806, kEtherIp6 = 0x86dd;
constexpr std::uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoIcmp6 = 58;
constexpr std::uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;

Mac mac_of(std::uint64_t value);
Ip6 ip6_of(const char* text);
// 33:33:xx:xx:xx:xx for an IPv6 multicast address.
Mac ip6_multicast_mac(const Ip6& group);
// ff02::1:ffXX:XXXX
Ip6 solicited_node(const Ip6& address);

std::uint16_t internet_checksum(std::span<const std::uint8_t> data, std::uint32_t initial = 0);

Bytes ethernet(const Mac& dst, const Mac& src, std::uint16_t type,
               std::span<const std::uint8_t> payload);
Bytes arp_request(const Mac& sender_mac, const Ip4& sender_ip, const Ip4& target_ip);
Bytes arp_reply(const Mac& sender_mac, const Ip4& sender_ip, const Mac& target_mac,
                const Ip4& target_ip);
Bytes ip4(const Ip4& src, const Ip4& dst, std::uint8_t protocol,
          std::span<const std::uint8_t> payload);
Bytes icmp4_echo_request(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data);
Bytes ip6(const Ip6& src, const Ip6& dst, std::uint8_t next_header,
          std::span<const std::uint8_t> payload);
// ICMPv6 message with its checksum over the pseudo-header.
Bytes icmp6(const Ip6& src, const Ip6& dst, std::uint8_t type, std::uint8_t code,
            std::span<const std::uint8_t> body);
// A neighbour solicitation body (after type/code/checksum) with a source
// link-layer address option.
Bytes neighbor_solicitation_body(const Ip6& target, const Mac& source_mac);
Bytes icmp6_echo_body(std::uint16_t id, std::uint16_t seq, std::span<const std::uint8_t> data);
// A TCP segment (20-byte header, no options) with its checksum.
Bytes tcp4(const Ip4& src, const Ip4& dst, std::uint16_t sport, std::uint16_t dport,
           std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
           std::span<const std::uint8_t> data = {});
// The same with TCP options (padded with end-of-options to 4 bytes).
Bytes tcp4_with_options(const Ip4& src, const Ip4& dst, std::uint16_t sport, std::uint16_t dport,
                        std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                        std::span<const std::uint8_t> options,
                        std::span<const std::uint8_t> data = {});

// A parsed view of a frame the stack sent (copies; checks lengths).
struct Parsed {
  Mac dst{}, src{};
  std::uint16_t ether_type = 0;
  Bytes payload;  // after the Ethernet header

  // ARP
  std::uint16_t arp_op = 0;
  Mac arp_sender_mac{};
  Ip4 arp_sender_ip{}, arp_target_ip{};

  // IPv4 / IPv6 header
  std::uint8_t protocol = 0;  // IPv4 protocol or IPv6 next header
  Ip4 ip4_src{}, ip4_dst{};
  Ip6 ip6_src{}, ip6_dst{};
  bool ip4_header_checksum_ok = false;
  Bytes l4;  // transport header + data

  // Transport checksum (ICMP, ICMPv6, TCP, UDP) verified over the right
  // pseudo-header.
  bool l4_checksum_ok = false;
};

std::optional<Parsed> parse(std::span<const std::uint8_t> frame);

std::uint16_t read16(std::span<const std::uint8_t> bytes, std::size_t at);
std::uint32_t read32(std::span<const std::uint8_t> bytes, std::size_t at);

}  // namespace zt::test::frames
