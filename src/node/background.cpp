// Timers (vl1.md §18): contacting upstreams, keepalives, path expiry,
// forgetting idle peers, retrying what waits for a WHOIS, and the
// online / direct-path state changes the host hears about.
#include <algorithm>

#include "node/node_engine.hpp"

namespace zt {
namespace {

constexpr unsigned kSentV4 = 0x1;
constexpr unsigned kSentV6 = 0x2;
// §18.1: an upstream that has a path is contacted "as rarely as possible":
// after 16 heartbeat periods (224 s). We keep that below half the activity
// timeout so a short timeout (30 s in upstream's SDK build) stays online.
constexpr std::int64_t kUpstreamContactScale = 16;

}  // namespace

std::int64_t NodeEngine::on_timer(std::int64_t now) {
  if (now >= next_ping_) {
    next_ping_ = now + kPingCheckInterval;
    ping_upstreams(now);
    for (auto& [address, peer] : topology_.peers()) {
      if (topology_.is_upstream(address)) continue;
      if (now - peer->last_nontrivial_receive() < options_.peer_activity_timeout_ms)
        keepalive(now, *peer);
    }
  }
  if (now >= next_housekeeping_) {
    next_housekeeping_ = now + kHousekeepingPeriod;
    housekeeping(now);
  }
  if (now >= next_queue_retry_) {
    next_queue_retry_ = now + kWhoisRetryDelay;
    retry_queues(now);
  }
  if (now >= confirmations_.next_due()) retry_path_confirmations(now);
  update_online(now);
  return next_deadline();
}

void NodeEngine::ping_upstreams(std::int64_t now) {
  const std::int64_t quiet_with_path =
      std::min(kPathHeartbeatPeriod * kUpstreamContactScale, options_.peer_activity_timeout_ms / 2);
  for (Address address : topology_.upstream_addresses()) {
    Peer* peer = topology_.find(address);
    if (!peer) continue;
    const std::int64_t quiet = peer->has_direct_path(now) ? quiet_with_path : 0;
    if (now - peer->last_sent_full_hello() <= quiet) continue;
    const unsigned sent = keepalive(now, *peer);
    bool contacted = sent != 0;
    // Upstreams are kept reachable over both families so they can
    // introduce us to IPv4 and IPv6 peers alike.
    std::vector<InetAddress> endpoints = topology_.stable_endpoints(address);
    for (bool v6 : {false, true}) {
      if (sent & (v6 ? kSentV6 : kSentV4)) continue;
      std::vector<InetAddress> family;
      for (const InetAddress& e : endpoints)
        if (e.is_v6() == v6 && e.is_v4() == !v6) family.push_back(e);
      if (family.empty()) continue;
      send_hello(now, *peer, Endpoint{kAnySocket, family[random_u64() % family.size()]});
      contacted = true;
    }
    if (!contacted && topology_.best_upstream(now, address)) send_hello(now, *peer, std::nullopt);
  }
}

// §18.2 doPingAndKeepalive: drop dead paths, then touch the ones that need
// it; a full HELLO every kPeerPingPeriod, otherwise ECHO or HELLO.
unsigned NodeEngine::keepalive(std::int64_t now, Peer& peer) {
  const bool full_hello = now - peer.last_sent_full_hello() >= kPeerPingPeriod;
  if (full_hello) peer.sent_full_hello(now);
  if (peer.expire_paths(now) > 0) update_direct(now, peer);
  unsigned sent = 0;
  std::vector<Endpoint> due;
  for (const Path& p : peer.paths()) {
    if (full_hello || p.needs_heartbeat(now)) {
      due.push_back({p.socket(), p.address()});
      sent |= p.address().is_v6() ? kSentV6 : kSentV4;
    }
  }
  for (const Endpoint& e : due) contact(now, peer, e, full_hello);
  return sent;
}

void NodeEngine::housekeeping(std::int64_t now) {
  for (Address gone : topology_.forget_idle(now)) {
    forget_identity(gone);
    confirmations_.forget(gone);
  }
  for (auto& [address, peer] : topology_.peers()) {
    if (peer->expire_paths(now) > 0) update_direct(now, *peer);
  }
  whois_.expire(now);
  echoes_.expire(now);
  self_.expire(now);
  reassembler_.expire(now);
  count_reassembly();
}

// §18.1 switch timer: WHOIS again for whatever still waits, give up after
// the queue timeouts, and send what can go now.
void NodeEngine::retry_queues(std::int64_t now) {
  counters_.drop_unknown_peer += held_.expire(now, kReceiveQueueTimeout);
  counters_.drop_unknown_peer += queued_.expire(now, kTransmitQueueTimeout);
  for (Address a : queued_.keys())
    if (!topology_.find(a)) send_whois(now, a);
  send_queued(now);
  for (Address a : held_.keys()) {
    if (topology_.find(a)) {
      if (Peer* peer = topology_.find(a)) identity_arrived(now, *peer);
    } else {
      send_whois(now, a);
    }
  }
}

// A confirming HELLO (§18.2) whose OK has not come: try again, backing off.
void NodeEngine::retry_path_confirmations(std::int64_t now) {
  for (const PathConfirmations::Due& d : confirmations_.take_due(now)) {
    Peer* peer = topology_.find(d.peer);
    if (!peer) {
      confirmations_.forget(d.peer);
      continue;
    }
    if (peer->find_path(d.socket, d.endpoint)) {
      confirmations_.confirmed(d.peer, d.socket, d.endpoint);
      continue;
    }
    send_hello(now, *peer, Endpoint{d.socket, d.endpoint});
  }
}

void NodeEngine::update_direct(std::int64_t now, Peer& peer) {
  const bool direct = peer.has_direct_path(now);
  if (direct == peer.reported_direct()) return;
  peer.set_reported_direct(direct);
  emit(event(direct ? NodeEventType::kPeerDirect : NodeEventType::kPeerRelayed, peer.address()));
  // A first path (a root's, say) is a route for what waits, now rather than
  // at the next retry: a network joined before the root answered would
  // otherwise ask for its config up to kWhoisRetryDelay later.
  if (direct) send_queued(now);
}

void NodeEngine::send_queued(std::int64_t now) {
  for (Address a : queued_.keys()) {
    Peer* peer = topology_.find(a);
    if (!peer) continue;
    for (QueuedSend& q : queued_.take(a)) {
      if (!send_now(now, *peer, q.verb, q.payload)) {
        if (queued_.push(std::move(q))) ++counters_.drop_unknown_peer;
      }
    }
  }
}

void NodeEngine::update_online(std::int64_t now) {
  const bool online_now = online(now);
  if (online_now == online_) return;
  online_ = online_now;
  emit(event(online_now ? NodeEventType::kOnline : NodeEventType::kOffline));
}

}  // namespace zt
