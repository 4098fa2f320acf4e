// Building, armoring, fragmenting and sending packets (vl1.md §8.5, §10.1).
#include "node/node_engine.hpp"
#include "node/path_policy.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "proto/verbs/hello.hpp"
#include "proto/verbs/ok_error.hpp"
#include "proto/verbs/whois.hpp"

namespace zt {
namespace {

// §9: upstream compresses these; unicast frames are left alone since 1.4.8.
bool worth_compressing(Verb verb) {
  switch (verb) {
    case Verb::kPushDirectPaths:
    case Verb::kNetworkConfigRequest:
    case Verb::kNetworkConfig:
    case Verb::kNetworkCredentials:
    case Verb::kMulticastLike:
    case Verb::kMulticastGather:
    case Verb::kMulticastFrame:
    case Verb::kUserMessage:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::uint64_t NodeEngine::random_u64() {
  std::uint64_t v = 0;
  host_.random_bytes(&v, sizeof v);
  return v;
}

Packet NodeEngine::new_packet(Address to, Verb verb) {
  return Packet(random_u64(), to, me_.address(), verb);
}

std::size_t NodeEngine::mtu_for(const InetAddress& path, bool relayed) const {
  return !relayed && ip_scope(path) == IpScope::kLoopback ? loopback_mtu_ : mtu_;
}

bool NodeEngine::send_armored(std::int64_t now, Packet& packet, const PeerKey& key,
                              CipherSuite suite, const Endpoint& to, std::size_t mtu) {
  packet.set_fragmented(needs_fragmenting(packet.size(), mtu));
  armor(packet.bytes(), key, suite);
  if (!fragments_needed(packet.bytes(), mtu)) return false;
  // Every packet may be answered; OK/ERROR name the id as it went out.
  expecting_.expect(packet.packet_id());
  split_packet(packet.bytes(), mtu, [&](std::span<const std::uint8_t> datagram) {
    host_.send_datagram(to.socket, to.address, datagram, 0);
    ++counters_.tx_datagrams;
  });
  (void)now;
  return true;
}

bool NodeEngine::transmit(std::int64_t now, Peer& peer, Packet& packet,
                          const std::optional<Endpoint>& to) {
  Endpoint dest;
  Path* path = nullptr;
  bool relayed = false;
  if (to) {
    dest = *to;
    path = peer.find_path(to->socket, to->address);
  } else if ((path = peer.best_path(now))) {
    dest = {path->socket(), path->address()};
  } else {
    // No direct path: the upstream relays it (the header still names the peer).
    Peer* upstream = topology_.best_upstream(now, peer.address());
    if (!upstream) return false;
    path = upstream->best_path(now);
    dest = {path->socket(), path->address()};
    relayed = true;
  }
  if (worth_compressing(packet.verb())) compress_payload(packet);
  if (!send_armored(now, packet, peer.key(), peer.cipher_for(packet.verb()), dest,
                    mtu_for(dest.address, relayed)))
    return false;
  if (path) path->sent(now);
  return true;
}

bool NodeEngine::send_hello(std::int64_t now, Peer& peer, const std::optional<Endpoint>& to) {
  Packet packet = new_packet(peer.address(), Verb::kHello);
  Hello hello;
  hello.protocol_version = kProtoVersion;
  hello.version_major = kSoftwareVersionMajor;
  hello.version_minor = kSoftwareVersionMinor;
  hello.version_revision = kSoftwareVersionRevision;
  hello.timestamp = static_cast<std::uint64_t>(now);
  hello.identity = me_.public_only();
  if (to) hello.physical_destination = to->address;
  const World& planet = topology_.planet();
  hello.planet = WorldVersion{planet.id, planet.timestamp};
  for (const World& m : topology_.moons())
    hello.moons.push_back({kWorldTypeMoon, WorldVersion{m.id, m.timestamp}});
  Bytes payload;
  ByteWriter w(payload);
  const std::size_t crypt_start = write_hello(w, hello);
  if (!packet.append_bytes(payload)) return false;
  // §8.2: the moon list is hidden from observers; the MAC still covers it.
  const std::size_t start = kPayloadOffset + crypt_start;
  if (start < packet.size())
    crypt_field(packet.bytes(), peer.key().bytes(), start, packet.size() - start);
  return transmit(now, peer, packet, to);
}

bool NodeEngine::send_ok(std::int64_t now, Peer& peer, const Packet& request,
                         std::span<const std::uint8_t> body, const Endpoint& to) {
  Packet packet = new_packet(peer.address(), Verb::kOk);
  Bytes header;
  ByteWriter w(header);
  write_ok_header(w, request.verb(), request.packet_id());
  if (!packet.append_bytes(header) || !packet.append_bytes(body)) return false;
  return transmit(now, peer, packet, to);
}

void NodeEngine::contact(std::int64_t now, Peer& peer, const Endpoint& to, bool full_hello) {
  if (!full_hello && peer.answers_echo()) {
    Packet packet = new_packet(peer.address(), Verb::kEcho);
    transmit(now, peer, packet, to);
  } else {
    send_hello(now, peer, to);
  }
}

void NodeEngine::send_whois(std::int64_t now, Address target) {
  Peer* upstream = topology_.best_upstream(now, target);
  if (!upstream || !whois_.due(target, now) || !whois_budget_.take(now)) return;
  Packet packet = new_packet(upstream->address(), Verb::kWhois);
  packet.append_address(target);
  transmit(now, *upstream, packet);
}

bool NodeEngine::send_now(std::int64_t now, Peer& peer, Verb verb,
                          std::span<const std::uint8_t> head, std::span<const std::uint8_t> tail) {
  Packet packet = new_packet(peer.address(), verb);
  if (!packet.append_bytes(head) || !packet.append_bytes(tail)) return false;
  return transmit(now, peer, packet);
}

}  // namespace zt
