// HELLO and OK(HELLO) (vl1.md §14): authenticating a peer from the
// identity it sends, answering, and world (planet/moon) updates.
#include "node/node_engine.hpp"
#include "proto/packet_armor.hpp"
#include "proto/verbs/hello.hpp"
#include "proto/verbs/ok_error.hpp"

namespace zt {

void NodeEngine::on_hello(std::int64_t now, LocalSocket socket, const InetAddress& from,
                          Packet& packet) {
  // The clear part names the identity; the cryptField part needs its key.
  const std::span<const std::uint8_t> payload = packet.payload();
  const std::optional<std::size_t> clear_size = hello_crypt_field_offset(payload);
  const std::optional<Hello> clear =
      clear_size ? parse_hello(payload.first(*clear_size)) : std::nullopt;
  if (!clear) {
    ++counters_.drop_malformed;
    return;
  }
  if (clear->protocol_version < kProtoVersionMin) {
    ++counters_.drop_unsupported;
    return;
  }
  if (clear->identity.address() != packet.source()) {
    ++counters_.drop_invalid_identity;
    return;
  }
  const std::uint64_t wire_id = packet.packet_id();
  Peer* peer = topology_.find(packet.source());
  const bool known = peer != nullptr;
  if (peer && !(peer->identity() == clear->identity)) {
    on_hello_collision(now, socket, from, packet, clear->identity);
    return;
  }
  if (peer) {
    if (!dearmor(packet.bytes(), peer->key())) {
      ++counters_.drop_bad_mac;
      return;
    }
  } else {
    // §14.2 step 4: the MAC proves the X25519 key, then the (costly,
    // rate-limited) proof of work proves the address belongs to it.
    const std::optional<SymmetricKey> key = me_.agree(clear->identity);
    if (!key) {
      ++counters_.drop_invalid_identity;
      return;
    }
    if (!dearmor(packet.bytes(), PeerKey(*key))) {
      ++counters_.drop_bad_mac;
      return;
    }
    if (!identity_limiter_.allow_source(from, now)) {
      ++counters_.drop_rate_limited;
      return;
    }
    if (!clear->identity.locally_validate()) {
      ++counters_.drop_invalid_identity;
      return;
    }
    peer = topology_.add(clear->identity, now);
    if (!peer) {
      ++counters_.drop_invalid_identity;
      return;
    }
    remember_identity(peer->identity());
  }
  if (!peer->replay().check_and_insert(wire_id)) {
    ++counters_.drop_replayed;
    return;
  }
  ++counters_.rx_packets;
  peer->received(now);
  process_hello(now, *peer, socket, from, packet);
  if (!known) identity_arrived(now, *peer);
}

// §14.2 step 2: someone else claims a known address. Answer only if the
// claimant really holds that key, and never faster than identity checks.
void NodeEngine::on_hello_collision(std::int64_t now, LocalSocket socket, const InetAddress& from,
                                    Packet& packet, const Identity& claimed) {
  ++counters_.drop_invalid_identity;
  if (!identity_limiter_.allow_source(from, now)) return;
  const std::optional<SymmetricKey> key = me_.agree(claimed);
  if (!key) return;
  const PeerKey claimant_key(*key);
  if (!dearmor(packet.bytes(), claimant_key)) return;
  Packet reply = new_packet(packet.source(), Verb::kError);
  Bytes body;
  ByteWriter w(body);
  ErrorMessage e;
  e.in_re_verb = Verb::kHello;
  e.in_re_packet_id = packet.packet_id();
  e.code = static_cast<std::uint8_t>(ErrorCode::kIdentityCollision);
  write_error(w, e);
  if (reply.append_bytes(body))
    send_armored(now, reply, claimant_key, CipherSuite::kPoly1305Salsa2012, Endpoint{socket, from},
                 mtu_);
}

void NodeEngine::process_hello(std::int64_t now, Peer& peer, LocalSocket socket,
                               const InetAddress& from, Packet& packet) {
  const std::optional<std::size_t> clear_size = hello_crypt_field_offset(packet.payload());
  if (!clear_size) {
    ++counters_.drop_malformed;
    return;
  }
  const std::size_t start = kPayloadOffset + *clear_size;
  if (start < packet.size())
    crypt_field(packet.bytes(), peer.key().bytes(), start, packet.size() - start);
  const std::optional<Hello> hello = parse_hello(packet.payload());
  if (!hello || hello->protocol_version < kProtoVersionMin ||
      !(hello->identity == peer.identity())) {
    ++counters_.drop_malformed;
    return;
  }
  // Recorded before replying, so even the first OK(HELLO) uses suite 3 with
  // v12 peers (upstream sends that one with suite 1; both are accepted).
  peer.set_remote_version(hello->protocol_version, hello->version_major, hello->version_minor,
                          hello->version_revision);
  if (packet.hops() == 0 && !hello->physical_destination.is_nil())
    report_surface(now, peer, from, hello->physical_destination);

  OkHello ok;
  ok.timestamp = hello->timestamp;
  ok.protocol_version = kProtoVersion;
  ok.version_major = kSoftwareVersionMajor;
  ok.version_minor = kSoftwareVersionMinor;
  ok.version_revision = kSoftwareVersionRevision;
  ok.physical_source = from;
  if (hello->protocol_version < 5) ok.physical_source.set_port(0);
  const Bytes worlds = world_updates_for(*hello);
  ok.world_updates = worlds;
  Bytes body;
  ByteWriter w(body);
  write_ok_hello(w, ok);
  send_ok(now, peer, packet, body, Endpoint{socket, from});

  if (packet.hops() == 0) learn_path(now, peer, socket, from, false);
}

// §14.3: our planet if the sender has an older revision of it, and any moon
// it listed with an older timestamp, as long as the reply stays one packet.
Bytes NodeEngine::world_updates_for(const Hello& hello) const {
  constexpr std::size_t kRoom = kMaxPacketLength - kPayloadOffset - 9 - 14 - 19 - 2;
  Bytes out;
  auto offer = [&](const World& w) {
    const Bytes bytes = w.to_bytes();
    if (out.size() + bytes.size() <= kRoom) out.insert(out.end(), bytes.begin(), bytes.end());
  };
  const World& planet = topology_.planet();
  if (hello.planet && hello.planet->id == planet.id && hello.planet->timestamp < planet.timestamp)
    offer(planet);
  for (const HelloMoon& m : hello.moons) {
    const World* moon = topology_.moon(m.world.id);
    if (moon && m.world.timestamp < moon->timestamp) offer(*moon);
  }
  return out;
}

void NodeEngine::on_ok_hello(std::int64_t now, Peer& peer, LocalSocket socket,
                             const InetAddress& from, std::uint8_t hops,
                             std::span<const std::uint8_t> body) {
  const std::optional<OkHello> ok = parse_ok_hello(body);
  if (!ok) {
    ++counters_.drop_malformed;
    return;
  }
  if (ok->protocol_version < kProtoVersionMin) {
    ++counters_.drop_unsupported;
    return;
  }
  peer.set_remote_version(ok->protocol_version, ok->version_major, ok->version_minor,
                          ok->version_revision);
  // The echoed timestamp is the peer's word: only one of our recent clock
  // readings gives a round trip (found by fuzz_node: a huge one overflowed).
  const std::uint64_t now_ms = static_cast<std::uint64_t>(now);
  if (hops == 0) {
    if (now >= 0 && ok->timestamp <= now_ms && now_ms - ok->timestamp <= 0xffff) {
      const int rtt = static_cast<int>(now_ms - ok->timestamp);
      if (Path* path = peer.find_path(socket, from)) {
        path->update_latency(rtt);
        peer.set_latency(path->latency());
      }
    }
    if (!ok->physical_source.is_nil()) report_surface(now, peer, from, ok->physical_source);
  }
  if (!ok->world_updates.empty() && topology_.is_upstream(peer.address()))
    apply_world_updates(now, ok->world_updates);
}

// §16.3: updates only from upstreams, and only as signed successors of
// worlds we already hold; each accepted one is stored for the next start.
void NodeEngine::apply_world_updates(std::int64_t now, std::span<const std::uint8_t> worlds) {
  ByteReader r(worlds);
  while (r.remaining() > 0) {
    const std::optional<World> w = World::deserialize(r);
    if (!w) {
      ++counters_.drop_malformed;
      return;
    }
    bool accepted = false;
    if (w->type == World::Type::kPlanet && topology_.planet().should_be_replaced_by(*w)) {
      topology_.set_planet(*w, now);
      accepted = true;
    } else if (w->type == World::Type::kMoon) {
      const World* existing = topology_.moon(w->id);
      if (existing && !existing->is_null() && existing->should_be_replaced_by(*w)) {
        topology_.set_moon(*w, now);
        accepted = true;
      }
    }
    if (!accepted) continue;
    store_world(*w);
    NodeEvent e = event(NodeEventType::kWorldUpdated, Address());
    e.message = (w->type == World::Type::kPlanet ? "planet " : "moon ") + to_hex_u64(w->id, 16) +
                " revision " + std::to_string(w->timestamp);
    emit(e);
  }
}

void NodeEngine::report_surface(std::int64_t now, Peer& peer, const InetAddress& from,
                                const InetAddress& surface) {
  const bool upstream = topology_.is_upstream(peer.address());
  if (!self_.report(peer.address(), upstream, from, surface, now)) return;
  // An upstream sees us at a new address: NAT mappings in that scope and
  // family may have changed, so re-contact every path there (§18.4).
  const IpScope scope = ip_scope(surface);
  for (auto& [address, other] : topology_.peers()) {
    for (const Path& p : std::vector<Path>(other->paths())) {
      if (p.scope() == scope && p.address().family() == surface.family())
        contact(now, *other, Endpoint{p.socket(), p.address()}, false);
    }
  }
}

}  // namespace zt
