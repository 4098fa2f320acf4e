#pragma once
// Upstream nodes drop a peer's NETWORK_CREDENTIALS that arrives within
// 1000 ms of the previous one (ZT_PEER_CREDENTIALS_RATE_LIMIT). A push of
// our certificates right before a revocation from our controller would
// silently lose the revocation there. So NETWORK_CREDENTIALS to one peer go
// at most once a second: what comes sooner waits in a short per-peer queue.
// Bounded: a few payloads per peer, a fixed number of peers.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "proto/address.hpp"
#include "proto/hex.hpp"

namespace zt {

class CredentialPacer {
 public:
  static constexpr std::int64_t kInterval = 1000;
  static constexpr std::size_t kMaxQueuedPerPeer = 8;
  static constexpr std::size_t kMaxPeers = 4096;

  // True: send `payload` to `peer` now. False: it waits (or was dropped as
  // the oldest of a full queue, or the table is full).
  bool offer(std::int64_t now, Address peer, Bytes payload);
  // What is due by `now`, at most one payload per peer.
  std::vector<std::pair<Address, Bytes>> take_due(std::int64_t now);
  // When take_due next has something; nullopt if nothing waits.
  std::optional<std::int64_t> next_due() const;
  std::size_t dropped() const { return dropped_; }

 private:
  struct Peer {
    std::int64_t last_sent = 0;
    bool sent = false;
    std::deque<Bytes> queue;
  };
  void prune(std::int64_t now);

  std::map<Address, Peer> peers_;
  std::size_t dropped_ = 0;
};

}  // namespace zt
