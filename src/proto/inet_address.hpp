#pragma once
// An IP endpoint (IPv4 or IPv6 address and port) and its wire form (vl1.md §15).
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/byte_io.hpp"

namespace zt {

class InetAddress {
 public:
  enum class Family : std::uint8_t { kNone = 0, kV4 = 4, kV6 = 6 };

  InetAddress() = default;
  static InetAddress v4(const std::uint8_t ip[4], std::uint16_t port);
  static InetAddress v6(const std::uint8_t ip[16], std::uint16_t port);
  // "1.2.3.4/9993", "2001:db8::1/9993"; the port may be omitted (0).
  static std::optional<InetAddress> from_string(std::string_view text);

  Family family() const { return family_; }
  bool is_nil() const { return family_ == Family::kNone; }
  bool is_v4() const { return family_ == Family::kV4; }
  bool is_v6() const { return family_ == Family::kV6; }
  std::uint16_t port() const { return port_; }
  void set_port(std::uint16_t p) { port_ = p; }
  // 4 or 16 bytes of address in network order (empty for nil).
  const std::uint8_t* ip() const { return ip_.data(); }
  std::size_t ip_length() const { return is_v4() ? 4 : is_v6() ? 16 : 0; }

  // "ip/port", or "(nil)".
  std::string to_string() const;
  std::string ip_string() const;

  // 1, 7 or 19 bytes.
  void serialize(ByteWriter& w) const;
  // Types 0x01/0x02 and 0x03 are skipped as upstream does (yielding nil);
  // unknown types fail the reader.
  static InetAddress deserialize(ByteReader& r);

  friend bool operator==(const InetAddress&, const InetAddress&) = default;
  friend std::strong_ordering operator<=>(const InetAddress&, const InetAddress&) = default;

 private:
  Family family_ = Family::kNone;
  std::uint16_t port_ = 0;
  std::array<std::uint8_t, 16> ip_{};
};

}  // namespace zt
