#pragma once
// A small reader for classic libpcap capture files, enough to replay the
// UDP datagrams of a capture in tests. Every length in the file is checked
// against the bytes present; a malformed file is rejected, not trusted.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/hex.hpp"
#include "proto/inet_address.hpp"

namespace zt::test {

// Link types (the pcap header's "network" field) the reader understands.
inline constexpr std::uint32_t kLinkTypeNull = 0;        // BSD loopback: 4-byte family
inline constexpr std::uint32_t kLinkTypeEthernet = 1;    // with optional 802.1Q tags
inline constexpr std::uint32_t kLinkTypeRaw = 101;       // bare IPv4/IPv6
inline constexpr std::uint32_t kLinkTypeLinuxSll = 113;  // Linux "cooked" capture

struct UdpDatagram {
  std::int64_t seconds = 0;       // capture time
  std::int64_t nanoseconds = 0;   // within the second
  InetAddress source;             // IP and UDP port
  InetAddress destination;
  Bytes payload;
};

struct PcapCapture {
  std::uint32_t link_type = 0;
  std::size_t records = 0;        // every record in the file
  std::size_t skipped = 0;        // records that are not whole, unfragmented UDP over IP
  std::vector<UdpDatagram> datagrams;
};

// Parses a whole capture file. On failure returns nullopt and says why in
// `error` (when given): bad magic, unsupported link type, truncated record.
std::optional<PcapCapture> read_pcap(std::span<const std::uint8_t> file,
                                     std::string* error = nullptr);

}  // namespace zt::test
