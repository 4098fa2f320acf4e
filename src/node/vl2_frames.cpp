// Unicast frames (vl2.md §9–§11): the rules filter with what the network
// knows, frames from the local stack to members and bridges, and FRAME /
// EXT_FRAME from peers to the port.
#include <algorithm>

#include "node/vl2_engine.hpp"
#include "node/vl2_params.hpp"
#include "proto/verbs/frame.hpp"

namespace zt {
namespace {

// The rules' view of the network: our Tags and COOs from the config, the
// other member's from its membership (§10.2).
class NetworkRuleFacts final : public RuleFacts {
 public:
  NetworkRuleFacts(const NetworkConfig& config, const Membership* remote, bool inbound,
                   Vl1Services& vl1)
      : config_(config), remote_(remote), inbound_(inbound), vl1_(vl1) {}

  std::optional<std::uint32_t> local_tag(std::uint32_t id) const override {
    for (const Tag& t : config_.tags)
      if (t.id == id) return t.value;
    return std::nullopt;
  }
  std::optional<std::uint32_t> remote_tag(std::uint32_t id) const override {
    return remote_ ? remote_->tag(config_, id) : std::nullopt;
  }
  bool sender_owns_ip(const InetAddress& ip) const override {
    if (inbound_) return remote_ && remote_->owns(config_, ip);
    return std::any_of(config_.certificates_of_ownership.begin(),
                       config_.certificates_of_ownership.end(),
                       [&](const CertificateOfOwnership& c) { return c.owns(ip); });
  }
  bool sender_owns_mac(MacAddress mac) const override {
    if (inbound_) return remote_ && remote_->owns(config_, mac);
    return std::any_of(config_.certificates_of_ownership.begin(),
                       config_.certificates_of_ownership.end(),
                       [&](const CertificateOfOwnership& c) { return c.owns(mac); });
  }
  std::uint32_t random32() override { return static_cast<std::uint32_t>(vl1_.random_u64()); }

