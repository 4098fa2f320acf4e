// zts_ping's reply check on hostile input: byte 0 picks the family (bit 0:
// IPv6), bytes 1-4 the identifier and sequence, the rest is the packet a
// raw socket received. Must never read out of bounds; a "reply" must really
// carry the identifier and sequence asked for.
#include <cstdint>
#include <cstdlib>

#include "api/icmp_echo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const bool v6 = (data[0] & 1) != 0;
  const auto ident = static_cast<std::uint16_t>((data[1] << 8) | data[2]);
  const auto sequence = static_cast<std::uint16_t>((data[3] << 8) | data[4]);
  const std::span<const std::uint8_t> packet(data + 5, size - 5);
  if (zt::api::is_echo_reply(packet, v6, ident, sequence)) {
    const std::size_t header = v6 ? 40 : static_cast<std::size_t>(packet[0] & 0x0f) * 4;
    if (packet.size() < header + 8 || packet[header + 4] != data[1] ||
        packet[header + 7] != data[4])
      std::abort();
  }
  return 0;
}
