#include "proto/mac_address.hpp"

#include "proto/hex.hpp"

namespace zt {

MacAddress MacAddress::from_bytes(const std::uint8_t* p) { return MacAddress(load_be(p, kLength)); }

std::optional<MacAddress> MacAddress::from_string(std::string_view text) {
  // Six two-digit groups and five colons.
  if (text.size() != 3 * kLength - 1) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < kLength; ++i) {
    if (i > 0 && text[3 * i - 1] != ':') return std::nullopt;
    auto octet = parse_hex_u64(text.substr(3 * i, 2));
    if (!octet) return std::nullopt;
    v = (v << 8) | *octet;
  }
  return MacAddress(v);
}

MacAddress MacAddress::read(ByteReader& r) {
  auto s = r.take(kLength);
  return s.size() == kLength ? from_bytes(s.data()) : MacAddress();
}

void MacAddress::to_bytes(std::uint8_t* p) const { store_be(p, value_, kLength); }

void MacAddress::write(ByteWriter& w) const {
  std::uint8_t b[kLength];
  to_bytes(b);
  w.bytes(b, kLength);
}

std::string MacAddress::to_string() const {
  std::uint8_t b[kLength];
  to_bytes(b);
  std::string out;
  out.reserve(3 * kLength - 1);
  for (std::size_t i = 0; i < kLength; ++i) {
    if (i > 0) out.push_back(':');
    out += to_hex_u64(b[i], 2);
  }
  return out;
}

std::uint8_t MacAddress::first_octet(std::uint64_t nwid) {
  const auto a = static_cast<std::uint8_t>((nwid & 0xfe) | 0x02);
  return a == 0x52 ? 0x32 : a;
}

namespace {

// The five bytes XORed over the address: nwid bytes 6,5,4,3,2 (byte 0 = MSB).
std::uint64_t address_mask(std::uint64_t nwid) {
  return (((nwid >> 8) & 0xff) << 32) | (((nwid >> 16) & 0xff) << 24) |
         (((nwid >> 24) & 0xff) << 16) | (((nwid >> 32) & 0xff) << 8) | ((nwid >> 40) & 0xff);
}

}  // namespace

MacAddress MacAddress::from_address(Address address, std::uint64_t nwid) {
  const std::uint64_t m = (std::uint64_t{first_octet(nwid)} << 40) | address.value();
  return MacAddress(m ^ address_mask(nwid));
}

Address MacAddress::to_address(std::uint64_t nwid) const {
  return Address((value_ & 0xffffffffffULL) ^ address_mask(nwid));
}

}  // namespace zt
