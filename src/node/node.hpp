#pragma once
// The VL1 protocol engine (vl1.md): peers, paths, roots, relaying, direct
// path upgrade. Sans-I/O: the host feeds datagrams and the time, and the
// engine answers through NodeHost. One thread owns a Node.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "node/node_counters.hpp"
#include "node/node_event.hpp"
#include "node/node_host.hpp"
#include "node/packet_handler.hpp"
#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/world.hpp"

namespace zt {

struct NodeOptions {
  // ztsdk accepts loopback paths so a whole network can run on one machine;
  // upstream refuses them (vl1.md §18.3).
  bool allow_loopback_paths = true;
  // How long a peer stays "alive" without traffic; also the online test.
  std::int64_t peer_activity_timeout_ms = 500000;
  // Path MTU for fragmenting.
  std::size_t physical_mtu = 1432;
  // The window of packet ids remembered per peer for replay detection.
  std::size_t replay_window = 1024;
  // Peers kept besides the roots; the least recently heard one makes room.
  std::size_t max_peers = 4096;
};

enum class PeerRole { kLeaf, kMoon, kPlanet };

struct PathInfo {
  InetAddress address;
  LocalSocket local_socket = kAnySocket;
  std::int64_t last_send = 0;
  std::int64_t last_receive = 0;
  bool active = false;     // received on within the alive window
  bool expired = false;
  bool preferred = false;  // the best path, used for sending
};

struct PeerInfo {
  Address address;
  std::string public_identity;
  int version_major = -1, version_minor = -1, version_rev = -1;
  int protocol_version = 0;
  int latency_ms = -1;
  PeerRole role = PeerRole::kLeaf;
  std::int64_t last_receive = 0;
  std::vector<PathInfo> paths;
};

class NodeEngine;

class Node {
 public:
  Node(const Identity& identity, const World& planet, NodeHost& host, NodeOptions options,
       std::int64_t now);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // Adds (orbits) a moon whose signature the caller trusts.
  void add_moon(const World& moon, std::int64_t now);

  // One UDP datagram from `from`, received on `socket`.
  void on_datagram(std::int64_t now, LocalSocket socket, const InetAddress& from,
                   std::span<const std::uint8_t> data);

  // Runs whatever is due; returns the time at which it wants to run again.
  std::int64_t on_timer(std::int64_t now);
  // When on_timer next wants to run; on_datagram, send and echo can move it
  // earlier (a WHOIS retry), so hosts check it after calling them.
  std::int64_t next_deadline() const;

  // Where packets VL1 does not handle go (VL2); null for none. Not owned.
  void set_packet_handler(PacketHandler* handler);

  // Sends a VL1 ECHO; the reply arrives as a kEchoReply event with this id.
  std::uint64_t echo(std::int64_t now, Address to);

  // Sends `payload` as one packet with `verb` to a peer, looking it up
  // through the roots if needed (queued until its identity arrives).
  bool send(std::int64_t now, Address to, Verb verb, std::span<const std::uint8_t> payload);

  const Identity& identity() const;
  bool online(std::int64_t now) const;
  bool is_root() const;  // our identity is a root of the planet or a moon
  const World& planet() const;
  std::vector<World> moons() const;
  std::vector<PeerInfo> peers(std::int64_t now) const;
  std::optional<PeerInfo> peer(Address address, std::int64_t now) const;
  const NodeCounters& counters() const;

 private:
  std::unique_ptr<NodeEngine> engine_;
};

}  // namespace zt
