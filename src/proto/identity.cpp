#include "proto/identity.hpp"

#include <memory>
#include <vector>

#include "crypto/constant_time.hpp"
#include "crypto/scratch_memory.hpp"
#include "crypto/random.hpp"
#include "crypto/sha.hpp"
#include "proto/hex.hpp"
#include "proto/identity_hash.hpp"

namespace zt {
namespace {

constexpr std::uint8_t kTypeC25519 = 0;
constexpr std::size_t kMaxStringSize = 383;  // upstream's parse buffer less its NUL

Address address_from_digest(const std::uint8_t digest[64]) { return Address::from_bytes(digest + 59); }

std::nullopt_t fail(std::string* error, const char* why) {
  if (error) *error = why;
  return std::nullopt;
}

}  // namespace

Identity Identity::generate() {
  crypto::ScratchMemory scratch(kIdentityHashMemory);
  for (;;) {
    crypto::C25519KeyPair kp = crypto::c25519_generate();
    std::uint8_t digest[64];
    // Walk the X25519 half until the hash meets the threshold; the Ed25519
    // half is fixed, so only its first 32 public bytes change.
    for (;;) {
      crypto::x25519_public_from_private(kp.pub.data(), kp.priv.data());
      identity_memory_hard_hash(kp.pub.data(), digest, scratch.data());
      if (digest[0] < kIdentityHashcashThreshold) break;
      std::uint64_t counter = load_be(kp.priv.data() + 8, 8) + 1;
      store_be(kp.priv.data() + 8, counter, 8);
    }
    Identity id;
    id.address_ = address_from_digest(digest);
    if (id.address_.is_reserved()) continue;
    id.public_ = kp.pub;
    id.private_ = kp.priv;
    return id;
  }
}

std::optional<Identity> Identity::from_string(std::string_view text, std::string* error) {
  if (text.size() > kMaxStringSize) return fail(error, "identity string too long");
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = text.find(':', start);
    fields.push_back(text.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() < 3 || fields.size() > 4) return fail(error, "expected address:0:public-key[:private-key]");
  Identity id;
  auto addr = Address::from_string(fields[0]);
  if (!addr) return fail(error, "address is not 10 hex digits");
  if (addr->is_reserved()) return fail(error, "address is reserved (zero or ff prefix)");
  id.address_ = *addr;
  if (fields[1] != "0") return fail(error, "unsupported identity type (only 0 exists)");
  if (!from_hex_exact(fields[2], id.public_)) return fail(error, "public key is not 128 hex digits");
  if (fields.size() == 4) {
    crypto::C25519Private priv{};
    if (!from_hex_exact(fields[3], priv)) return fail(error, "private key is not 128 hex digits");
    id.private_ = priv;
  }
  return id;
}

std::optional<Identity> Identity::deserialize(ByteReader& r) {
  Identity id;
  id.address_ = Address(r.u40());
  if (r.u8() != kTypeC25519) r.fail();
  r.copy(id.public_.data(), id.public_.size());
  const std::uint8_t priv_len = r.u8();
  if (priv_len == crypto::kC25519PrivateSize) {
    crypto::C25519Private priv{};
    r.copy(priv.data(), priv.size());
    id.private_ = priv;
  } else if (priv_len != 0) {
    r.fail();
  }
  if (!r.ok() || id.address_.is_reserved()) return std::nullopt;
  return id;
}

std::string Identity::to_string(bool include_private) const {
  std::string s = address_.to_string() + ":0:" + to_hex(public_);
  if (include_private && private_) s += ":" + to_hex(*private_);
  return s;
}

void Identity::serialize(ByteWriter& w, bool include_private) const {
  w.u40(address_.value());
  w.u8(kTypeC25519);
  w.bytes(public_);
  if (include_private && private_) {
    w.u8(static_cast<std::uint8_t>(private_->size()));
    w.bytes(*private_);
  } else {
    w.u8(0);
  }
}

bool Identity::locally_validate() const {
  if (address_.is_reserved()) return false;
  std::uint8_t digest[64];
  identity_memory_hard_hash(public_.data(), digest);
  return digest[0] < kIdentityHashcashThreshold && address_from_digest(digest) == address_;
}

std::optional<SymmetricKey> Identity::agree(const Identity& other) const {
  if (!private_) return std::nullopt;
  std::uint8_t raw[crypto::kC25519SharedSize];
  if (!crypto::c25519_agree(raw, *private_, other.public_)) return std::nullopt;
  std::uint8_t digest[crypto::kSha512Size];
  crypto::sha512(digest, raw, sizeof raw);
  SymmetricKey key;
  std::copy(digest, digest + kSymmetricKeySize, key.begin());
  crypto::secure_zero(raw, sizeof raw);
  crypto::secure_zero(digest, sizeof digest);
  return key;
}

crypto::C25519Signature Identity::sign(const void* msg, std::size_t len) const {
  return crypto::c25519_sign(*private_, public_, msg, len);
}

bool Identity::verify(const void* msg, std::size_t len, const std::uint8_t* sig,
                      std::size_t sig_len) const {
  return crypto::c25519_verify(public_, msg, len, sig, sig_len);
}

Identity Identity::public_only() const {
  Identity id = *this;
  id.private_.reset();
  return id;
}

}  // namespace zt
