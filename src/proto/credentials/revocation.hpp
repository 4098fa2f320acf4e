#pragma once
// A Revocation (vl2.md §8.4): the controller declares a member's
// credentials of one type (and id) with timestamps up to a threshold void.
#include <cstdint>
#include <optional>
#include <span>

#include "proto/credentials/credential.hpp"

namespace zt {

struct Revocation {
  static constexpr std::uint64_t kFlagFastPropagate = 0x01;  // receivers forward it once

  std::uint32_t id = 0;
  std::uint64_t network_id = 0;
  std::uint32_t credential_id = 0;
  std::int64_t threshold = 0;
  std::uint64_t flags = 0;
  Address target;
  Address signed_by;
  CredentialType credential_type = CredentialType::kNull;  // any byte is kept as read
  Signature signature{};

  bool fast_propagate() const { return (flags & kFlagFastPropagate) != 0; }

  static std::optional<Revocation> read(ByteReader& r);
  static std::optional<Revocation> parse(std::span<const std::uint8_t> bytes);  // exactly one
  void write(ByteWriter& w) const;
  Bytes serialize() const;

  Bytes signing_message() const;
  bool sign(const Identity& controller);
  bool verify(const Identity& controller) const;

  friend bool operator==(const Revocation&, const Revocation&) = default;
};

}  // namespace zt
