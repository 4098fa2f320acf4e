#pragma once
// A World (vl1.md §16): the signed list of roots of a planet or a moon, and
// the rules for replacing one revision with the next.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "crypto/c25519.hpp"
#include "proto/byte_io.hpp"
#include "proto/hex.hpp"
#include "proto/identity.hpp"
#include "proto/inet_address.hpp"

namespace zt {

struct World {
  enum class Type : std::uint8_t { kNull = 0, kPlanet = 1, kMoon = 127 };

  struct Root {
    Identity identity;
    std::vector<InetAddress> stable_endpoints;

    friend bool operator==(const Root&, const Root&) = default;
  };

  static constexpr std::size_t kMaxRoots = 4;
  static constexpr std::size_t kMaxStableEndpoints = 32;
  // Upstream's buffer for a serialized world; larger ones are refused.
  static constexpr std::size_t kMaxSerializedSize = ((1024 + 32 * 32) * 4) + 64 + 96 + 128;

  Type type = Type::kNull;
  std::uint64_t id = 0;
  std::uint64_t timestamp = 0;  // the revision, in ms
  crypto::C25519Public updates_must_be_signed_by{};
  crypto::C25519Signature signature{};
  std::vector<Root> roots;

  // A null world (id 0 or type null) accepts any replacement.
  bool is_null() const { return id == 0 || type == Type::kNull; }
  // Serializing a world beyond these limits would not round-trip.
  bool within_limits() const;

  // for_signing yields the signed message: 8 x 0x7f, the world without its
  // signature, 8 x 0xf7.
  void serialize(ByteWriter& w, bool for_signing = false) const;
  Bytes to_bytes() const;
  // Reads one world and leaves the reader just past it. Nullopt on a bad
  // type, more than kMaxRoots roots or kMaxStableEndpoints endpoints, a
  // truncated input or one longer than kMaxSerializedSize. A root's private
  // key, if present, is dropped.
  static std::optional<World> deserialize(ByteReader& r);

  Bytes signed_message() const;
  // Sets `signature`; updates_must_be_signed_by is left to the caller.
  void sign(const crypto::C25519KeyPair& signer);
  bool verify_signature(const crypto::C25519Public& key) const;

  // §16.3: a null world takes anything; otherwise `next` needs the same id
  // and type, a later timestamp, and a signature by our updates key.
  bool should_be_replaced_by(const World& next) const;

  // §16.4: the order upstream's tools put roots and endpoints in before
  // signing, which decides the bytes.
  void sort_for_signing();

  friend bool operator==(const World&, const World&) = default;
};

}  // namespace zt
