#include "api/icmp_echo.hpp"

namespace zt::api {
namespace {

constexpr std::uint8_t kIcmpEchoRequest = 8, kIcmpEchoReply = 0;
constexpr std::uint8_t kIcmp6EchoRequest = 128, kIcmp6EchoReply = 129;
constexpr std::size_t kIcmpHeader = 8;
constexpr std::size_t kIp4MinHeader = 20;
constexpr std::size_t kIp6Header = 40;
constexpr std::uint8_t kProtocolIcmp = 1;
constexpr std::uint8_t kNextHeaderIcmp6 = 58;

std::uint16_t internet_checksum(std::span<const std::uint8_t> data) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += (data[i] << 8) | data[i + 1];
  if (data.size() & 1) sum += data.back() << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

std::array<std::uint8_t, kEchoRequestSize> echo_request(bool v6, std::uint16_t ident,
                                                        std::uint16_t sequence) {
  std::array<std::uint8_t, kEchoRequestSize> m{};
  m[0] = v6 ? kIcmp6EchoRequest : kIcmpEchoRequest;
  m[4] = static_cast<std::uint8_t>(ident >> 8);
  m[5] = static_cast<std::uint8_t>(ident);
  m[6] = static_cast<std::uint8_t>(sequence >> 8);
  m[7] = static_cast<std::uint8_t>(sequence);
  for (std::size_t i = 0; i < kEchoPayload; ++i) m[kIcmpHeader + i] = static_cast<std::uint8_t>(i);
  if (!v6) {
    const std::uint16_t sum = internet_checksum(m);
    m[2] = static_cast<std::uint8_t>(sum >> 8);
    m[3] = static_cast<std::uint8_t>(sum);
  }
  return m;
}

bool is_echo_reply(std::span<const std::uint8_t> packet, bool v6, std::uint16_t ident,
                   std::uint16_t sequence) {
  std::size_t header = 0;
  if (!v6) {
    if (packet.size() < kIp4MinHeader || (packet[0] >> 4) != 4 || packet[9] != kProtocolIcmp)
      return false;
    header = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
    if (header < kIp4MinHeader) return false;
  } else {
    // Echo replies carry no extension headers; anything else is not ours.
    if (packet.size() < kIp6Header || (packet[0] >> 4) != 6 || packet[6] != kNextHeaderIcmp6)
      return false;
    header = kIp6Header;
  }
  if (packet.size() < header + kIcmpHeader) return false;
  const std::span<const std::uint8_t> icmp = packet.subspan(header);
  return icmp[0] == (v6 ? kIcmp6EchoReply : kIcmpEchoReply) && icmp[1] == 0 &&
         icmp[4] == static_cast<std::uint8_t>(ident >> 8) &&
         icmp[5] == static_cast<std::uint8_t>(ident) &&
         icmp[6] == static_cast<std::uint8_t>(sequence >> 8) &&
         icmp[7] == static_cast<std::uint8_t>(sequence);
}

}  // namespace zt::api
