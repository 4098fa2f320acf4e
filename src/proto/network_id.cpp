#include "proto/network_id.hpp"

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"

namespace zt {
namespace {

constexpr std::uint8_t kRfc4193Prefix = 0xfd;
constexpr std::uint8_t kRfc4193Marker[2] = {0x99, 0x93};  // "9993", ZeroTier's port
constexpr std::uint16_t kRfc4193Bits = 88;
constexpr std::uint8_t kSixplanePrefix = 0xfc;
constexpr std::uint16_t kSixplaneBits = 40;
constexpr std::uint8_t kAdhocTopByte = 0xff;

}  // namespace

std::string network_id_to_string(std::uint64_t nwid) { return to_hex_u64(nwid, 16); }

std::optional<std::uint64_t> network_id_from_string(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  return parse_hex_u64(text);
}

InetAddress rfc4193_address(std::uint64_t nwid, Address member) {
  std::uint8_t ip[16];
  ip[0] = kRfc4193Prefix;
  store_be(ip + 1, nwid, 8);
  ip[9] = kRfc4193Marker[0];
  ip[10] = kRfc4193Marker[1];
  member.to_bytes(ip + 11);
  return InetAddress::v6(ip, kRfc4193Bits);
}

InetAddress sixplane_address(std::uint64_t nwid, Address member) {
  std::uint8_t ip[16] = {};
  ip[0] = kSixplanePrefix;
  store_be(ip + 1, (nwid ^ (nwid >> 32)) & 0xffffffffULL, 4);
  member.to_bytes(ip + 5);
  ip[15] = 0x01;
  return InetAddress::v6(ip, kSixplaneBits);
}

std::optional<AdhocNetwork> decode_adhoc_network(std::uint64_t nwid) {
  if ((nwid >> 56) != kAdhocTopByte) return std::nullopt;
  AdhocNetwork a;
  if ((nwid & 0xffffff) == 0) {
    a.kind = AdhocNetwork::Kind::kPortRange;
    a.start_port = static_cast<std::uint16_t>(nwid >> 40);
    a.end_port = static_cast<std::uint16_t>(nwid >> 24);
    return a;
  }
  if ((nwid & 0xff) == 0x01) {
    a.kind = AdhocNetwork::Kind::kHub;
    a.ipv4_prefix = static_cast<std::uint8_t>(nwid >> 48);
    a.hub = Address(nwid >> 8);
    return a;
  }
  return std::nullopt;
}

}  // namespace zt
