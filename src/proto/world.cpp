#include "proto/world.hpp"

#include <algorithm>
#include <cstring>

namespace zt {
namespace {

constexpr std::uint8_t kSignedPrefixByte = 0x7f;
constexpr std::uint8_t kSignedSuffixByte = 0xf7;
constexpr std::size_t kSignedFramingSize = 8;

bool valid_type(std::uint8_t t) {
  return t == static_cast<std::uint8_t>(World::Type::kNull) ||
         t == static_cast<std::uint8_t>(World::Type::kPlanet) ||
         t == static_cast<std::uint8_t>(World::Type::kMoon);
}

// Upstream sorts sockaddr structs: families by their OS numbers, and the
// port and IPv4 address as network-order fields read as little-endian
// integers. These keys reproduce that order on any host.
int family_rank(const InetAddress& a) {
  if (a.is_v4()) return 2;   // AF_INET
  if (a.is_v6()) return 10;  // AF_INET6
  return 0;                  // AF_UNSPEC
}
std::uint16_t port_key(const InetAddress& a) {
  return static_cast<std::uint16_t>(((a.port() & 0xff) << 8) | (a.port() >> 8));
}
std::uint32_t ipv4_key(const InetAddress& a) {
  const std::uint8_t* ip = a.ip();
  return static_cast<std::uint32_t>(ip[0]) | (static_cast<std::uint32_t>(ip[1]) << 8) |
         (static_cast<std::uint32_t>(ip[2]) << 16) | (static_cast<std::uint32_t>(ip[3]) << 24);
}

bool endpoint_less(const InetAddress& a, const InetAddress& b) {
  if (family_rank(a) != family_rank(b)) return family_rank(a) < family_rank(b);
  if (a.is_nil()) return false;
  if (port_key(a) != port_key(b)) return port_key(a) < port_key(b);
  if (a.is_v4()) return ipv4_key(a) < ipv4_key(b);
  // IPv6: flowinfo and scope id are always 0 for our endpoints.
  return std::memcmp(a.ip(), b.ip(), 16) < 0;
}

bool root_less(const World::Root& a, const World::Root& b) {
  if (a.identity.address() != b.identity.address())
    return a.identity.address() < b.identity.address();
  return a.identity.public_key() < b.identity.public_key();
}

}  // namespace

bool World::within_limits() const {
  if (roots.size() > kMaxRoots) return false;
  return std::all_of(roots.begin(), roots.end(), [](const Root& root) {
    return root.stable_endpoints.size() <= kMaxStableEndpoints;
  });
}

void World::serialize(ByteWriter& w, bool for_signing) const {
  if (for_signing)
    for (std::size_t i = 0; i < kSignedFramingSize; ++i) w.u8(kSignedPrefixByte);
  w.u8(static_cast<std::uint8_t>(type));
  w.u64(id);
  w.u64(timestamp);
  w.bytes(updates_must_be_signed_by);
  if (!for_signing) w.bytes(signature);
  w.u8(static_cast<std::uint8_t>(roots.size()));
  for (const Root& root : roots) {
    root.identity.serialize(w, false);
    w.u8(static_cast<std::uint8_t>(root.stable_endpoints.size()));
    for (const InetAddress& ep : root.stable_endpoints) ep.serialize(w);
  }
  if (type == Type::kMoon) w.u16(0);  // no attached dictionary
  if (for_signing)
    for (std::size_t i = 0; i < kSignedFramingSize; ++i) w.u8(kSignedSuffixByte);
}

Bytes World::to_bytes() const {
  Bytes out;
  ByteWriter w(out);
  serialize(w);
  return out;
}

std::optional<World> World::deserialize(ByteReader& r) {
  const std::size_t start = r.position();
  World world;
  const std::uint8_t type = r.u8();
  if (!valid_type(type)) return std::nullopt;
  world.type = static_cast<Type>(type);
  world.id = r.u64();
  world.timestamp = r.u64();
  r.copy(world.updates_must_be_signed_by.data(), world.updates_must_be_signed_by.size());
  r.copy(world.signature.data(), world.signature.size());
  const std::size_t root_count = r.u8();
  if (!r.ok() || root_count > kMaxRoots) return std::nullopt;
  for (std::size_t i = 0; i < root_count; ++i) {
    auto identity = Identity::deserialize(r);
    if (!identity) return std::nullopt;
    Root root{identity->public_only(), {}};
    const std::size_t endpoint_count = r.u8();
    if (!r.ok() || endpoint_count > kMaxStableEndpoints) return std::nullopt;
    for (std::size_t j = 0; j < endpoint_count && r.ok(); ++j)
      root.stable_endpoints.push_back(InetAddress::deserialize(r));
    if (!r.ok()) return std::nullopt;
    world.roots.push_back(std::move(root));
  }
  if (world.type == Type::kMoon) r.skip(r.u16());
  if (!r.ok() || r.position() - start > kMaxSerializedSize) return std::nullopt;
  return world;
}

Bytes World::signed_message() const {
  Bytes out;
  ByteWriter w(out);
  serialize(w, true);
  return out;
}

void World::sign(const crypto::C25519KeyPair& signer) {
  const Bytes message = signed_message();
  signature = crypto::c25519_sign(signer.priv, signer.pub, message.data(), message.size());
}

bool World::verify_signature(const crypto::C25519Public& key) const {
  const Bytes message = signed_message();
  return crypto::c25519_verify(key, message.data(), message.size(), signature.data(),
                               signature.size());
}

bool World::should_be_replaced_by(const World& next) const {
  // The first world is trusted by configuration, so it carries no check.
  if (is_null()) return true;
  return next.id == id && next.type == type && next.timestamp > timestamp &&
         next.verify_signature(updates_must_be_signed_by);
}

void World::sort_for_signing() {
  std::sort(roots.begin(), roots.end(), root_less);
  for (Root& root : roots)
    std::sort(root.stable_endpoints.begin(), root.stable_endpoints.end(), endpoint_less);
}

}  // namespace zt
