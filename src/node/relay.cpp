// Forwarding packets and fragments for others, and introducing the two
// ends to each other (vl1.md §17).
#include <array>

#include "node/node_engine.hpp"
#include "proto/verbs/rendezvous.hpp"

namespace zt {

// Only roots relay: a leaf would also need "trust established" on the
// incoming path, a VL2 notion this engine does not have yet.
void NodeEngine::relay(std::int64_t now, const InetAddress& from,
                       std::span<const std::uint8_t> data, bool fragment, Address destination,
                       Address source) {
  const std::size_t hops_offset = fragment ? kFragmentHopsOffset : kFlagsOffset;
  const std::uint8_t hops = data[hops_offset] & kFlagHopsMask;
  if (!topology_.am_root() || hops >= kRelayMaxHops || destination.is_reserved()) {
    ++counters_.drop_relay;
    return;
  }
  Bytes copy(data.begin(), data.end());
  copy[hops_offset] = static_cast<std::uint8_t>((copy[hops_offset] & ~kFlagHopsMask) | (hops + 1));

  Peer* target = topology_.find(destination);
  Path* path = target ? target->best_path(now) : nullptr;
  if (!path) {
    // Another root may know the destination (never bounce it to the source).
    Peer* upstream = topology_.best_upstream(now, source);
    path = upstream ? upstream->best_path(now) : nullptr;
    if (!path || path->address() == from) {
      ++counters_.drop_relay;
      return;
    }
    target = nullptr;
  }
  host_.send_datagram(path->socket(), path->address(), copy, 0);
  path->sent(now);
  ++counters_.tx_datagrams;
  ++counters_.relayed;

  if (target && !fragment) {
    if (Peer* from_peer = topology_.find(source)) maybe_rendezvous(now, *from_peer, *target);
  }
}

namespace {

// The best non-expired path in one scope and family, or null.
const Path* best_in(const Peer& peer, IpScope scope, bool v6, std::int64_t now) {
  const Path* best = nullptr;
  for (const Path& p : peer.paths()) {
    if (p.expired(now) || p.scope() != scope || p.address().is_v6() != v6) continue;
    if (!best || p.quality(now) < best->quality(now)) best = &p;
  }
  return best;
}

}  // namespace

// §17: at most once per kMinUniteInterval per pair, using paths of the same
// scope and family (private first, IPv6 before IPv4 within a scope).
void NodeEngine::maybe_rendezvous(std::int64_t now, Peer& source, Peer& destination) {
  const Path* a = nullptr;
  const Path* b = nullptr;
  for (int scope = kIpScopeCount - 1; scope >= 0 && !(a && b); --scope) {
    for (bool v6 : {true, false}) {
      a = best_in(source, static_cast<IpScope>(scope), v6, now);
      b = best_in(destination, static_cast<IpScope>(scope), v6, now);
      if (a && b) break;
    }
  }
  if (!a || !b) return;
  const std::uint64_t lo = std::min(source.address().value(), destination.address().value());
  const std::uint64_t hi = std::max(source.address().value(), destination.address().value());
  if (!rendezvous_gate_.allow(hash_key(hash_seed_, lo, hi), now)) return;

  const InetAddress at_a = a->address();
  const InetAddress at_b = b->address();
  auto introduce = [&](Peer& to, Address with, const InetAddress& at) {
    Packet packet = new_packet(to.address(), Verb::kRendezvous);
    Bytes payload;
    ByteWriter w(payload);
    write_rendezvous(w, Rendezvous{0, with, at});
    packet.append_bytes(payload);
    transmit(now, to, packet);
  };
  if (random_u64() & 1) {
    introduce(source, destination.address(), at_b);
    introduce(destination, source.address(), at_a);
  } else {
    introduce(destination, source.address(), at_a);
    introduce(source, destination.address(), at_b);
  }
}

}  // namespace zt
