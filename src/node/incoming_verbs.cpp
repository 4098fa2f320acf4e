// The VL1 verbs other than HELLO (vl1.md §12): OK, ERROR, WHOIS,
// RENDEZVOUS, ECHO and PUSH_DIRECT_PATHS.
#include <array>

#include "node/node_engine.hpp"
#include "proto/verbs/echo.hpp"
#include "proto/verbs/ok_error.hpp"
#include "proto/verbs/push_direct_paths.hpp"
#include "proto/verbs/rendezvous.hpp"
#include "proto/verbs/whois.hpp"

namespace zt {

void NodeEngine::on_ok(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                       const Packet& packet) {
  const std::optional<OkMessage> ok = parse_ok(packet.payload());
  if (!ok) {
    ++counters_.drop_malformed;
    return;
  }
  switch (static_cast<Verb>(static_cast<std::uint8_t>(ok->in_re_verb) & kVerbMask)) {
    case Verb::kHello:
      on_ok_hello(now, peer, socket, from, packet.hops(), ok->body);
      return;
    case Verb::kWhois:
      on_ok_whois(now, peer, ok->body);
      return;
    case Verb::kEcho:
      on_ok_echo(now, peer, socket, from, packet, ok->body);
      return;
    default:
      if (!offer_to_handler(now, peer, socket, from, packet)) ++counters_.drop_unsupported;
      return;
  }
}

// §12.4: only upstreams tell us identities. Upstream trusts them blindly;
// we check the proof of work, under the node-wide validation ceiling.
void NodeEngine::on_ok_whois(std::int64_t now, Peer& peer, std::span<const std::uint8_t> body) {
  if (!topology_.is_upstream(peer.address())) {
    ++counters_.drop_unexpected_reply;
    return;
  }
  const std::optional<OkWhois> ok = parse_ok_whois(body);
  if (!ok) {
    ++counters_.drop_malformed;
    return;
  }
  const Identity& id = ok->identity;
  if (Peer* known = topology_.find(id.address())) {
    // Known already (a HELLO may have beaten the reply): release what waits.
    if (known->identity() == id) identity_arrived(now, *known);
    else ++counters_.drop_invalid_identity;
    return;
  }
  if (id.address().is_reserved() || id.address() == me_.address()) {
    ++counters_.drop_invalid_identity;
    return;
  }
  if (!identity_limiter_.allow_global(now)) {
    ++counters_.drop_rate_limited;  // the WHOIS is retried while anything waits
    return;
  }
  if (!id.locally_validate()) {
    ++counters_.drop_invalid_identity;
    return;
  }
  if (Peer* added = topology_.add(id, now)) {
    remember_identity(added->identity());
    identity_arrived(now, *added);
  }
}

// Packets and sends that waited for this identity go now.
void NodeEngine::identity_arrived(std::int64_t now, Peer& peer) {
  const Address address = peer.address();
  whois_.done(address);
  for (HeldPacket& held : held_.take(address)) {
    std::optional<Packet> packet = Packet::from_bytes(held.bytes);
    Peer* p = topology_.find(address);
    if (packet && p) decode_from_peer(now, *p, held.socket, held.from, *packet);
  }
  for (QueuedSend& q : queued_.take(address)) {
    Peer* p = topology_.find(address);
    if (!p || !send_now(now, *p, q.verb, q.payload)) {
      if (queued_.push(std::move(q))) ++counters_.drop_unknown_peer;  // still no route
    }
  }
}

void NodeEngine::on_ok_echo(std::int64_t now, Peer& peer, LocalSocket socket,
                            const InetAddress& from, const Packet& packet,
                            std::span<const std::uint8_t> body) {
  // Node::echo's ECHOs carry an 8-byte id; empty ones are keepalives. In-re
  // ECHO is also how 1.14.1 acknowledges NETWORK_CONFIG (§22): VL2's.
  std::optional<OutstandingEchoes::Entry> mine;
  if (body.size() >= 8) mine = echoes_.take(load_be(body.data(), 8), peer.address(), now);
  if (!mine) {
    if (!body.empty()) offer_to_handler(now, peer, socket, from, packet);
    return;
  }
  NodeEvent e = event(NodeEventType::kEchoReply, peer.address());
  e.echo_id = mine->id;
  e.rtt_ms = now - mine->sent;
  e.via_relay = packet.hops() > 0;
  e.endpoint = from;
  if (packet.hops() == 0 && e.rtt_ms <= 0xffff) {
    if (Path* path = peer.find_path(socket, from)) {
      path->update_latency(static_cast<int>(e.rtt_ms));
      peer.set_latency(path->latency());
    }
  }
  emit(e);
}

void NodeEngine::on_error(std::int64_t now, Peer& peer, LocalSocket socket,
                          const InetAddress& from, const Packet& packet) {
  const std::optional<ErrorMessage> error = parse_error(packet.payload());
  if (!error) {
    ++counters_.drop_malformed;
    return;
  }
  const Verb in_re = static_cast<Verb>(static_cast<std::uint8_t>(error->in_re_verb) & kVerbMask);
  if (error->code == static_cast<std::uint8_t>(ErrorCode::kIdentityCollision)) {
    // §13: fatal, but only a root may say so; anyone else could lie.
    if (in_re == Verb::kHello && topology_.is_upstream(peer.address())) {
      NodeEvent e = event(NodeEventType::kIdentityCollision, peer.address());
      e.message = "a root reports that another node holds address " + me_.address().to_string();
      emit(e);
    }
    return;
  }
  offer_to_handler(now, peer, socket, from, packet);
}

void NodeEngine::on_whois(std::int64_t now, Peer& peer, LocalSocket socket,
                          const InetAddress& from, const Packet& packet) {
  if (!topology_.am_root() && !peer.rate_gate_whois(now)) {
    ++counters_.drop_rate_limited;
    return;
  }
  const std::optional<Whois> whois = parse_whois(packet.payload());
  if (!whois) {
    ++counters_.drop_malformed;
    return;
  }
  // Whatever fits one reply; unknown addresses are simply left out (§12.5).
  constexpr std::size_t kMaxIdentities =
      (kMaxPacketLength - kPayloadOffset - 9) / Identity::kPublicBinarySize;
  std::vector<Identity> known;
  for (Address a : whois->addresses) {
    if (known.size() >= kMaxIdentities) break;
    if (a == me_.address()) known.push_back(me_.public_only());
    else if (const Peer* p = topology_.find(a)) known.push_back(p->identity());
  }
  if (known.empty()) return;
  Bytes body;
  ByteWriter w(body);
  write_ok_whois(w, known);
  send_ok(now, peer, packet, body, Endpoint{socket, from});
}

// §12.6: a root tells us where a peer is; open the NAT, then say hello.
void NodeEngine::on_rendezvous(std::int64_t now, Peer& peer, const Packet& packet) {
  if (!topology_.is_upstream(peer.address())) {
    ++counters_.drop_unsupported;
    return;
  }
  const std::optional<Rendezvous> rv = parse_rendezvous(packet.payload());
  if (!rv || rv->at.port() == 0) {
    ++counters_.drop_malformed;
    return;
  }
  Peer* with = topology_.find(rv->with);
  if (!with) return;
  if (!path_allowed(rv->at, options_.allow_loopback_paths) ||
      !topology_.endpoint_allowed(with->address(), rv->at)) {
    ++counters_.drop_path_refused;
    return;
  }
  std::array<std::uint8_t, 4> junk{};
  host_.random_bytes(junk.data(), junk.size());
  host_.send_datagram(kAnySocket, rv->at, junk, 2);
  ++counters_.tx_datagrams;
  contact(now, *with, Endpoint{kAnySocket, rv->at}, false);
}

void NodeEngine::on_echo(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                         const Packet& packet) {
  if (!echo_reply_gate_.allow(hash_endpoint(hash_seed_, socket, from), now)) {
    ++counters_.drop_rate_limited;
    return;
  }
  Bytes body;
  ByteWriter w(body);
  write_echo(w, parse_echo(packet.payload()));
  send_ok(now, peer, packet, body, Endpoint{socket, from});
}

// §12.16: try the endpoints a peer says it has, a few per scope and family.
void NodeEngine::on_push_direct_paths(std::int64_t now, Peer& peer, const Packet& packet) {
  if (!peer.rate_gate_push_direct_paths(now)) {
    ++counters_.drop_rate_limited;
    return;
  }
  const std::optional<PushDirectPaths> push = parse_push_direct_paths(packet.payload());
  if (!push) {
    ++counters_.drop_malformed;
    return;
  }
  std::array<std::array<std::size_t, 2>, kIpScopeCount> tried{};
  for (const DirectPath& d : push->paths) {
    if (d.flags & kDirectPathFlagForget) continue;
    const bool active = std::any_of(peer.paths().begin(), peer.paths().end(), [&](const Path& p) {
      return p.address() == d.address && p.alive(now);
    });
    if (active) continue;
    if (!path_allowed(d.address, options_.allow_loopback_paths) ||
        !topology_.endpoint_allowed(peer.address(), d.address)) {
      ++counters_.drop_path_refused;
      continue;
    }
    std::size_t& count = tried[static_cast<int>(ip_scope(d.address))][d.address.is_v6() ? 1 : 0];
    if (++count > kPushDirectPathsMaxPerScopeAndFamily) continue;
    contact(now, peer, Endpoint{kAnySocket, d.address}, false);
  }
}

}  // namespace zt
