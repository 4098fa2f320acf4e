#include "node/node_engine.hpp"

#include <algorithm>

#include "proto/hex.hpp"

namespace zt {
namespace {

constexpr std::int64_t kQueueRetryInterval = kWhoisRetryDelay;   // §18.1 switch timer
constexpr std::int64_t kEchoReplyInterval = kPeerGeneralRateLimit / 6;
constexpr std::int64_t kHelloConfirmInterval = 1000;             // §18.2: 1/s per path
constexpr std::size_t kGateBuckets = 1024;
constexpr std::size_t kRendezvousBuckets = 4096;
// Unauthenticated packets from unknown sources each cause a WHOIS: cap
// what a flood of made-up addresses can make us send to the roots.
constexpr double kWhoisPerSecond = 200;
// Looking an unknown source up in peers.d costs a file open: cap what a
// flood of made-up addresses can make us read.
constexpr double kRecallsPerSecond = 500;

std::uint64_t seed_from(NodeHost& host) {
  std::uint64_t seed = 0;
  host.random_bytes(&seed, sizeof seed);
  return seed;
}

std::optional<World> load_world(NodeHost& host, std::string_view name) {
  const std::optional<Bytes> bytes = host.load(name);
  if (!bytes) return std::nullopt;
  ByteReader r(*bytes);
  return World::deserialize(r);
}

std::string moon_file(std::uint64_t id) { return "moons.d/" + to_hex_u64(id, 16) + ".moon"; }

}  // namespace

NodeEngine::NodeEngine(const Identity& identity, const World& planet, NodeHost& host,
                       NodeOptions options, std::int64_t now)
    : me_(identity),
      host_(host),
      options_(options),
      mtu_(std::clamp(options.physical_mtu, kMinPhysMtu, kMaxPhysMtu)),
      loopback_mtu_(std::clamp(options.loopback_mtu, kMinPhysMtu, kMaxPhysMtu)),
      hash_seed_(seed_from(host)),
      topology_(identity, options.max_peers, options.replay_window,
                options.peer_activity_timeout_ms),
      identity_limiter_(hash_seed_ ^ 0x5bd1e995),
      echo_reply_gate_(kGateBuckets, kEchoReplyInterval),
      hello_confirm_gate_(kGateBuckets, kHelloConfirmInterval),
      rendezvous_gate_(kRendezvousBuckets, kMinUniteInterval),
      held_(kRxQueueSize),
      queued_(kTxQueueSize),
      whois_budget_(kWhoisPerSecond, kWhoisPerSecond),
      recall_budget_(kRecallsPerSecond, kRecallsPerSecond),
      next_ping_(now),
      next_housekeeping_(now + kHousekeepingPeriod),
      next_queue_retry_(now + kQueueRetryInterval) {
  // §16.3: a cached planet wins when it is a valid update of the given one.
  World initial = planet;
  if (std::optional<World> cached = load_world(host_, "planet");
      cached && cached->type == World::Type::kPlanet && initial.should_be_replaced_by(*cached))
    initial = *cached;
  topology_.set_planet(initial, now);
}

void NodeEngine::add_moon(const World& moon, std::int64_t now) {
  if (moon.type != World::Type::kMoon || moon.id == 0) return;
  World chosen = moon;
  if (const World* existing = topology_.moon(moon.id)) {
    if (!existing->should_be_replaced_by(moon)) return;
  }
  if (std::optional<World> cached = load_world(host_, moon_file(moon.id));
      cached && chosen.should_be_replaced_by(*cached))
    chosen = *cached;
  topology_.set_moon(chosen, now);
  store_world(chosen);
  next_ping_ = now;  // contact the new roots at the next timer
}

bool NodeEngine::online(std::int64_t now) const {
  if (topology_.am_root()) return true;
  for (Address a : topology_.upstream_addresses()) {
    const Peer* p = topology_.find(a);
    if (p && p->heard() && now - p->last_receive() < options_.peer_activity_timeout_ms) return true;
  }
  return false;
}

std::uint64_t NodeEngine::echo(std::int64_t now, Address to) {
  std::uint64_t id = 0;
  while (id == 0) id = random_u64();
  echoes_.add({id, to, now});
  std::uint8_t payload[8];
  store_be(payload, id, 8);
  send(now, to, Verb::kEcho, payload);
  return id;
}

bool NodeEngine::send(std::int64_t now, Address to, Verb verb,
                      std::span<const std::uint8_t> payload) {
  return send(now, to, verb, payload, {});
}

bool NodeEngine::send(std::int64_t now, Address to, Verb verb, std::span<const std::uint8_t> head,
                      std::span<const std::uint8_t> tail) {
  if (to.is_reserved() || to == me_.address()) return false;
  if (head.size() + tail.size() > kMaxPacketLength - kMinPacketLength) return false;
  Peer* peer = topology_.find(to);
  if (!peer) peer = recall_peer(now, to);
  if (peer && send_now(now, *peer, verb, head, tail)) return true;
  // No identity or no route yet: hold it while a WHOIS (or a path) turns up.
  Bytes payload(head.begin(), head.end());
  payload.insert(payload.end(), tail.begin(), tail.end());
  if (queued_.push({to, now, verb, std::move(payload)})) ++counters_.drop_unknown_peer;
  arm_queue_retry(now);
  if (!topology_.find(to)) send_whois(now, to);
  return true;
}

// The retry timer only matters while something waits; restart it when the
// first entry arrives so next_deadline() never lies in the past.
void NodeEngine::arm_queue_retry(std::int64_t now) {
  if (next_queue_retry_ < now) next_queue_retry_ = now + kQueueRetryInterval;
}

std::int64_t NodeEngine::next_deadline() const {
  std::int64_t next = std::min(next_ping_, next_housekeeping_);
  if (!held_.empty() || !queued_.empty()) next = std::min(next, next_queue_retry_);
  return std::min(next, confirmations_.next_due());
}

NodeEvent NodeEngine::event(NodeEventType type, Address peer) {
  NodeEvent e;
  e.type = type;
  e.peer = peer;
  return e;
}

void NodeEngine::emit(const NodeEvent& e) { host_.on_event(e); }

void NodeEngine::store_world(const World& world) {
  const Bytes bytes = world.to_bytes();
  host_.store(world.type == World::Type::kPlanet ? std::string("planet") : moon_file(world.id),
              bytes);
}

PeerInfo NodeEngine::info_of(const Peer& peer, std::int64_t now) const {
  PeerInfo info;
  info.address = peer.address();
  info.public_identity = peer.identity().to_string(false);
  info.version_major = peer.version_major();
  info.version_minor = peer.version_minor();
  info.version_rev = peer.version_revision();
  info.protocol_version = peer.protocol_version();
  info.latency_ms = peer.latency();
  info.role = topology_.role(peer.address());
  info.last_receive = peer.heard() ? peer.last_receive() : 0;
  const Path* best = peer.best_path(now);
  for (const Path& p : peer.paths()) {
    PathInfo pi;
    pi.address = p.address();
    pi.local_socket = p.socket();
    pi.last_send = p.last_send();
    pi.last_receive = p.last_receive();
    pi.active = p.alive(now);
    pi.expired = p.expired(now);
    pi.preferred = &p == best;
    info.paths.push_back(pi);
  }
  return info;
}

std::vector<PeerInfo> NodeEngine::peers(std::int64_t now) const {
  std::vector<PeerInfo> out;
  for (const auto& [address, peer] : topology_.peers()) out.push_back(info_of(*peer, now));
  std::sort(out.begin(), out.end(),
            [](const PeerInfo& a, const PeerInfo& b) { return a.address < b.address; });
  return out;
}

const Identity* NodeEngine::peer_identity(Address address) const {
  const Peer* p = topology_.find(address);
  return p ? &p->identity() : nullptr;
}

void NodeEngine::request_identity(std::int64_t now, Address address) {
  if (address.is_reserved() || address == me_.address() || topology_.find(address)) return;
  send_whois(now, address);
}

std::optional<Address> NodeEngine::best_upstream(std::int64_t now) {
  Peer* p = topology_.best_upstream(now);
  if (!p) return std::nullopt;
  return p->address();
}

std::optional<int> NodeEngine::live_latency(Address address, std::int64_t now) const {
  const Peer* p = topology_.find(address);
  if (!p || !p->best_path(now)) return std::nullopt;
  return p->latency() < 0 ? Path::kUnknownLatency : p->latency();
}

std::optional<PeerInfo> NodeEngine::peer(Address address, std::int64_t now) const {
  const Peer* p = topology_.find(address);
  if (!p) return std::nullopt;
  return info_of(*p, now);
}

}  // namespace zt
