#pragma once
// HELLO (vl1.md §14.1) and its OK reply (§14.3). HELLO's tail (the moon
// list) travels under cryptField: the engine decrypts it, from
// hello_crypt_field_offset(), before calling parse_hello, and encrypts it
// from the offset write_hello returns.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/byte_io.hpp"
#include "proto/identity.hpp"
#include "proto/inet_address.hpp"

namespace zt {

inline constexpr std::uint8_t kWorldTypeMoon = 0x7f;

// A world the sender holds (or wants, with timestamp 0).
struct WorldVersion {
  std::uint64_t id = 0;
  std::uint64_t timestamp = 0;
  friend bool operator==(const WorldVersion&, const WorldVersion&) = default;
};

struct HelloMoon {
  std::uint8_t type = kWorldTypeMoon;  // upstream uses only entries of type moon
  WorldVersion world;
  friend bool operator==(const HelloMoon&, const HelloMoon&) = default;
};

struct Hello {
  std::uint8_t protocol_version = 0;
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 0;
  std::uint16_t version_revision = 0;
  std::uint64_t timestamp = 0;  // the sender's clock, echoed in OK(HELLO)
  Identity identity;            // public part only
  InetAddress physical_destination;  // where the sender sent it; nil if absent
  std::optional<WorldVersion> planet;
  std::vector<HelloMoon> moons;  // written only after a planet
};

// Where the cryptField part starts within `payload` (payload.size() when
// there is none); nullopt if the clear part before it is malformed.
std::optional<std::size_t> hello_crypt_field_offset(std::span<const std::uint8_t> payload);

// Lenient as upstream (§14.1): the address, the planet and the moon list are
// each optional at the end. The moon list must already be decrypted.
std::optional<Hello> parse_hello(std::span<const std::uint8_t> payload);

// Returns the writer position (w.size()) where the cryptField part starts;
// with no planet nothing is written after the address.
std::size_t write_hello(ByteWriter& w, const Hello& hello);

struct OkHello {
  std::uint64_t timestamp = 0;  // echoed from the HELLO
  std::uint8_t protocol_version = 0;
  std::uint8_t version_major = 0;
  std::uint8_t version_minor = 0;
  std::uint16_t version_revision = 0;
  InetAddress physical_source;  // the HELLO's source as the responder saw it
  // Zero or more serialized Worlds (planet/moon updates), under 64 KiB; a
  // view into the payload.
  std::span<const std::uint8_t> world_updates;
};

// `body` is what follows the OK header (see ok_error.hpp).
std::optional<OkHello> parse_ok_hello(std::span<const std::uint8_t> body);
void write_ok_hello(ByteWriter& w, const OkHello& ok);

}  // namespace zt
