#include "node/peer.hpp"

#include <algorithm>

#include "node/path_policy.hpp"
#include "proto/constants.hpp"

namespace zt {

Peer::Peer(const Identity& identity, const SymmetricKey& key, std::size_t replay_window,
           std::int64_t now)
    : identity_(identity.public_only()),
      key_(std::make_unique<PeerKey>(key)),
      replay_(replay_window),
      created_(now) {}

void Peer::set_remote_version(int protocol, int major, int minor, int revision) {
  protocol_ = protocol;
  major_ = major;
  minor_ = minor;
  revision_ = revision;
}

bool Peer::answers_echo() const {
  return protocol_ >= 5 && !(major_ == 1 && minor_ == 1 && revision_ == 0);
}

CipherSuite Peer::cipher_for(Verb verb) const {
  switch (verb) {
    case Verb::kHello:
    case Verb::kAck:
    case Verb::kQosMeasurement:
    case Verb::kPathNegotiationRequest:
      return CipherSuite::kPoly1305None;
    default:
      return protocol_ >= kProtoVersionAesGmacSiv ? CipherSuite::kAesGmacSiv
                                                  : CipherSuite::kPoly1305Salsa2012;
  }
}

Path* Peer::find_path(LocalSocket socket, const InetAddress& address) {
  for (Path& p : paths_)
    if (p.is(socket, address)) return &p;
  return nullptr;
}

bool Peer::has_alive_path_with_ip(LocalSocket socket, const InetAddress& address,
                                  std::int64_t now) const {
  return std::any_of(paths_.begin(), paths_.end(), [&](const Path& p) {
    return p.socket() == socket && same_ip(p.address(), address) && p.alive(now);
  });
}

Path& Peer::learn_path(LocalSocket socket, const InetAddress& address, std::int64_t now) {
  if (Path* known = find_path(socket, address)) {
    known->received(now);
    return *known;
  }
  for (Path& p : paths_) {
    if (same_ip(p.address(), address) && !p.alive(now)) {
      p = Path(socket, address, now);
      return p;
    }
  }
  if (paths_.size() < kMaxPeerNetworkPaths) {
    paths_.emplace_back(socket, address, now);
    return paths_.back();
  }
  auto oldest = std::min_element(paths_.begin(), paths_.end(), [](const Path& a, const Path& b) {
    return a.last_receive() < b.last_receive();
  });
  *oldest = Path(socket, address, now);
  return *oldest;
}

const Path* Peer::best_path(std::int64_t now) const {
  const Path* best = nullptr;
  std::int64_t best_quality = 0;
  for (const Path& p : paths_) {
    if (p.expired(now)) continue;
    const std::int64_t q = p.quality(now);
    if (!best || q < best_quality) {
      best = &p;
      best_quality = q;
    }
  }
  return best;
}

Path* Peer::best_path(std::int64_t now) {
  return const_cast<Path*>(static_cast<const Peer*>(this)->best_path(now));
}

std::size_t Peer::expire_paths(std::int64_t now) {
  const std::size_t before = paths_.size();
  std::erase_if(paths_, [now](const Path& p) { return p.expired(now); });
  return before - paths_.size();
}

bool Peer::rate_gate_whois(std::int64_t now) {
  if (now >= last_whois_answered_ && now - last_whois_answered_ < kPeerWhoisRateLimit)
    return false;
  last_whois_answered_ = now;
  return true;
}

bool Peer::rate_gate_push_direct_paths(std::int64_t now) {
  if (now - push_window_start_ >= kPushDirectPathsCutoffTime || now < push_window_start_) {
    push_window_start_ = now;
    push_count_ = 0;
  }
  return ++push_count_ <= kPushDirectPathsCutoffLimit;
}

}  // namespace zt
