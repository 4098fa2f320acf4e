#pragma once
// A 40-bit ZeroTier address, derived from an identity's public key.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace zt {

class Address {
 public:
  static constexpr std::size_t kLength = 5;
  static constexpr std::uint8_t kReservedPrefix = 0xff;  // tells fragments from heads

  constexpr Address() = default;
  constexpr explicit Address(std::uint64_t v) : value_(v & 0xffffffffffULL) {}

  static Address from_bytes(const std::uint8_t* p);
  // Exactly 10 hex digits.
  static std::optional<Address> from_string(std::string_view text);

  void to_bytes(std::uint8_t* p) const;
  std::string to_string() const;

  constexpr std::uint64_t value() const { return value_; }
  constexpr bool is_nil() const { return value_ == 0; }
  // Zero and the 0xff prefix are never valid identity addresses.
  constexpr bool is_reserved() const { return value_ == 0 || (value_ >> 32) == kReservedPrefix; }

  friend constexpr auto operator<=>(Address, Address) = default;

 private:
  std::uint64_t value_ = 0;
};

}  // namespace zt

template <>
struct std::hash<zt::Address> {
  std::size_t operator()(zt::Address a) const noexcept { return std::hash<std::uint64_t>{}(a.value()); }
};
