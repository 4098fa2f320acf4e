#include "proto/verbs/hello.hpp"

namespace zt {
namespace {

constexpr std::size_t kMoonEntrySize = 1 + 8 + 8;

// Reads everything before the cryptField part. False if it is malformed.
bool read_clear_part(ByteReader& r, Hello& h) {
  h.protocol_version = r.u8();
  h.version_major = r.u8();
  h.version_minor = r.u8();
  h.version_revision = r.u16();
  h.timestamp = r.u64();
  auto id = Identity::deserialize(r);
  // A private key has no business on the wire.
  if (!r.ok() || !id || id->has_private()) return false;
  h.identity = *id;
  if (!r.at_end()) h.physical_destination = InetAddress::deserialize(r);
  if (r.remaining() >= 16) {
    WorldVersion planet;
    planet.id = r.u64();
    planet.timestamp = r.u64();
    h.planet = planet;
  }
  return r.ok();
}

}  // namespace

std::optional<std::size_t> hello_crypt_field_offset(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  Hello h;
  if (!read_clear_part(r, h)) return std::nullopt;
  return r.position();
}

std::optional<Hello> parse_hello(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  Hello h;
  if (!read_clear_part(r, h)) return std::nullopt;
  // Upstream reads the moon list only when its 2-byte count is there, and
  // ignores a lone trailing byte.
  if (r.remaining() >= 2) {
    const std::size_t count = r.u16();
    if (count * kMoonEntrySize > r.remaining()) return std::nullopt;
    h.moons.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      HelloMoon m;
      m.type = r.u8();
      m.world.id = r.u64();
      m.world.timestamp = r.u64();
      h.moons.push_back(m);
    }
  }
  if (!r.ok()) return std::nullopt;
  return h;
}

std::size_t write_hello(ByteWriter& w, const Hello& h) {
  w.u8(h.protocol_version);
  w.u8(h.version_major);
  w.u8(h.version_minor);
  w.u16(h.version_revision);
  w.u64(h.timestamp);
  h.identity.serialize(w, false);
  h.physical_destination.serialize(w);
  if (!h.planet) return w.size();
  w.u64(h.planet->id);
  w.u64(h.planet->timestamp);
  const std::size_t crypt_start = w.size();
  w.u16(static_cast<std::uint16_t>(h.moons.size()));
  for (const HelloMoon& m : h.moons) {
    w.u8(m.type);
    w.u64(m.world.id);
    w.u64(m.world.timestamp);
  }
  return crypt_start;
}

std::optional<OkHello> parse_ok_hello(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  OkHello ok;
  ok.timestamp = r.u64();
  ok.protocol_version = r.u8();
  ok.version_major = r.u8();
  ok.version_minor = r.u8();
  ok.version_revision = r.u16();
  ok.physical_source = InetAddress::deserialize(r);
  ok.world_updates = r.take(r.u16());
  if (!r.ok()) return std::nullopt;
  return ok;
}

void write_ok_hello(ByteWriter& w, const OkHello& ok) {
  w.u64(ok.timestamp);
  w.u8(ok.protocol_version);
  w.u8(ok.version_major);
  w.u8(ok.version_minor);
  w.u16(ok.version_revision);
  ok.physical_source.serialize(w);
  w.u16(static_cast<std::uint16_t>(ok.world_updates.size()));
  w.bytes(ok.world_updates);
}

}  // namespace zt