 private:
  const NetworkConfig& config_;
  const Membership* remote_;
  bool inbound_;
  Vl1Services& vl1_;
};

}  // namespace

FilterDecision Vl2Engine::filter(std::int64_t now, Network& net, bool inbound, Address peer,
                                 Address dest, MacAddress from, MacAddress to,
                                 std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  (void)now;
  const NetworkConfig& config = net.config();
  const Membership* remote = net.find_member(inbound ? peer : dest);
  NetworkRuleFacts facts(config, remote, inbound, vl1_);
  RuleEnvironment env;
  env.self = me_;
  env.unsupported_match_result = config.has_flag(kNetworkFlagUnsupportedMatchesMatch);
  env.facts = &facts;
  RuleFrame frame;
  frame.source = inbound ? peer : me_;
  frame.dest = inbound ? me_ : dest;
  frame.mac_source = from;
  frame.mac_dest = to;
  frame.ether_type = ethertype;
  frame.payload = data;
  frame.inbound = inbound;
  const RuleOutcome base = evaluate_rules(net.rules(), frame, env);
  if (base.result != RuleResult::kNoMatch || !inbound)
    return apply_capabilities(base, net.capability_rules(), frame, env);
  // Inbound, the sender's own capabilities may accept what the base table did not.
  std::vector<std::vector<Rule>> caps;
  if (remote)
    for (const Membership::HeldCapability* held : remote->capabilities(config))
      caps.push_back(held->rules);
  return apply_capabilities(base, caps, frame, env);
}

void Vl2Engine::send_copies(std::int64_t now, Network& net, const FilterDecision& d, bool inbound,
                            MacAddress from, MacAddress to, std::uint16_t ethertype,
                            std::span<const std::uint8_t> data) {
  for (const RuleCopy& copy : d.copies)
    send_ext_frame(now, net, copy.target, ext_frame_copy_flags(inbound, copy.watch), to, from,
                   ethertype, data.first(std::min(copy.length, data.size())));
}

void Vl2Engine::send_ext_frame(std::int64_t now, Network& net, Address to, std::uint8_t flags,
                               MacAddress dest_mac, MacAddress source_mac, std::uint16_t ethertype,
                               std::span<const std::uint8_t> data) {
  if (to == me_ || to.is_reserved()) return;
  ExtFrame f;
  f.network_id = net.id();
  f.flags = flags;
  f.to = dest_mac;
  f.from = source_mac;
  f.ethertype = ethertype;
  f.data = data;
  Bytes payload;
  ByteWriter w(payload);
  write_ext_frame(w, f);
  if (vl1_.send(now, to, Verb::kExtFrame, payload)) ++counters_.frames_out;
}

void Vl2Engine::send_unicast(std::int64_t now, Network& net, Address dest, MacAddress from,
                             MacAddress to, std::uint16_t ethertype,
                             std::span<const std::uint8_t> data) {
  if (dest == me_ || dest.is_reserved()) return;
  const FilterDecision d = filter(now, net, false, me_, dest, from, to, ethertype, data);
  if (!d.accept) {
    ++counters_.drop_filtered;
    return;
  }
  send_copies(now, net, d, false, from, to, ethertype, data);
  if (d.redirect_to) {
    push_credentials_if_needed(now, net, *d.redirect_to);
    send_ext_frame(now, net, *d.redirect_to, ext_frame_redirect_flags(false), to, from, ethertype,
                   data);
    return;
  }
  push_credentials_if_needed(now, net, dest);
  if (from != net.mac()) {
    send_ext_frame(now, net, dest, 0, to, from, ethertype, data);
    return;
  }
  const auto header = frame_header(net.id(), ethertype);
  if (vl1_.send(now, dest, Verb::kFrame, header, data)) ++counters_.frames_out;
}

// §11.5: a foreign destination MAC is behind some bridge: the one we
// learned it from, else (up to 32 of) all of them.
void Vl2Engine::send_to_bridges(std::int64_t now, Network& net, MacAddress from, MacAddress to,
                                std::uint16_t ethertype, std::span<const std::uint8_t> data) {
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
  std::vector<Address> bridges;
  const Address known = net.bridge_route(to);
  if (!known.is_nil() && known != me_ && net.is_active_bridge(known)) {
    bridges.push_back(known);
  } else {
    bridges = net.active_bridges();
    std::erase(bridges, me_);
    for (std::size_t i = 0; i < bridges.size() && i < vl2::kMaxBridgeSpam; ++i)
      std::swap(bridges[i], bridges[i + vl1_.random_u64() % (bridges.size() - i)]);
    if (bridges.size() > vl2::kMaxBridgeSpam) bridges.resize(vl2::kMaxBridgeSpam);
  }
  for (Address bridge : bridges) {
    const FilterDecision each = filter(now, net, false, me_, bridge, from, to, ethertype, data);
    if (!each.accept || each.redirect_to) {
      ++counters_.drop_filtered;
      continue;
    }
    push_credentials_if_needed(now, net, bridge);
    send_ext_frame(now, net, bridge, 0, to, from, ethertype, data);
  }
}

void Vl2Engine::deliver(Network& net, MacAddress from, MacAddress to, std::uint16_t ethertype,
                        std::span<const std::uint8_t> data) {
  ++counters_.frames_in;
  host_.port_frame(net.id(), from, to, ethertype, data);
}

void Vl2Engine::on_frame_packet(std::int64_t now, const InboundPacket& packet) {
  const std::optional<Frame> f = parse_frame(packet.payload);
  if (!f) {
    ++counters_.drop_malformed;
    return;
  }
  Network* net = find(f->network_id);
  if (!net) {
    ++counters_.drop_unknown_network;
    return;
  }
  if (!gate(now, *net, packet.source)) {
    ++counters_.drop_not_member;
    send_need_credentials(now, packet, net->id());
    return;
  }
  if (f->data.empty()) return;
  const MacAddress from = MacAddress::from_address(packet.source, net->id());
  const FilterDecision d =
      filter(now, *net, true, packet.source, me_, from, net->mac(), f->ethertype, f->data);
  if (!d.accept) {
    ++counters_.drop_filtered;
    return;
  }
  send_copies(now, *net, d, true, from, net->mac(), f->ethertype, f->data);
  if (d.redirect_to) {
    send_ext_frame(now, *net, *d.redirect_to, ext_frame_redirect_flags(true), net->mac(), from,
                   f->ethertype, f->data);
    return;
  }
  deliver(*net, from, net->mac(), f->ethertype, f->data);
}

void Vl2Engine::on_ext_frame_packet(std::int64_t now, const InboundPacket& packet) {
  const std::optional<ExtFrame> f = parse_ext_frame(packet.payload);
  if (!f) {
    ++counters_.drop_malformed;
    return;
  }
  Network* net = find(f->network_id);
  if (!net) {
    ++counters_.drop_unknown_network;
    return;
  }
  if (f->flags & kExtFrameFlagCom) add_attached_com(now, f->com);  // old senders
  if (!gate(now, *net, packet.source)) {
    ++counters_.drop_not_member;
    send_need_credentials(now, packet, net->id());
    return;
  }
  if (f->from.is_nil() || f->from == net->mac()) {
    ++counters_.drop_bridging;
    return;
  }
  if (!f->data.empty()) {
    const FilterDecision d =
        filter(now, *net, true, packet.source, me_, f->from, f->to, f->ethertype, f->data);
    if (!d.accept) {
      ++counters_.drop_filtered;
    } else {
      send_copies(now, *net, d, true, f->from, f->to, f->ethertype, f->data);
      bool ok = true;
      if (d.redirect_to) {
        send_ext_frame(now, *net, *d.redirect_to, ext_frame_redirect_flags(true), f->to, f->from,
                       f->ethertype, f->data);
        ok = false;
      } else if (!d.super_accept) {
        // §9.2: foreign source MACs only from bridges; foreign destinations only to one.
        if (f->from != MacAddress::from_address(packet.source, net->id())) {
          if (net->is_active_bridge(packet.source)) {
            net->learn_bridge_route(f->from, packet.source);
          } else {
            ++counters_.drop_bridging;
            return;
          }
        } else if (f->to != net->mac()) {
          if (f->to.is_multicast()) {
            if (net->config().multicast_limit == 0) {
              ++counters_.drop_multicast;
              return;
            }
          } else if (!net->is_active_bridge(me_)) {
            ++counters_.drop_bridging;
            return;
          }
        }
      }
      if (ok) deliver(*net, f->from, f->to, f->ethertype, f->data);
    }
  }
  if (f->flags & kExtFrameFlagAckRequested) {
    Bytes body;
    ByteWriter w(body);
    write_ok_ext_frame(w, OkExtFrame{net->id()});
    send_ok(now, packet.source, Verb::kExtFrame, packet.packet_id, body);
  }
}

}  // namespace zt
