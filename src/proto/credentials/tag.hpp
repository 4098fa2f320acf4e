#pragma once
// A Tag (vl2.md §8.2): a (id, value) pair the controller attaches to a
// member, matched by rules.
#include <cstdint>
#include <optional>
#include <span>

#include "proto/credentials/credential.hpp"

namespace zt {

struct Tag {
  std::uint64_t network_id = 0;
  std::int64_t timestamp = 0;
  std::uint32_t id = 0;
  std::uint32_t value = 0;
  Address issued_to;
  Address signed_by;
  Signature signature{};

  // One tag from `r`; fails the reader (and returns nullopt) when truncated
  // or a type-1 signature is not 96 bytes.
  static std::optional<Tag> read(ByteReader& r);
  static std::optional<Tag> parse(std::span<const std::uint8_t> bytes);  // exactly one
  void write(ByteWriter& w) const;
  Bytes serialize() const;

  Bytes signing_message() const;
  // Sets signed_by and the signature; false without a private key.
  bool sign(const Identity& controller);
  bool verify(const Identity& controller) const;

  friend bool operator==(const Tag&, const Tag&) = default;
};

}  // namespace zt
