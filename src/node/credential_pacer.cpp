#include "node/credential_pacer.hpp"

namespace zt {

bool CredentialPacer::offer(std::int64_t now, Address peer, Bytes payload) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) {
    if (peers_.size() >= kMaxPeers) prune(now);
    if (peers_.size() >= kMaxPeers) {
      ++dropped_;
      return false;
    }
    it = peers_.emplace(peer, Peer{}).first;
  }
  Peer& p = it->second;
  if (p.queue.empty() && (!p.sent || now - p.last_sent >= kInterval)) {
    p.sent = true;
    p.last_sent = now;
    return true;
  }
  if (p.queue.size() >= kMaxQueuedPerPeer) {
    p.queue.pop_front();
    ++dropped_;
  }
  p.queue.push_back(std::move(payload));
  return false;
}

std::vector<std::pair<Address, Bytes>> CredentialPacer::take_due(std::int64_t now) {
  std::vector<std::pair<Address, Bytes>> out;
  for (auto& [address, p] : peers_) {
    if (p.queue.empty() || now - p.last_sent < kInterval) continue;
    out.emplace_back(address, std::move(p.queue.front()));
    p.queue.pop_front();
    p.last_sent = now;
  }
  prune(now);
  return out;
}

std::optional<std::int64_t> CredentialPacer::next_due() const {
  std::optional<std::int64_t> next;
  for (const auto& [address, p] : peers_)
    if (!p.queue.empty()) {
      const std::int64_t due = p.last_sent + kInterval;
      if (!next || due < *next) next = due;
    }
  return next;
}

// Peers with nothing waiting whose last send is past the interval are
// remembered no longer than they matter.
void CredentialPacer::prune(std::int64_t now) {
  std::erase_if(peers_, [now](const auto& entry) {
    return entry.second.queue.empty() && now - entry.second.last_sent >= kInterval;
  });
}

}  // namespace zt
