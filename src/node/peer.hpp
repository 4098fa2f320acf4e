#pragma once
// A peer we hold an identity for: its key (agreed once), what it told us of
// its version, its physical paths, and the per-peer timers and guards.
#include <cstdint>
#include <memory>
#include <vector>

#include "node/path.hpp"
#include "node/replay_window.hpp"
#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/peer_key.hpp"

namespace zt {

class Peer {
 public:
  Peer(const Identity& identity, const SymmetricKey& key, std::size_t replay_window,
       std::int64_t now);

  const Identity& identity() const { return identity_; }
  Address address() const { return identity_.address(); }
  const PeerKey& key() const { return *key_; }
  ReplayWindow& replay() { return replay_; }
  std::int64_t created() const { return created_; }

  // Remote version from HELLO / OK(HELLO); protocol 0 until then.
  void set_remote_version(int protocol, int major, int minor, int revision);
  int protocol_version() const { return protocol_; }
  int version_major() const { return major_; }
  int version_minor() const { return minor_; }
  int version_revision() const { return revision_; }
  // §18.2/§12.6: ECHO works as a probe for protocol >= 5 except 1.1.0.
  bool answers_echo() const;
  // §8.5: HELLO (and bonding verbs) suite 0; suite 3 for protocol >= 12.
  CipherSuite cipher_for(Verb verb) const;

  // Time of the last authenticated packet; meaningful only once heard().
  std::int64_t last_receive() const { return last_receive_; }
  bool heard() const { return heard_; }
  void received(std::int64_t now) {
    last_receive_ = now;
    heard_ = true;
  }
  // Verbs that mean the peer is in use (VL2 frames, configs): keepalives.
  std::int64_t last_nontrivial_receive() const { return last_nontrivial_receive_; }
  void received_nontrivial(std::int64_t now) { last_nontrivial_receive_ = now; }
  std::int64_t last_sent_full_hello() const { return last_sent_full_hello_; }
  void sent_full_hello(std::int64_t now) { last_sent_full_hello_ = now; }
  int latency() const { return latency_; }  // -1 until measured
  void set_latency(int ms) { latency_ = ms; }

  std::vector<Path>& paths() { return paths_; }
  const std::vector<Path>& paths() const { return paths_; }
  Path* find_path(LocalSocket socket, const InetAddress& address);
  // §18.2: another alive path with the same IP on the same socket lets a
  // packet from a new port count as known.
  bool has_alive_path_with_ip(LocalSocket socket, const InetAddress& address,
                              std::int64_t now) const;
  // Adds a confirmed path (§18.2 replacement: a dead path with the same IP,
  // else a free slot, else the least recently heard one).
  Path& learn_path(LocalSocket socket, const InetAddress& address, std::int64_t now);
  // The non-expired path with the best quality, or null.
  const Path* best_path(std::int64_t now) const;
  Path* best_path(std::int64_t now);
  // Forgets expired paths; returns how many went.
  std::size_t expire_paths(std::int64_t now);
  bool has_direct_path(std::int64_t now) const { return best_path(now) != nullptr; }

  // Whether kPeerDirect was last reported (kPeerRelayed otherwise).
  bool reported_direct() const { return reported_direct_; }
  void set_reported_direct(bool direct) { reported_direct_ = direct; }

  // §12.5: non-roots answer one WHOIS per 100 ms per peer.
  bool rate_gate_whois(std::int64_t now);
  // §12.16: at most 8 PUSH_DIRECT_PATHS in a rolling 30 s window.
  bool rate_gate_push_direct_paths(std::int64_t now);

 private:
  Identity identity_;
  std::unique_ptr<PeerKey> key_;
  ReplayWindow replay_;
  std::vector<Path> paths_;
  std::int64_t created_;
  std::int64_t last_receive_ = 0;
  std::int64_t last_nontrivial_receive_ = kNever;
  std::int64_t last_sent_full_hello_ = kNever;
  std::int64_t last_whois_answered_ = kNever;
  std::int64_t push_window_start_ = kNever;
  std::size_t push_count_ = 0;
  int latency_ = -1;
  int protocol_ = 0, major_ = -1, minor_ = -1, revision_ = -1;
  bool reported_direct_ = false;
  bool heard_ = false;
};

}  // namespace zt
