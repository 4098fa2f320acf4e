#include "pcap_reader.hpp"

namespace zt::test {
namespace {

constexpr std::uint32_t kMagicMicros = 0xa1b2c3d4;
constexpr std::uint32_t kMagicNanos = 0xa1b23c4d;
constexpr std::size_t kFileHeaderSize = 24;
constexpr std::size_t kRecordHeaderSize = 16;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
constexpr std::uint8_t kIpProtoUdp = 17;
constexpr std::size_t kUdpHeaderSize = 8;

std::uint32_t load_u32(const std::uint8_t* p, bool swapped) {
  const std::uint32_t le = p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t{p[3]} << 24);
  const std::uint32_t be = (std::uint32_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
  return swapped ? be : le;
}

std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

void fail(std::string* error, const std::string& why) {
  if (error) *error = why;
}

// The UDP header and payload of `udp`; false unless the lengths agree.
bool take_udp(std::span<const std::uint8_t> udp, UdpDatagram& d, const std::uint8_t* src_ip,
              const std::uint8_t* dst_ip, bool v6) {
  if (udp.size() < kUdpHeaderSize) return false;
  const std::size_t length = load_be16(udp.data() + 4);
  if (length < kUdpHeaderSize || length > udp.size()) return false;
  const std::uint16_t sport = load_be16(udp.data());
  const std::uint16_t dport = load_be16(udp.data() + 2);
  d.source = v6 ? InetAddress::v6(src_ip, sport) : InetAddress::v4(src_ip, sport);
  d.destination = v6 ? InetAddress::v6(dst_ip, dport) : InetAddress::v4(dst_ip, dport);
  d.payload.assign(udp.begin() + kUdpHeaderSize, udp.begin() + static_cast<std::ptrdiff_t>(length));
  return true;
}

bool take_ipv4(std::span<const std::uint8_t> ip, UdpDatagram& d) {
  if (ip.size() < 20 || (ip[0] >> 4) != 4) return false;
  const std::size_t header = (ip[0] & 0x0f) * 4u;
  const std::size_t total = load_be16(ip.data() + 2);
  if (header < 20 || total < header || total > ip.size()) return false;
  // IP fragments (more-fragments flag or an offset) would need reassembly.
  if ((load_be16(ip.data() + 6) & 0x3fff) != 0 || ip[9] != kIpProtoUdp) return false;
  return take_udp(ip.subspan(header, total - header), d, ip.data() + 12, ip.data() + 16, false);
}

bool take_ipv6(std::span<const std::uint8_t> ip, UdpDatagram& d) {
  if (ip.size() < 40 || (ip[0] >> 4) != 6) return false;
  const std::size_t payload_length = load_be16(ip.data() + 4);
  if (40 + payload_length > ip.size()) return false;
  std::span<const std::uint8_t> rest = ip.subspan(40, payload_length);
  std::uint8_t next = ip[6];
  // Hop-by-hop, routing and destination options headers are skipped; a
  // fragment header (44) or anything else ends the walk.
  while (next == 0 || next == 43 || next == 60) {
    if (rest.size() < 8) return false;
    const std::size_t length = (rest[1] + 1u) * 8u;
    if (length > rest.size()) return false;
    next = rest[0];
    rest = rest.subspan(length);
  }
  if (next != kIpProtoUdp) return false;
  return take_udp(rest, d, ip.data() + 8, ip.data() + 24, true);
}

bool take_ip(std::uint16_t ethertype, std::span<const std::uint8_t> ip, UdpDatagram& d) {
  if (ethertype == kEtherTypeIpv4) return take_ipv4(ip, d);
  if (ethertype == kEtherTypeIpv6) return take_ipv6(ip, d);
  return false;
}

bool take_frame(std::uint32_t link_type, std::span<const std::uint8_t> frame, UdpDatagram& d) {
  switch (link_type) {
    case kLinkTypeEthernet: {
      std::size_t offset = 12;
      if (frame.size() < offset + 2) return false;
      std::uint16_t ethertype = load_be16(frame.data() + offset);
      while (ethertype == kEtherTypeVlan || ethertype == kEtherTypeQinQ) {
        offset += 4;
        if (frame.size() < offset + 2) return false;
        ethertype = load_be16(frame.data() + offset);
      }
      return take_ip(ethertype, frame.subspan(offset + 2), d);
    }
    case kLinkTypeRaw:
      if (frame.empty()) return false;
      return take_ip((frame[0] >> 4) == 6 ? kEtherTypeIpv6 : kEtherTypeIpv4, frame, d);
    case kLinkTypeLinuxSll:
      if (frame.size() < 16) return false;
      return take_ip(load_be16(frame.data() + 14), frame.subspan(16), d);
    case kLinkTypeNull: {
      if (frame.size() < 4) return false;
      // The address family in host order of the capturing machine: 2 is
      // IPv4 everywhere, IPv6 is 10, 24, 28 or 30 depending on the OS.
      const std::uint32_t family = frame[0] | frame[3];
      const std::uint16_t ethertype = family == 2 ? kEtherTypeIpv4 : kEtherTypeIpv6;
      return take_ip(ethertype, frame.subspan(4), d);
    }
    default:
      return false;
  }
}

}  // namespace

std::optional<PcapCapture> read_pcap(std::span<const std::uint8_t> file, std::string* error) {
  if (file.size() < kFileHeaderSize) {
    fail(error, "not a pcap file: shorter than its 24-byte header");
    return std::nullopt;
  }
  bool swapped = false;
  bool nanos = false;
  const std::uint32_t magic = load_u32(file.data(), false);
  if (magic == kMagicMicros || magic == kMagicNanos) {
    nanos = magic == kMagicNanos;
  } else if (load_u32(file.data(), true) == kMagicMicros ||
             load_u32(file.data(), true) == kMagicNanos) {
    swapped = true;
    nanos = load_u32(file.data(), true) == kMagicNanos;
  } else {
    fail(error, "not a classic pcap file (bad magic; pcapng is not supported)");
    return std::nullopt;
  }
  PcapCapture capture;
  // The low 16 bits hold the link type; the upper bits are FCS flags.
  capture.link_type = load_u32(file.data() + 20, swapped) & 0xffff;
  if (capture.link_type != kLinkTypeEthernet && capture.link_type != kLinkTypeRaw &&
      capture.link_type != kLinkTypeLinuxSll && capture.link_type != kLinkTypeNull) {
    fail(error, "unsupported pcap link type " + std::to_string(capture.link_type));
    return std::nullopt;
  }
  std::size_t offset = kFileHeaderSize;
  while (offset < file.size()) {
    if (file.size() - offset < kRecordHeaderSize) {
      fail(error, "truncated record header at byte " + std::to_string(offset));
      return std::nullopt;
    }
    const std::uint8_t* h = file.data() + offset;
    const std::size_t captured = load_u32(h + 8, swapped);
    offset += kRecordHeaderSize;
    if (captured > file.size() - offset) {
      fail(error, "truncated record at byte " + std::to_string(offset));
      return std::nullopt;
    }
    ++capture.records;
    UdpDatagram d;
    d.seconds = load_u32(h, swapped);
    d.nanoseconds = std::int64_t{load_u32(h + 4, swapped)} * (nanos ? 1 : 1000);
    if (take_frame(capture.link_type, file.subspan(offset, captured), d)) {
      capture.datagrams.push_back(std::move(d));
    } else {
      ++capture.skipped;
    }
    offset += captured;
  }
  return capture;
}

}  // namespace zt::test
