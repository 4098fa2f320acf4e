#pragma once
// A Certificate of Ownership (vl2.md §8.1): the controller vouches that a
// member owns some MAC and IP addresses, so peers' rules can trust them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/credentials/credential.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt {

struct OwnedThing {
  enum Type : std::uint8_t { kNull = 0, kMac = 1, kIpv4 = 2, kIpv6 = 3 };
  std::uint8_t type = kNull;             // any byte is kept as read
  std::array<std::uint8_t, 16> value{};  // zero padded
  friend bool operator==(const OwnedThing&, const OwnedThing&) = default;
};

struct CertificateOfOwnership {
  static constexpr std::size_t kMaxThings = 16;

  std::uint64_t network_id = 0;
  std::int64_t timestamp = 0;
  std::uint64_t flags = 0;
  std::uint32_t id = 0;
  std::vector<OwnedThing> things;  // at most kMaxThings
  Address issued_to;
  Address signed_by;
  Signature signature{};

  // Add an IPv4/IPv6 address (a nil one is ignored) or a MAC; false when
  // already full.
  bool add(const InetAddress& ip);
  bool add(MacAddress mac);
  bool owns(const InetAddress& ip) const;
  bool owns(MacAddress mac) const;

  // A count above 16 reads only 16 things and leaves the rest unread, as
  // upstream does; what follows is then misparsed (never send more than 16).
  static std::optional<CertificateOfOwnership> read(ByteReader& r);
  static std::optional<CertificateOfOwnership> parse(std::span<const std::uint8_t> bytes);
  void write(ByteWriter& w) const;
  Bytes serialize() const;

  Bytes signing_message() const;
  bool sign(const Identity& controller);
  bool verify(const Identity& controller) const;

  friend bool operator==(const CertificateOfOwnership&, const CertificateOfOwnership&) = default;
};

}  // namespace zt
