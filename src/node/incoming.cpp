// The receive pipeline (vl1.md §11): fragments and heads, reassembly,
// authentication, the replay guard, decompression, path learning and the
// dispatch to each verb's handler.
#include "node/node_engine.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "proto/verbs/ok_error.hpp"

namespace zt {
namespace {

// Verbs that show a peer is in real use, which earns it keepalives (§18.1).
bool is_nontrivial(Verb verb) {
  switch (verb) {
    case Verb::kFrame:
    case Verb::kExtFrame:
    case Verb::kNetworkConfigRequest:
    case Verb::kNetworkConfig:
    case Verb::kMulticastFrame:
      return true;
    default:
      return false;
  }
}

}  // namespace

void NodeEngine::on_datagram(std::int64_t now, LocalSocket socket, const InetAddress& from,
                             std::span<const std::uint8_t> data) {
  ++counters_.rx_datagrams;
  if (data.size() == kBeaconLength) {
    ++counters_.drop_unsupported;  // legacy LAN beacon (§7.1), optional
  } else if (data.size() > kMaxPhysMtu) {
    ++counters_.drop_malformed;
  } else if (is_fragment(data)) {
    on_fragment(now, socket, from, data);
  } else if (data.size() < kMinPacketLength) {
    ++counters_.drop_malformed;
  } else {
    on_head(now, socket, from, data);
  }
  update_online(now);
}

void NodeEngine::on_fragment(std::int64_t now, LocalSocket socket, const InetAddress& from,
                             std::span<const std::uint8_t> data) {
  const std::optional<FragmentHeader> header = FragmentHeader::parse(data);
  if (!header || !header->counts_are_sane()) {
    ++counters_.drop_fragment;
    return;
  }
  if (header->destination != me_.address()) {
    relay(now, from, data, true, header->destination, Address());
    return;
  }
  std::optional<Packet> packet = reassembler_.add_fragment(data, now);
  count_reassembly();
  if (packet) on_packet(now, socket, from, *packet);
}

void NodeEngine::on_head(std::int64_t now, LocalSocket socket, const InetAddress& from,
                         std::span<const std::uint8_t> data) {
  const Address destination = Address::from_bytes(data.data() + kDestinationOffset);
  const Address source = Address::from_bytes(data.data() + kSourceOffset);
  if (source == me_.address() || source.is_reserved()) {
    ++counters_.drop_malformed;
    return;
  }
  if (destination != me_.address()) {
    relay(now, from, data, false, destination, source);
    return;
  }
  std::optional<Packet> packet = reassembler_.add_head(data, now);
  count_reassembly();
  if (packet) on_packet(now, socket, from, *packet);
}

// The reassembler keeps its own tallies; fold what changed into ours.
void NodeEngine::count_reassembly() {
  const ReassemblyCounters& c = reassembler_.counters();
  ReassemblyCounters& seen = reassembly_seen_;
  counters_.drop_malformed += c.malformed - seen.malformed;
  counters_.drop_fragment += (c.bad_counts - seen.bad_counts) + (c.duplicates - seen.duplicates) +
                             (c.total_mismatch - seen.total_mismatch) +
                             (c.oversize - seen.oversize) + (c.expired - seen.expired) +
                             (c.evicted - seen.evicted);
  seen = c;
}

void NodeEngine::on_packet(std::int64_t now, LocalSocket socket, const InetAddress& from,
                           Packet& packet) {
  const CipherSuite suite = packet.cipher();
  if (suite != CipherSuite::kPoly1305None && suite != CipherSuite::kPoly1305Salsa2012 &&
      suite != CipherSuite::kAesGmacSiv) {
    ++counters_.drop_bad_cipher;  // suite 2 needs trusted paths (not configured), 4..7 invalid
    return;
  }
  // HELLO carries the identity that authenticates it (§14.1).
  if (suite == CipherSuite::kPoly1305None && packet.verb() == Verb::kHello) {
    on_hello(now, socket, from, packet);
    return;
  }
  Peer* peer = topology_.find(packet.source());
  if (!peer) peer = recall_peer(now, packet.source());
  if (!peer) {
    hold_for_identity(now, socket, from, packet);
    return;
  }
  decode_from_peer(now, *peer, socket, from, packet);
}

void NodeEngine::hold_for_identity(std::int64_t now, LocalSocket socket, const InetAddress& from,
                                   const Packet& packet) {
  const Address source = packet.source();
  const Bytes bytes(packet.bytes().begin(), packet.bytes().end());
  if (held_.push({source, now, socket, from, bytes})) ++counters_.drop_unknown_peer;
  arm_queue_retry(now);
  send_whois(now, source);
}

void NodeEngine::decode_from_peer(std::int64_t now, Peer& peer, LocalSocket socket,
                                  const InetAddress& from, Packet& packet) {
  const std::uint64_t wire_id = packet.packet_id();
  if (!dearmor(packet.bytes(), peer.key())) {
    ++counters_.drop_bad_mac;
    return;
  }
  // After authentication, so forged packets cannot poison the window.
  if (!peer.replay().check_and_insert(wire_id)) {
    ++counters_.drop_replayed;
    return;
  }
  if (!decompress_payload(packet)) {
    ++counters_.drop_decompress;
    return;
  }
  const Verb verb = packet.verb();
  if ((verb == Verb::kOk || verb == Verb::kError) && !reply_is_expected(packet)) return;
  ++counters_.rx_packets;
  peer.received(now);
  // HELLO learns its path after its reply has gone (incoming_hello.cpp).
  if (packet.hops() == 0 && verb != Verb::kHello)
    learn_path(now, peer, socket, from, verb == Verb::kOk);
  dispatch(now, peer, socket, from, packet);
}

// §12.4: OK and ERROR are only believed for packets we sent.
bool NodeEngine::reply_is_expected(const Packet& packet) {
  const std::span<const std::uint8_t> payload = packet.payload();
  if (payload.size() < 9) {
    ++counters_.drop_malformed;
    return false;
  }
  if (!expecting_.expected(load_be(payload.data() + 1, 8))) {
    ++counters_.drop_unexpected_reply;
    return false;
  }
  return true;
}

// §18.2. Only OK adds a path: anything else from an unknown address is
// answered with a HELLO there, and the OK(HELLO) confirms it.
void NodeEngine::learn_path(std::int64_t now, Peer& peer, LocalSocket socket,
                            const InetAddress& from, bool is_ok) {
  if (Path* known = peer.find_path(socket, from)) {
    known->received(now);
    confirmations_.confirmed(peer.address(), socket, from);
    return;
  }
  if (peer.has_alive_path_with_ip(socket, from, now)) return;
  if (!path_allowed(from, options_.allow_loopback_paths) ||
      !topology_.endpoint_allowed(peer.address(), from)) {
    ++counters_.drop_path_refused;
    return;
  }
  if (is_ok) {
    peer.learn_path(socket, from, now);
    confirmations_.confirmed(peer.address(), socket, from);
    update_direct(now, peer);
  } else if (hello_confirm_gate_.allow(hash_key(hash_seed_, hash_endpoint(hash_seed_, socket, from),
                                                peer.address().value()),
                                       now)) {
    send_hello(now, peer, Endpoint{socket, from});
    confirmations_.sent(now, peer.address(), socket, from);
  }
}

void NodeEngine::dispatch(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                          Packet& packet) {
  switch (packet.verb()) {
    case Verb::kNop:
      return;
    case Verb::kHello:
      process_hello(now, peer, socket, from, packet);
      return;
    case Verb::kError:
      on_error(now, peer, socket, from, packet);
      return;
    case Verb::kOk:
      on_ok(now, peer, socket, from, packet);
      return;
    case Verb::kWhois:
      on_whois(now, peer, socket, from, packet);
      return;
    case Verb::kRendezvous:
      on_rendezvous(now, peer, packet);
      return;
    case Verb::kEcho:
      on_echo(now, peer, socket, from, packet);
      return;
    case Verb::kPushDirectPaths:
      on_push_direct_paths(now, peer, packet);
      return;
    default:
      if (!offer_to_handler(now, peer, socket, from, packet)) ++counters_.drop_unsupported;
      return;
  }
}

bool NodeEngine::offer_to_handler(std::int64_t now, Peer& peer, LocalSocket socket,
                                  const InetAddress& from, const Packet& packet) {
  if (!handler_) return false;
  InboundPacket in;
  in.source = peer.address();
  in.verb = packet.verb();
  in.packet_id = packet.packet_id();
  in.hops = packet.hops();
  in.socket = socket;
  in.from = from;
  in.payload = packet.payload();
  if (!handler_->on_packet(now, in)) return false;
  if (is_nontrivial(packet.verb())) peer.received_nontrivial(now);
  return true;
}

}  // namespace zt
