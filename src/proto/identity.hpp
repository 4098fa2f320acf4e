#pragma once
// A node's identity: address + C25519 key pair, with the text and binary
// forms upstream uses (vl1.md §5). Only type 0 exists in protocol 1.x.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/c25519.hpp"
#include "proto/address.hpp"
#include "proto/byte_io.hpp"

namespace zt {

inline constexpr std::size_t kSymmetricKeySize = 48;
using SymmetricKey = std::array<std::uint8_t, kSymmetricKeySize>;

class Identity {
 public:
  static constexpr std::size_t kPublicBinarySize = 71;
  static constexpr std::size_t kSecretBinarySize = 135;
  static constexpr std::size_t kPublicStringSize = 141;
  static constexpr std::size_t kSecretStringSize = 270;

  Identity() = default;

  // A new identity with a valid proof of work (tens of milliseconds).
  static Identity generate();

  // Text form "address:0:public[:private]". Does not check the proof of work
  // (see locally_validate). On failure `error` (if given) says why.
  static std::optional<Identity> from_string(std::string_view text, std::string* error = nullptr);
  // Binary form; the reader fails on a bad type or private-key length.
  static std::optional<Identity> deserialize(ByteReader& r);

  std::string to_string(bool include_private) const;
  void serialize(ByteWriter& w, bool include_private) const;

  // Address not reserved, and the memory-hard hash of the public key both
  // meets the hashcash threshold and yields this address. Costs 2 MiB and
  // a few milliseconds: cache the answer.
  bool locally_validate() const;

  // The 48-byte per-peer key (X25519 then SHA-512). Needs our private key;
  // nullopt if we have none or the peer's key is a low-order point.
  std::optional<SymmetricKey> agree(const Identity& other) const;

  // Needs the private key (check has_private()).
  crypto::C25519Signature sign(const void* msg, std::size_t len) const;
  bool verify(const void* msg, std::size_t len, const std::uint8_t* sig, std::size_t sig_len) const;

  Address address() const { return address_; }
  const crypto::C25519Public& public_key() const { return public_; }
  bool has_private() const { return private_.has_value(); }
  const crypto::C25519Private& private_key() const { return *private_; }
  Identity public_only() const;
  bool is_nil() const { return address_.is_nil(); }

  // Same address and public key; the private key does not matter.
  friend bool operator==(const Identity& a, const Identity& b) {
    return a.address_ == b.address_ && a.public_ == b.public_;
  }

 private:
  Address address_;
  crypto::C25519Public public_{};
  std::optional<crypto::C25519Private> private_;
};

}  // namespace zt
