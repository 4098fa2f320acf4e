#pragma once
// What the node knows of the network: its planet and moons, which peers
// are upstreams (their roots), and the peer table. The table is bounded:
// upstreams always stay, other peers are capped and the least recently
// heard one makes room for a new one.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "node/node.hpp"
#include "node/peer.hpp"
#include "proto/world.hpp"

namespace zt {

class Topology {
 public:
  Topology(const Identity& me, std::size_t max_peers, std::size_t replay_window,
           std::int64_t activity_timeout);

  const World& planet() const { return planet_; }
  const std::vector<World>& moons() const { return moons_; }
  const World* moon(std::uint64_t id) const;
  // Installs a world and creates peers for its roots. The caller applies
  // World::should_be_replaced_by first where the rules ask for it.
  void set_planet(const World& planet, std::int64_t now);
  void set_moon(const World& moon, std::int64_t now);

  bool is_upstream(Address address) const;
  bool am_root() const { return is_upstream(me_.address()); }
  PeerRole role(Address address) const;
  // Upstreams other than ourselves, planet roots first.
  std::vector<Address> upstream_addresses() const;
  // Every stable endpoint listed for `address` by the planet and moons.
  std::vector<InetAddress> stable_endpoints(Address address) const;
  // §16.3: a root that lists stable endpoints is reached only at those IPs.
  bool endpoint_allowed(Address address, const InetAddress& endpoint) const;

  Peer* find(Address address);
  const Peer* find(Address address) const;
  // Creates a peer for an identity (nullopt key agreement fails: null).
  // Evicts the least recently heard non-upstream peer when full.
  Peer* add(const Identity& identity, std::int64_t now);
  std::unordered_map<Address, std::unique_ptr<Peer>>& peers() { return peers_; }
  const std::unordered_map<Address, std::unique_ptr<Peer>>& peers() const { return peers_; }
  std::size_t max_peers() const { return max_peers_; }

  // §17: the upstream with a usable path and the lowest
  // latency * ((now - last receive) / 61000 + 1); silent ones come last.
  Peer* best_upstream(std::int64_t now, Address exclude = Address());

  // Housekeeping: forgets non-upstream peers silent for the activity
  // timeout. Returns the addresses that went.
  std::vector<Address> forget_idle(std::int64_t now);

 private:
  void rebuild_upstreams(std::int64_t now);
  void evict_one();

  Identity me_;
  std::size_t max_peers_;
  std::size_t replay_window_;
  std::int64_t activity_timeout_;
  World planet_;
  std::vector<World> moons_;
  std::vector<Address> upstreams_;
  std::unordered_map<Address, std::unique_ptr<Peer>> peers_;
};

}  // namespace zt
