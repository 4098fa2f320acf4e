// Multicast (vl2.md §12): ARP and broadcast from the local stack, sending
// MULTICAST_FRAME to known subscribers (bridges first, replicators when the
// network has them), gathering more, announcing our groups with LIKEs, and
// the inbound side of LIKE, GATHER and MULTICAST_FRAME.
#include <algorithm>

#include "node/ndp_emulation.hpp"
#include "node/vl2_engine.hpp"
#include "node/vl2_params.hpp"

namespace zt {
namespace {

constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
// Records per MULTICAST_LIKE packet, so one fits the maximum packet length.
constexpr std::size_t kLikesPerPacket = (kMaxPacketLength - kMinPacketLength - 24) / 18;

// An IPv4 ARP request (§12.5): its target IP, the ADI of the group it goes to.
std::optional<std::uint32_t> arp_request_target(std::uint16_t ethertype,
                                                std::span<const std::uint8_t> d) {
  if (ethertype != kEtherTypeArp || d.size() < 28) return std::nullopt;
  if (d[2] != 0x08 || d[3] != 0x00 || d[4] != 6 || d[5] != 4 || d[7] != 0x01) return std::nullopt;
  return static_cast<std::uint32_t>(load_be(d.data() + 24, 4));
}

}  // namespace

void Vl2Engine::on_local_multicast(std::int64_t now, Network& net, MacAddress from, MacAddress to,
                                   std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  const NetworkConfig& c = net.config();
  MulticastGroup group{to, 0};
  if (to.is_broadcast()) {
    if (const std::optional<std::uint32_t> target = arp_request_target(ethertype, data)) {
      group.adi = *target;  // only the owner of that IP subscribes
    } else if (!c.has_flag(kNetworkFlagEnableBroadcast)) {
      ++counters_.drop_multicast;
      return;
    }
  } else if (ethertype == kEtherTypeIpv6 && c.has_flag(kNetworkFlagEnableNdpEmulation)) {
    if (std::optional<NdpAdvertisement> adv = emulate_ndp(net.id(), me_, c.static_ips, data)) {
      host_.port_frame(net.id(), adv->source, from, kEtherTypeIpv6, adv->packet);
      return;
    }
  }
  if (c.multicast_limit == 0) {
    ++counters_.drop_multicast;
    return;
  }
  const bool bridged = from != net.mac();
  if (bridged && net.learn_bridged_group(now, group)) announce(now, net, &group);
  const FilterDecision d = filter(now, net, false, me_, Address(), from, to, ethertype, data);
  if (!d.accept) {
    ++counters_.drop_filtered;
    return;
  }
  send_copies(now, net, d, false, from, to, ethertype, data);
  if (d.redirect_to) {
    send_ext_frame(now, net, *d.redirect_to, ext_frame_redirect_flags(false), to, from, ethertype,
                   data);
    return;
  }
  multicast_send(now, net, Address(), group, bridged ? from : MacAddress(), ethertype, data);
}

void Vl2Engine::multicast_send(std::int64_t now, Network& net, Address origin,
                               const MulticastGroup& group, MacAddress source,
                               std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  const NetworkConfig& c = net.config();
  data = data.first(std::min<std::size_t>(data.size(), kMaxNetworkMtu));
  // Replicators (not bridges, which must see every source) take it from here.
  const std::vector<Address> replicators = net.multicast_replicators();
  if (!net.is_active_bridge(me_) && !replicators.empty() &&
      std::find(replicators.begin(), replicators.end(), me_) == replicators.end()) {
    std::optional<Address> best;
    int best_latency = 0;
    for (Address r : replicators) {
      const std::optional<int> latency = vl1_.live_latency(r, now);
      if (latency && (!best || *latency < best_latency)) {
        best = r;
        best_latency = *latency;
      }
    }
    if (best) {
      MulticastFrame f;
      f.network_id = net.id();
      f.flags = kMulticastFrameFlagSourceMac | kMulticastFrameFlagReplicate;
      f.source = source.is_nil() ? net.mac() : source;
      f.group = group;
      f.ethertype = ethertype;
      f.data = data;
      Bytes payload;
      ByteWriter w(payload);
      write_multicast_frame(w, f);
      push_credentials_if_needed(now, net, *best);
      if (vl1_.send(now, *best, Verb::kMulticastFrame, payload)) {
        ++counters_.frames_out;
        ++counters_.multicast_out;
      }
      return;
    }
  }

  std::vector<Address> members = multicaster_.members(net.id(), group);
  for (std::size_t i = members.size(); i > 1; --i)
    std::swap(members[i - 1], members[vl1_.random_u64() % i]);
  const std::vector<Address> bridges = net.active_bridges();
  const auto is_bridge = [&](Address a) {
    return std::find(bridges.begin(), bridges.end(), a) != bridges.end();
  };
  const std::size_t limit = c.multicast_limit;

  PendingMulticast m;
  m.created = now;
  m.network_id = net.id();
  m.group = group;
  m.source = source;
  m.ethertype = ethertype;
  m.data.assign(data.begin(), data.end());
  m.limit = limit;
  const bool enough = members.size() >= limit;
  // With enough members we still gather a little to keep the list fresh.
  m.gather_limit = enough ? 1 : static_cast<std::uint32_t>(limit - members.size() + 1);
  if (!enough && (members.empty() || now - multicaster_.last_explicit_gather(net.id(), group) >=
                                         vl2::kMulticastExplicitGatherDelay)) {
    multicaster_.explicit_gather_sent(now, net.id(), group);
    send_explicit_gathers(now, net, group, m.gather_limit);
  }
  if (!origin.is_nil()) m.sent.push_back(origin);
  std::size_t count = 0;
  for (Address b : bridges) {
    if (count >= limit) break;
    if (b == me_ || m.was_sent_to(b)) continue;
    m.sent.push_back(b);
    send_multicast_to(now, net, b, m);
    ++count;
  }
  for (Address a : members) {
    if (count >= limit) break;
    if (is_bridge(a) || m.was_sent_to(a)) continue;
    m.sent.push_back(a);
    send_multicast_to(now, net, a, m);
    ++count;
  }
  if (!enough && !m.at_limit()) multicaster_.add_pending(std::move(m));
}

bool Vl2Engine::send_multicast_to(std::int64_t now, Network& net, Address recipient,
                                  const PendingMulticast& m) {
  if (recipient == me_ || recipient.is_reserved()) return false;
  const MacAddress from = m.source.is_nil() ? net.mac() : m.source;
  const FilterDecision d =
      filter(now, net, false, me_, recipient, from, m.group.mac, m.ethertype, m.data);
  if (!d.accept || d.redirect_to) {
    ++counters_.drop_filtered;
    return false;
  }
  push_credentials_if_needed(now, net, recipient);
  MulticastFrame f;
  f.network_id = net.id();
  if (m.gather_limit) f.flags |= kMulticastFrameFlagGatherLimit;
  if (!m.source.is_nil()) f.flags |= kMulticastFrameFlagSourceMac;
  f.gather_limit = m.gather_limit;
  f.source = m.source;
  f.group = m.group;
  f.ethertype = m.ethertype;
  f.data = m.data;
  Bytes payload;
  ByteWriter w(payload);
  write_multicast_frame(w, f);
  if (!vl1_.send(now, recipient, Verb::kMulticastFrame, payload)) return false;
  ++counters_.frames_out;
  ++counters_.multicast_out;
  return true;
}

// §12.3: ask the best root, the controller, replicators and anchors.
void Vl2Engine::send_explicit_gathers(std::int64_t now, Network& net, const MulticastGroup& group,
                                      std::uint32_t gather_limit) {
  std::vector<Address> targets;
  const auto add = [&](Address a) {
    if (a.is_reserved() || a == me_ || targets.size() >= vl2::kMaxExplicitGatherPeers) return;
    if (std::find(targets.begin(), targets.end(), a) == targets.end()) targets.push_back(a);
  };
  if (const std::optional<Address> root = vl1_.best_upstream(now)) add(*root);
  add(net.controller());
  std::vector<Address> specialists = net.multicast_replicators();
  for (Address a : net.anchors()) specialists.push_back(a);
  for (std::size_t i = specialists.size(); i > 1; --i)
    std::swap(specialists[i - 1], specialists[vl1_.random_u64() % i]);
  for (Address a : specialists) add(a);

  const NetworkConfig& c = net.config();
  const Bytes com = c.com.empty() ? Bytes() : c.com.serialize();
  MulticastGather g;
  g.network_id = net.id();
  g.flags = com.empty() ? 0 : kMulticastGatherFlagCom;
  g.group = group;
  g.gather_limit = gather_limit;
  g.com = com;
  Bytes payload;
  ByteWriter w(payload);
  write_multicast_gather(w, g);
  for (Address t : targets) vl1_.send(now, t, Verb::kMulticastGather, payload);
}

// A new subscriber also gets what was multicast to its group in the last 5 s.
void Vl2Engine::member_learned(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group,
                               Address member) {
  Network* net = find(nwid);
  if (!net || !net->has_config()) return;
  std::deque<PendingMulticast>* pending = multicaster_.pending(nwid, group);
  if (!pending) return;
  for (PendingMulticast& p : *pending) {
    if (now - p.created >= vl2::kMulticastTransmitTimeout || p.at_limit() || p.was_sent_to(member))
      continue;
    p.sent.push_back(member);
    send_multicast_to(now, *net, member, p);
  }
}

void Vl2Engine::on_gather_results(std::int64_t now, std::uint64_t nwid,
                                  const MulticastGroup& group, const GatherResult& result) {
  for (Address a : result.members)
    if (multicaster_.add(now, nwid, group, a, me_)) member_learned(now, nwid, group, a);
}

// §12.2 sendUpdatesToMembers: the controller, roots, anchors and
// replicators every 60 s (or at once for a new group), and each member
// that passes the gate at most every 60 s (or at once for a new group).
void Vl2Engine::announce(std::int64_t now, Network& net, const MulticastGroup* new_group) {
  const std::vector<MulticastGroup> groups =
      new_group ? std::vector<MulticastGroup>{*new_group} : net.all_groups();
  std::vector<Address> always;
  if (new_group || now - net.last_announced_upstream() >= vl2::kMulticastAnnouncePeriod) {
    if (!new_group) net.announced_upstream(now);
    always = net.anchors();
    for (Address a : net.multicast_replicators()) always.push_back(a);
    always.push_back(net.controller());
    for (Address a : vl1_.upstreams()) always.push_back(a);
    std::sort(always.begin(), always.end());
    always.erase(std::unique(always.begin(), always.end()), always.end());
    for (Address a : always) announce_to(now, a, net.id(), groups);
  }
  if (!net.has_config()) return;
  for (auto& [peer, m] : net.members()) {
    const Identity* identity = vl1_.peer_identity(peer);
    if (!identity) continue;
    if ((m.multicast_like_gate(now) || new_group) && m.allowed(net.config(), *identity) &&
        !std::binary_search(always.begin(), always.end(), peer))
      announce_to(now, peer, net.id(), groups);
  }
}

void Vl2Engine::announce_to(std::int64_t now, Address peer, std::uint64_t nwid,
                            std::span<const MulticastGroup> groups) {
  if (peer == me_ || peer.is_reserved()) return;
  for (std::size_t i = 0; i < groups.size(); i += kLikesPerPacket) {
    MulticastLike like;
    for (std::size_t j = i; j < groups.size() && j < i + kLikesPerPacket; ++j)
      like.subscriptions.push_back({nwid, groups[j]});
    Bytes payload;
    ByteWriter w(payload);
    write_multicast_like(w, like);
    vl1_.send(now, peer, Verb::kMulticastLike, payload);
  }
}

// Groups that appeared (a new address, a subscription) are announced at once.
void Vl2Engine::announce_new_groups(std::int64_t now, Network& net) {
  const std::vector<MulticastGroup> all = net.all_groups();
  std::vector<MulticastGroup>& announced = net.announced_groups();
  for (const MulticastGroup& g : all)
    if (std::find(announced.begin(), announced.end(), g) == announced.end()) announce(now, net, &g);
  announced = all;
}

void Vl2Engine::on_multicast_like(std::int64_t now, const InboundPacket& packet) {
  const std::optional<MulticastLike> like = parse_multicast_like(packet.payload);
  if (!like) {
    ++counters_.drop_malformed;
    return;
  }
  std::optional<std::uint64_t> last_nwid;
  bool authorized = false;
  for (const MulticastSubscription& s : like->subscriptions) {
    if (s.network_id != last_nwid) {
      last_nwid = s.network_id;
      Network* net = find(s.network_id);
      authorized = net && gate(now, *net, packet.source);
      // Roots serve everyone's groups; a controller its recent members'.
      if (!authorized)
        authorized = vl1_.am_upstream() || controller_authorized(now, s.network_id, packet.source);
      if (!authorized) ++counters_.drop_untrusted;
    }
    if (authorized && multicaster_.add(now, s.network_id, s.group, packet.source, me_))
      member_learned(now, s.network_id, s.group, packet.source);
  }
}

GatherResult Vl2Engine::gather_for(Address requester, Network* net, std::uint64_t nwid,
                                   const MulticastGroup& group, std::uint32_t limit) {
  const bool include_self = net && net->subscribed(group, true);
  return multicaster_.gather(requester, nwid, group, limit, include_self, me_,
                             [this] { return vl1_.random_u64(); });
}

void Vl2Engine::on_multicast_gather(std::int64_t now, const InboundPacket& packet) {
  const std::optional<MulticastGather> g = parse_multicast_gather(packet.payload);
  if (!g) {
    ++counters_.drop_malformed;
    return;
  }
  Network* net = find(g->network_id);
  if (net && (g->flags & kMulticastGatherFlagCom)) add_attached_com(now, g->com);
  const bool trusted = net && gate(now, *net, packet.source);
  if (g->gather_limit == 0) return;
  if (!trusted && !vl1_.am_upstream() &&
      !controller_authorized(now, g->network_id, packet.source)) {
    ++counters_.drop_untrusted;
    return;
  }
  OkMulticastGather ok;
  ok.network_id = g->network_id;
  ok.group = g->group;
  ok.result = gather_for(packet.source, net, g->network_id, g->group, g->gather_limit);
  if (ok.result.members.empty()) return;
  Bytes body;
  ByteWriter w(body);
  write_ok_multicast_gather(w, ok);
  send_ok(now, packet.source, Verb::kMulticastGather, packet.packet_id, body);
}

void Vl2Engine::on_multicast_frame(std::int64_t now, const InboundPacket& packet) {
  const std::optional<MulticastFrame> f = parse_multicast_frame(packet.payload);
  if (!f) {
    ++counters_.drop_malformed;
    return;
  }
  Network* net = find(f->network_id);
  if (!net) {
    ++counters_.drop_unknown_network;
    return;
  }
  if (f->flags & kMulticastFrameFlagCom) add_attached_com(now, f->com);
  if (!gate(now, *net, packet.source)) {
    ++counters_.drop_not_member;
    send_need_credentials(now, packet, net->id());
    return;
  }
  if (net->config().multicast_limit == 0) {
    ++counters_.drop_multicast;
    return;
  }
  const MacAddress sender_mac = MacAddress::from_address(packet.source, net->id());
  const MacAddress from = (f->flags & kMulticastFrameFlagSourceMac) ? f->source : sender_mac;
  if (!f->data.empty() && f->data.size() <= kMaxNetworkMtu) {
    if (!f->group.mac.is_multicast() || from.is_nil() || from.is_multicast() ||
        from == net->mac()) {
      ++counters_.drop_multicast;
      return;
    }
    const std::vector<Address> replicators = net->multicast_replicators();
    if ((f->flags & kMulticastFrameFlagReplicate) &&
        std::find(replicators.begin(), replicators.end(), me_) != replicators.end())
      multicast_send(now, *net, packet.source, f->group, from, f->ethertype, f->data);
    bool deliverable = true;
    if (from != sender_mac) {
      if (!net->is_active_bridge(packet.source)) {
        ++counters_.drop_bridging;
        return;
      }
      net->learn_bridge_route(from, packet.source);
    }
    const FilterDecision d =
        filter(now, *net, true, packet.source, me_, from, f->group.mac, f->ethertype, f->data);
    if (!d.accept) {
      ++counters_.drop_filtered;
      deliverable = false;
    } else {
      send_copies(now, *net, d, true, from, f->group.mac, f->ethertype, f->data);
      if (d.redirect_to) {
        send_ext_frame(now, *net, *d.redirect_to, ext_frame_redirect_flags(true), f->group.mac,
                       from, f->ethertype, f->data);
        deliverable = false;
      }
    }
    if (deliverable) {
      ++counters_.multicast_in;
      deliver(*net, from, f->group.mac, f->ethertype, f->data);
    }
  }
  if (f->gather_limit == 0) return;
  OkMulticastFrame ok;
  ok.network_id = net->id();
  ok.group = f->group;
  ok.flags = kOkMulticastFrameFlagGather;
  ok.result = gather_for(packet.source, net, net->id(), f->group, f->gather_limit);
  if (ok.result.members.empty()) return;
  Bytes body;
  ByteWriter w(body);
  write_ok_multicast_frame(w, ok);
  send_ok(now, packet.source, Verb::kMulticastFrame, packet.packet_id, body);
}

}  // namespace zt
