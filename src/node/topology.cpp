#include "node/topology.hpp"

#include <algorithm>
#include <limits>

#include "node/path_policy.hpp"

namespace zt {

Topology::Topology(const Identity& me, std::size_t max_peers, std::size_t replay_window,
                   std::int64_t activity_timeout)
    : me_(me),
      max_peers_(std::max<std::size_t>(max_peers, 1)),
      replay_window_(replay_window),
      activity_timeout_(activity_timeout) {}

const World* Topology::moon(std::uint64_t id) const {
  for (const World& m : moons_)
    if (m.id == id) return &m;
  return nullptr;
}

void Topology::set_planet(const World& planet, std::int64_t now) {
  planet_ = planet;
  rebuild_upstreams(now);
}

void Topology::set_moon(const World& moon, std::int64_t now) {
  auto it =
      std::find_if(moons_.begin(), moons_.end(), [&](const World& m) { return m.id == moon.id; });
  if (it != moons_.end())
    *it = moon;
  else
    moons_.push_back(moon);
  rebuild_upstreams(now);
}

// Roots get a peer as soon as their world is known: their identities come
// signed with it, so nothing needs a WHOIS. A root whose identity changed
// under the same address gets a fresh peer.
void Topology::rebuild_upstreams(std::int64_t now) {
  upstreams_.clear();
  auto add_roots = [&](const World& w) {
    for (const World::Root& r : w.roots) {
      const Address a = r.identity.address();
      if (std::find(upstreams_.begin(), upstreams_.end(), a) != upstreams_.end()) continue;
      upstreams_.push_back(a);
      if (a == me_.address()) continue;
      auto it = peers_.find(a);
      if (it != peers_.end() && !(it->second->identity() == r.identity)) peers_.erase(it);
      if (!peers_.count(a)) add(r.identity, now);
    }
  };
  add_roots(planet_);
  for (const World& m : moons_) add_roots(m);
}

bool Topology::is_upstream(Address address) const {
  return std::find(upstreams_.begin(), upstreams_.end(), address) != upstreams_.end();
}

PeerRole Topology::role(Address address) const {
  auto in = [&](const World& w) {
    return std::any_of(w.roots.begin(), w.roots.end(),
                       [&](const World::Root& r) { return r.identity.address() == address; });
  };
  if (in(planet_)) return PeerRole::kPlanet;
  for (const World& m : moons_)
    if (in(m)) return PeerRole::kMoon;
  return PeerRole::kLeaf;
}

std::vector<Address> Topology::upstream_addresses() const {
  std::vector<Address> out;
  for (Address a : upstreams_)
    if (a != me_.address()) out.push_back(a);
  return out;
}

std::vector<InetAddress> Topology::stable_endpoints(Address address) const {
  std::vector<InetAddress> out;
  auto collect = [&](const World& w) {
    for (const World::Root& r : w.roots)
      if (r.identity.address() == address)
        out.insert(out.end(), r.stable_endpoints.begin(), r.stable_endpoints.end());
  };
  collect(planet_);
  for (const World& m : moons_) collect(m);
  return out;
}

bool Topology::endpoint_allowed(Address address, const InetAddress& endpoint) const {
  const std::vector<InetAddress> endpoints = stable_endpoints(address);
  if (endpoints.empty()) return true;
  return std::any_of(endpoints.begin(), endpoints.end(),
                     [&](const InetAddress& e) { return same_ip(e, endpoint); });
}

Peer* Topology::find(Address address) {
  auto it = peers_.find(address);
  return it == peers_.end() ? nullptr : it->second.get();
}

const Peer* Topology::find(Address address) const {
  auto it = peers_.find(address);
  return it == peers_.end() ? nullptr : it->second.get();
}

Peer* Topology::add(const Identity& identity, std::int64_t now) {
  const Address a = identity.address();
  if (a == me_.address() || a.is_reserved()) return nullptr;
  if (Peer* existing = find(a)) return existing;
  const std::optional<SymmetricKey> key = me_.agree(identity);
  if (!key) return nullptr;
  if (!is_upstream(a)) {
    std::size_t others = 0;
    for (const auto& [addr, peer] : peers_) others += is_upstream(addr) ? 0 : 1;
    if (others >= max_peers_) evict_one();
  }
  auto peer = std::make_unique<Peer>(identity, *key, replay_window_, now);
  Peer* raw = peer.get();
  peers_.emplace(a, std::move(peer));
  return raw;
}

void Topology::evict_one() {
  auto victim = peers_.end();
  for (auto it = peers_.begin(); it != peers_.end(); ++it) {
    if (is_upstream(it->first)) continue;
    const auto heard = [](const Peer& p) { return std::max(p.last_receive(), p.created()); };
    if (victim == peers_.end() || heard(*it->second) < heard(*victim->second)) victim = it;
  }
  if (victim != peers_.end()) peers_.erase(victim);
}

Peer* Topology::best_upstream(std::int64_t now, Address exclude) {
  Peer* best = nullptr;
  std::int64_t best_score = std::numeric_limits<std::int64_t>::max();
  for (Address a : upstreams_) {
    if (a == me_.address() || a == exclude) continue;
    Peer* p = find(a);
    if (!p || !p->has_direct_path(now)) continue;
    std::int64_t score = std::numeric_limits<std::int64_t>::max() - 1;
    if (p->heard() && now - p->last_receive() < activity_timeout_) {
      const std::int64_t latency = p->latency() >= 0 ? p->latency() : Path::kUnknownLatency;
      score = latency * ((now - p->last_receive()) / 61000 + 1);
    }
    if (score < best_score) {
      best = p;
      best_score = score;
    }
  }
  return best;
}

std::vector<Address> Topology::forget_idle(std::int64_t now) {
  std::vector<Address> gone;
  std::erase_if(peers_, [&](const auto& entry) {
    const Peer& p = *entry.second;
    const bool idle = !is_upstream(entry.first) &&
                      now - std::max(p.last_receive(), p.created()) >= activity_timeout_;
    if (idle) gone.push_back(entry.first);
    return idle;
  });
  return gone;
}

}  // namespace zt
