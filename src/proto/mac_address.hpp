#pragma once
// A 48-bit Ethernet MAC address, and the per-network MAC each member derives
// from its ZeroTier address (vl2.md §2).
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "proto/address.hpp"
#include "proto/byte_io.hpp"

namespace zt {

class MacAddress {
 public:
  static constexpr std::size_t kLength = 6;
  static constexpr std::uint64_t kMask = 0xffffffffffffULL;

  constexpr MacAddress() = default;
  constexpr explicit MacAddress(std::uint64_t v) : value_(v & kMask) {}

  static MacAddress from_bytes(const std::uint8_t* p);
  // "02:63:62:d3:a1:d3" (either case); nothing else.
  static std::optional<MacAddress> from_string(std::string_view text);
  // Six bytes in transmission order; a short reader latches !ok() and yields zero.
  static MacAddress read(ByteReader& r);

  void to_bytes(std::uint8_t* p) const;
  void write(ByteWriter& w) const;
  std::string to_string() const;

  constexpr std::uint64_t value() const { return value_; }
  constexpr bool is_nil() const { return value_ == 0; }
  // The group bit is the least significant bit of the first octet.
  constexpr bool is_multicast() const { return ((value_ >> 40) & 0x01) != 0; }
  constexpr bool is_broadcast() const { return value_ == kMask; }

  // The first octet of every member MAC on network `nwid`: locally
  // administered, never multicast, and never 0x52 (KVM/libvirt's prefix).
  static std::uint8_t first_octet(std::uint64_t nwid);
  // The MAC a member with `address` uses on network `nwid`.
  static MacAddress from_address(Address address, std::uint64_t nwid);
  // The inverse of from_address; meaningful only when the first octet matches.
  Address to_address(std::uint64_t nwid) const;

  friend constexpr auto operator<=>(MacAddress, MacAddress) = default;

 private:
  std::uint64_t value_ = 0;
};

}  // namespace zt

template <>
struct std::hash<zt::MacAddress> {
  std::size_t operator()(zt::MacAddress m) const noexcept {
    return std::hash<std::uint64_t>{}(m.value());
  }
};
