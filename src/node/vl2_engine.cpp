// The VL2 engine's API, timers and packet dispatch.
#include "node/vl2_engine.hpp"

#include <algorithm>

#include "node/node_event.hpp"
#include "node/vl2_params.hpp"
#include "proto/network_id.hpp"
#include "proto/verbs/multicast.hpp"

namespace zt {
namespace {

constexpr std::size_t kGateBuckets = 1024;

std::uint64_t seed_from(Vl1Services& vl1) { return vl1.random_u64(); }

}  // namespace

Vl2Engine::Vl2Engine(Vl1Services& vl1, NodeHost& host, std::string os_arch, std::int64_t now)
    : vl1_(vl1),
      host_(host),
      os_arch_(std::move(os_arch)),
      me_(vl1.identity().address()),
      hash_seed_(seed_from(vl1)),
      credentials_gate_(kGateBuckets, vl2::kCredentialReceiveInterval),
      need_credentials_gate_(kGateBuckets, vl2::kNeedCredentialsErrorInterval),
      next_announce_(now + kPingCheckInterval),
      next_housekeeping_(now + vl2::kHousekeepingPeriod) {}

Vl2Engine::~Vl2Engine() = default;

Network* Vl2Engine::find(std::uint64_t nwid) {
  auto it = networks_.find(nwid);
  return it == networks_.end() ? nullptr : it->second.get();
}

const Network* Vl2Engine::find(std::uint64_t nwid) const {
  auto it = networks_.find(nwid);
  return it == networks_.end() ? nullptr : it->second.get();
}

bool Vl2Engine::join(std::int64_t now, std::uint64_t nwid) {
  if (nwid == 0 || networks_.contains(nwid)) return false;
  Network& net = *networks_.emplace(nwid, std::make_unique<Network>(nwid, me_)).first->second;
  load_cached_config(now, net);
  if (!net.port_up()) port_changed(net, PortChange::kUp);
  status_changed(net);
  request_config(now, net);
  return true;
}

bool Vl2Engine::leave(std::int64_t now, std::uint64_t nwid) {
  (void)now;
  auto it = networks_.find(nwid);
  if (it == networks_.end()) return false;
  std::unique_ptr<Network> net = std::move(it->second);
  networks_.erase(it);
  port_changed(*net, PortChange::kDestroy);
  host_.remove("networks.d/" + network_id_to_string(nwid) + ".conf");
  multicaster_.forget_network(nwid);
  std::erase_if(authorized_, [&](const auto& e) { return e.first.first == nwid; });
  return true;
}

std::vector<NetworkInfo> Vl2Engine::networks() const {
  std::vector<NetworkInfo> out;
  for (const auto& [id, net] : networks_) out.push_back(net->info());
  return out;  // the map keeps them sorted by id
}

std::optional<NetworkInfo> Vl2Engine::network(std::uint64_t nwid) const {
  const Network* net = find(nwid);
  if (!net) return std::nullopt;
  return net->info();
}

void Vl2Engine::on_frame(std::int64_t now, std::uint64_t nwid, MacAddress from, MacAddress to,
                         std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  Network* net = find(nwid);
  if (!net) {
    ++counters_.drop_unknown_network;
    return;
  }
  if (!net->has_config()) {
    ++counters_.drop_no_config;
    return;
  }
  if (data.size() > kMaxNetworkMtu) {
    ++counters_.drop_malformed;
    return;
  }
  // §11.1: other source MACs are hosts behind us, which only a bridge may have.
  if (from != net->mac() && !net->is_active_bridge(me_)) {
    ++counters_.drop_bridging;
    return;
  }
  if (to.is_multicast()) {
    on_local_multicast(now, *net, from, to, ethertype, data);
  } else if (to == net->mac()) {
    host_.port_frame(nwid, from, to, ethertype, data);  // to ourselves
  } else if ((to.value() >> 40) == MacAddress::first_octet(nwid)) {
    send_unicast(now, *net, to.to_address(nwid), from, to, ethertype, data);
  } else {
    send_to_bridges(now, *net, from, to, ethertype, data);
  }
}

void Vl2Engine::multicast_subscribe(std::int64_t now, std::uint64_t nwid,
                                    const MulticastGroup& group) {
  Network* net = find(nwid);
  if (!net || !net->subscribe(group)) return;
  announce_new_groups(now, *net);
}

void Vl2Engine::multicast_unsubscribe(std::int64_t now, std::uint64_t nwid,
                                      const MulticastGroup& group) {
  (void)now;
  Network* net = find(nwid);
  if (!net || !net->unsubscribe(group)) return;
  // Peers forget it when our LIKEs stop (600 s), as upstream.
  std::erase(net->announced_groups(), group);
}

std::int64_t Vl2Engine::on_timer(std::int64_t now) {
  for (auto& [id, net] : networks_)
    if (net->request_due(now)) request_config(now, *net);
  if (now >= next_announce_) {
    next_announce_ = now + kPingCheckInterval;
    for (auto& [id, net] : networks_) {
      announce_new_groups(now, *net);
      announce(now, *net, nullptr);
    }
  }
  if (now >= next_housekeeping_) {
    next_housekeeping_ = now + vl2::kHousekeepingPeriod;
    housekeeping(now);
  }
  if (now >= next_deferred_retry_) retry_deferred(now);
  for (auto& [peer, payload] : credential_pacer_.take_due(now))
    vl1_.send(now, peer, Verb::kNetworkCredentials, payload);
  return next_deadline();
}

std::int64_t Vl2Engine::next_deadline() const {
  std::int64_t next = std::min(next_announce_, next_housekeeping_);
  for (const auto& [id, net] : networks_) next = std::min(next, net->next_request(next));
  if (!deferred_.empty()) next = std::min(next, next_deferred_retry_);
  if (const auto due = credential_pacer_.next_due()) next = std::min(next, *due);
  return next;
}

void Vl2Engine::housekeeping(std::int64_t now) {
  for (auto& [id, net] : networks_) net->clean(now);
  multicaster_.clean(now);
  std::erase_if(authorized_, [&](const auto& e) {
    return now - e.second >= vl2::kControllerAuthorizationWindow;
  });
}

void Vl2Engine::port_changed(Network& net, PortChange change) {
  if (change == PortChange::kUp || change == PortChange::kConfigUpdate) net.set_port_up();
  host_.port_changed(net.id(), change, net.info());
}

void Vl2Engine::status_changed(Network& net) {
  NodeEvent e;
  e.type = NodeEventType::kNetworkStatus;
  e.network_id = net.id();
  e.network_status = net.status();
  host_.on_event(e);
}

std::uint64_t Vl2Engine::random_nonzero() {
  std::uint64_t v = 0;
  while (v == 0) v = vl1_.random_u64();
  return v;
}

bool Vl2Engine::send_ok(std::int64_t now, Address to, Verb in_re, std::uint64_t in_re_id,
                        std::span<const std::uint8_t> body) {
  Bytes payload;
  ByteWriter w(payload);
  write_ok_header(w, in_re, in_re_id);
  w.bytes(body);
  return vl1_.send(now, to, Verb::kOk, payload);
}

bool Vl2Engine::send_error_packet(std::int64_t now, Address to, const ErrorMessage& error) {
  Bytes payload;
  ByteWriter w(payload);
  write_error(w, error);
  return vl1_.send(now, to, Verb::kError, payload);
}

bool Vl2Engine::on_packet(std::int64_t now, const InboundPacket& packet) {
  switch (packet.verb) {
    case Verb::kFrame:
      on_frame_packet(now, packet);
      return true;
    case Verb::kExtFrame:
      on_ext_frame_packet(now, packet);
      return true;
    case Verb::kMulticastLike:
      on_multicast_like(now, packet);
      return true;
    case Verb::kNetworkCredentials:
      on_credentials(now, packet);
      return true;
    case Verb::kNetworkConfigRequest:
      on_config_request(now, packet);
      return true;
    case Verb::kNetworkConfig:
      on_config_chunk(now, packet, packet.payload, true);
      return true;
    case Verb::kMulticastGather:
      on_multicast_gather(now, packet);
      return true;
    case Verb::kMulticastFrame:
      on_multicast_frame(now, packet);
      return true;
    case Verb::kOk:
      if (on_ok(now, packet)) return true;
      break;
    case Verb::kError:
      if (on_error(now, packet)) return true;
      break;
    default:
      break;
  }
  return fallback_ && fallback_->on_packet(now, packet);
}

bool Vl2Engine::on_ok(std::int64_t now, const InboundPacket& packet) {
  const std::optional<OkMessage> ok = parse_ok(packet.payload);
  if (!ok) return false;
  switch (static_cast<Verb>(static_cast<std::uint8_t>(ok->in_re_verb) & kVerbMask)) {
    case Verb::kNetworkConfigRequest:
      on_config_chunk(now, packet, ok->body, false);
      return true;
    case Verb::kMulticastGather: {
      const std::optional<OkMulticastGather> g = parse_ok_multicast_gather(ok->body);
      if (!g) ++counters_.drop_malformed;
      else if (find(g->network_id)) on_gather_results(now, g->network_id, g->group, g->result);
      return true;
    }
    case Verb::kMulticastFrame: {
      const std::optional<OkMulticastFrame> f = parse_ok_multicast_frame(ok->body);
      if (!f) {
        ++counters_.drop_malformed;
        return true;
      }
      if (!find(f->network_id)) return true;
      if (f->flags & kOkMulticastFrameFlagCom) add_attached_com(now, f->com);
      if (f->flags & kOkMulticastFrameFlagGather)
        on_gather_results(now, f->network_id, f->group, f->result);
      return true;
    }
    case Verb::kExtFrame:  // the ACK we asked for: nothing to do
    case Verb::kEcho:      // a member's acknowledgement of NETWORK_CONFIG (§6.2 quirk)
      return true;
    default:
      return false;
  }
}

bool Vl2Engine::on_error(std::int64_t now, const InboundPacket& packet) {
  const std::optional<ErrorMessage> error = parse_error(packet.payload);
  if (!error) return false;
  switch (static_cast<ErrorCode>(error->code)) {
    case ErrorCode::kObjectNotFound:
    case ErrorCode::kUnsupportedOperation:
    case ErrorCode::kNetworkAccessDenied:
    case ErrorCode::kNetworkAuthenticationRequired:
      if (!error->network_id) return false;  // not about a network: not ours to judge
      on_config_error(now, packet.source, *error);
      return true;
    case ErrorCode::kNeedMembershipCertificate: {
      Network* net = error->network_id ? find(*error->network_id) : nullptr;
      if (net && net->has_config() && !net->config().com.empty())
        peer_requested_credentials(now, *net, packet.source);
      return true;
    }
    case ErrorCode::kUnwantedMulticast: {
      Network* net = error->network_id ? find(*error->network_id) : nullptr;
      if (net && error->group && gate(now, *net, packet.source))
        multicaster_.remove(net->id(), *error->group, packet.source);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace zt
