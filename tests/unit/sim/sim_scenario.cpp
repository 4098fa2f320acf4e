#include "sim/sim_scenario.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "vectors.hpp"

namespace zt::sim {

const Identity& vector_identity(std::size_t index) {
  static std::map<std::size_t, Identity> cache;
  if (auto it = cache.find(index); it != cache.end()) return it->second;
  const auto& ids = test::vl1()["identities"];
  std::optional<Identity> id;
  if (index < ids.size())
    id = Identity::from_string(ids[index]["secret_string"].get<std::string>());
  if (!id || !id->has_private()) ADD_FAILURE() << "vl1.json has no secret identity #" << index;
  return cache[index] = id.value_or(Identity());
}

InetAddress ep(std::string_view text) {
  const std::optional<InetAddress> a = InetAddress::from_string(text);
  if (!a) ADD_FAILURE() << "bad endpoint " << text;
  return a.value_or(InetAddress());
}

World make_planet(const Identity& root, const std::vector<InetAddress>& endpoints,
                  std::uint64_t revision) {
  crypto::C25519KeyPair signer;
  for (std::size_t i = 0; i < signer.priv.size(); ++i)
    signer.priv[i] = static_cast<std::uint8_t>(i * 7 + 1);
  signer.pub = crypto::c25519_public_from_private(signer.priv);
  World w;
  w.type = World::Type::kPlanet;
  w.id = 0x51a7e7;
  w.timestamp = revision;
  w.updates_must_be_signed_by = signer.pub;
  w.roots.push_back({root.public_only(), endpoints});
  w.sign(signer);
  return w;
}

Scenario::Scenario(std::uint64_t seed, const LinkParams& link) : net_(seed, kEpoch), seed_(seed) {
  net_.set_default_link(link);
}

SimHost& Scenario::add_root(const InetAddress& endpoint, NatId behind) {
  planet_ = make_planet(vector_identity(2), {endpoint});
  return add_node("R", vector_identity(2), {endpoint}, behind);
}

SimHost& Scenario::add_node(std::string name, const Identity& identity,
                            std::vector<InetAddress> endpoints, NatId behind,
                            NodeOptions options) {
  const HostId h = net_.add_host(std::move(name), std::move(endpoints), behind);
  // Each host its own random stream, all derived from the scenario's seed.
  const std::uint64_t host_seed = seed_ * 0x9e3779b97f4a7c15ULL + h + 1;
  hosts_.push_back(std::make_unique<SimHost>(net_, h, identity, planet_, host_seed, options));
  return *hosts_.back();
}

std::optional<NodeEvent> Scenario::echo(SimHost& from, const SimHost& to, Time within) {
  const std::uint64_t id = from.echo(to.address());
  if (!run_until([&] { return from.echo_reply(id) != nullptr; }, within)) return std::nullopt;
  return *from.echo_reply(id);
}

std::shared_ptr<Scenario::EchoLoop> Scenario::keep_echoing(SimHost& from, const SimHost& to,
                                                          Time period) {
  auto loop = std::make_shared<EchoLoop>();
  auto tick = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_tick = tick;
  *tick = [this, &from, &to, period, loop, weak_tick] {
    if (!loop->active) return;
    if (from.running()) loop->ids.push_back(from.echo(to.address()));
    // The queue owns the closure from here on; weak_tick keeps it acyclic.
    if (auto self = weak_tick.lock()) net_.clock().schedule_in(period, [self] { (*self)(); });
  };
  net_.clock().schedule_in(0, [tick] { (*tick)(); });
  return loop;
}

void Scenario::stop_echoing(const std::vector<std::shared_ptr<EchoLoop>>& loops) {
  for (const auto& loop : loops) loop->active = false;
  run_for(1000);
}

void Scenario::record_wire(bool on) {
  if (!on) {
    net_.set_trace(nullptr);
    return;
  }
  net_.set_trace([this](const WireEvent& e) {
    const std::string from = e.from == kNoHost ? "?" : net_.name(e.from);
    const std::string to = e.to == kNoHost ? "?" : net_.name(e.to);
    wire_log_.push_back(e.to_string() + " [" + from + "->" + to + "]");
  });
}

std::string Scenario::timeline(std::size_t max) const {
  std::ostringstream s;
  const std::size_t first = wire_log_.size() > max ? wire_log_.size() - max : 0;
  for (std::size_t i = first; i < wire_log_.size(); ++i) s << wire_log_[i] << '\n';
  return s.str();
}

std::optional<PathInfo> path_to(const SimHost& from, const SimHost& to, const InetAddress& at) {
  if (!from.running()) return std::nullopt;
  const std::optional<PeerInfo> peer = from.peer(to.address());
  if (!peer) return std::nullopt;
  for (const PathInfo& p : peer->paths)
    if (p.address == at) return p;
  return std::nullopt;
}

bool direct_over(const SimHost& from, const SimHost& to, const InetAddress& at) {
  const std::optional<PathInfo> p = path_to(from, to, at);
  return p && p->active && p->preferred && !p->expired;
}

bool preferred_over(const SimHost& from, const SimHost& to, const InetAddress& at) {
  const std::optional<PathInfo> p = path_to(from, to, at);
  return p && p->preferred && !p->expired;
}

bool has_direct(const SimHost& from, const SimHost& to) {
  if (!from.running()) return false;
  const std::optional<PeerInfo> peer = from.peer(to.address());
  if (!peer) return false;
  for (const PathInfo& p : peer->paths)
    if (p.active && !p.expired) return true;
  return false;
}

std::string describe(const SimHost& host) {
  std::ostringstream s;
  s << host.address().to_string() << " at t=" << host.now();
  if (!host.running()) return s.str() + " (stopped)\n";
  s << (host.online() ? " online" : " offline") << '\n';
  for (const PeerInfo& peer : host.node().peers(host.now())) {
    s << "  peer " << peer.address.to_string() << " role=" << static_cast<int>(peer.role)
      << " latency=" << peer.latency_ms << " heard " << host.now() - peer.last_receive
      << " ms ago\n";
    for (const PathInfo& p : peer.paths) {
      s << "    path " << p.address.to_string() << (p.active ? " active" : "")
        << (p.preferred ? " preferred" : "") << (p.expired ? " expired" : "") << " rx "
        << host.now() - p.last_receive << " ms ago, tx " << host.now() - p.last_send
        << " ms ago\n";
    }
  }
  const NodeCounters& c = host.counters();
  const std::pair<const char*, std::uint64_t> counters[] = {
      {"rx_datagrams", c.rx_datagrams}, {"rx_packets", c.rx_packets},
      {"tx_datagrams", c.tx_datagrams}, {"relayed", c.relayed},
      {"drop_malformed", c.drop_malformed}, {"drop_bad_mac", c.drop_bad_mac},
      {"drop_bad_cipher", c.drop_bad_cipher}, {"drop_replayed", c.drop_replayed},
      {"drop_invalid_identity", c.drop_invalid_identity},
      {"drop_rate_limited", c.drop_rate_limited},
      {"drop_unexpected_reply", c.drop_unexpected_reply},
      {"drop_unknown_peer", c.drop_unknown_peer}, {"drop_fragment", c.drop_fragment},
      {"drop_relay", c.drop_relay}, {"drop_path_refused", c.drop_path_refused},
      {"drop_unsupported", c.drop_unsupported}, {"drop_decompress", c.drop_decompress}};
  s << " ";
  for (const auto& [name, value] : counters)
    if (value) s << ' ' << name << '=' << value;
  s << '\n';
  for (const TimedEvent& e : host.events()) {
    if (e.event.type == NodeEventType::kEchoReply || e.event.type == NodeEventType::kTrace)
      continue;
    s << "  event t=" << e.at << " type=" << static_cast<int>(e.event.type) << ' '
      << e.event.peer.to_string() << '\n';
  }
  return s.str();
}

}  // namespace zt::sim
