#pragma once
// A ZeroTier node: the VL1 engine (vl1.md: peers, paths, roots, relaying,
// direct path upgrade) and the VL2 engine on top of it (vl2.md: networks,
// configs, credentials, frames, multicast). Sans-I/O: the host feeds
// datagrams, frames and the time, and the node answers through NodeHost.
// One thread owns a Node.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "node/network_controller.hpp"
#include "node/network_info.hpp"
#include "node/node_counters.hpp"
#include "node/node_event.hpp"
#include "node/node_host.hpp"
#include "node/packet_handler.hpp"
#include "node/vl2_counters.hpp"
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
  // Path MTU of loopback paths to the peer itself (a ztsdk-only kind of
  // path: upstream refuses them). Loopback carries 64 KiB datagrams, so by
  // default packets go whole instead of as 2-3 fragments; physical_mtu's
  // value gives upstream's behaviour. Packets relayed through a root use
  // physical_mtu, since the root's next hop may not be loopback.
  std::size_t loopback_mtu = kMaxPacketLength;
  // The window of packet ids remembered per peer for replay detection.
  std::size_t replay_window = 1024;
  // Peers kept besides the roots; the least recently heard one makes room.
  std::size_t max_peers = 4096;
  // What config requests tell controllers we run on (`o`, vl2.md §6.1);
  // empty: this build's "os/arch" (e.g. "linux/x86_64").
  std::string os_arch;
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
class Vl2Engine;

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

  // Where packets neither VL1 nor VL2 handle go (USER_MESSAGE...); null for
  // none. Not owned.
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

  // VL2 (vl2.md). join asks the controller at once; false if already joined.
  bool join(std::int64_t now, std::uint64_t network_id);
  bool leave(std::int64_t now, std::uint64_t network_id);  // false if not joined
  std::vector<NetworkInfo> networks() const;               // sorted by id
  std::optional<NetworkInfo> network(std::uint64_t network_id) const;
  // An Ethernet frame from the local stack on the network's virtual port.
  void on_frame(std::int64_t now, std::uint64_t network_id, MacAddress from, MacAddress to,
                std::uint16_t ethertype, std::span<const std::uint8_t> data);
  void multicast_subscribe(std::int64_t now, std::uint64_t network_id, const MulticastGroup& group);
  void multicast_unsubscribe(std::int64_t now, std::uint64_t network_id,
                             const MulticastGroup& group);
  // The in-process controller for networks whose id starts with our address (not owned).
  void set_controller(NetworkController* controller);
  // What the controller answers through (pushes after an API change, too).
  NetworkControllerSender& controller_sender();
  const Vl2Counters& vl2_counters() const;

 private:
  std::unique_ptr<NodeEngine> engine_;
  std::unique_ptr<Vl2Engine> vl2_;
};

}  // namespace zt
