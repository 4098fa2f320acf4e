#pragma once
// The engine behind Node. Its member functions are spread over files by
// concern: incoming.cpp (the receive pipeline, §11), incoming_hello.cpp
// (HELLO and OK(HELLO), §14), incoming_verbs.cpp (the other VL1 verbs,
// §12), outgoing.cpp (building, armoring and sending), relay.cpp (§17),
// background.cpp (timers, §18) and node_engine.cpp (setup, API, events).
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "node/expecting_replies.hpp"
#include "node/node.hpp"
#include "node/path_confirmations.hpp"
#include "node/rate_limiter.hpp"
#include "node/self_awareness.hpp"
#include "node/topology.hpp"
#include "node/vl1_services.hpp"
#include "node/wait_queues.hpp"
#include "proto/fragment.hpp"
#include "proto/verbs/hello.hpp"

namespace zt {

// A physical destination: a local socket and a remote UDP endpoint.
struct Endpoint {
  LocalSocket socket = kAnySocket;
  InetAddress address;
};

class NodeEngine final : public Vl1Services {
 public:
  NodeEngine(const Identity& identity, const World& planet, NodeHost& host, NodeOptions options,
             std::int64_t now);

  // Node's API.
  void add_moon(const World& moon, std::int64_t now);
  void on_datagram(std::int64_t now, LocalSocket socket, const InetAddress& from,
                   std::span<const std::uint8_t> data);
  std::int64_t on_timer(std::int64_t now);
  std::int64_t next_deadline() const;
  std::uint64_t echo(std::int64_t now, Address to);
  bool send(std::int64_t now, Address to, Verb verb,
            std::span<const std::uint8_t> payload) override;
  bool send(std::int64_t now, Address to, Verb verb, std::span<const std::uint8_t> head,
            std::span<const std::uint8_t> tail) override;
  void set_packet_handler(PacketHandler* handler) { handler_ = handler; }
  const Identity& identity() const override { return me_; }
  bool online(std::int64_t now) const;
  bool is_root() const { return topology_.am_root(); }
  const Topology& topology() const { return topology_; }
  const NodeCounters& counters() const { return counters_; }
  std::vector<PeerInfo> peers(std::int64_t now) const;
  std::optional<PeerInfo> peer(Address address, std::int64_t now) const;

  // Vl1Services (for VL2), in node_engine.cpp.
  const Identity* peer_identity(Address address) const override;
  void request_identity(std::int64_t now, Address address) override;
  std::vector<Address> upstreams() const override { return topology_.upstream_addresses(); }
  bool am_upstream() const override { return topology_.am_root(); }
  std::optional<Address> best_upstream(std::int64_t now) override;
  std::optional<int> live_latency(Address address, std::int64_t now) const override;
  std::uint64_t random_u64() override;

 private:
  // incoming.cpp
  void on_head(std::int64_t now, LocalSocket socket, const InetAddress& from,
               std::span<const std::uint8_t> data);
  void on_fragment(std::int64_t now, LocalSocket socket, const InetAddress& from,
                   std::span<const std::uint8_t> data);
  void count_reassembly();
  void on_packet(std::int64_t now, LocalSocket socket, const InetAddress& from, Packet& packet);
  void hold_for_identity(std::int64_t now, LocalSocket socket, const InetAddress& from,
                         const Packet& packet);
  void decode_from_peer(std::int64_t now, Peer& peer, LocalSocket socket,
                        const InetAddress& from, Packet& packet);
  bool reply_is_expected(const Packet& packet);
  void learn_path(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                  bool is_ok);
  void dispatch(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                Packet& packet);
  bool offer_to_handler(std::int64_t now, Peer& peer, LocalSocket socket,
                        const InetAddress& from, const Packet& packet);

  // incoming_hello.cpp
  void on_hello(std::int64_t now, LocalSocket socket, const InetAddress& from, Packet& packet);
  void on_hello_collision(std::int64_t now, LocalSocket socket, const InetAddress& from,
                          Packet& packet, const Identity& claimed);
  void process_hello(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                     Packet& packet);
  Bytes world_updates_for(const Hello& hello) const;
  void on_ok_hello(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                   std::uint8_t hops, std::span<const std::uint8_t> body);
  void apply_world_updates(std::int64_t now, std::span<const std::uint8_t> worlds);
  void report_surface(std::int64_t now, Peer& peer, const InetAddress& from,
                      const InetAddress& surface);

  // incoming_verbs.cpp
  void on_ok(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
             const Packet& packet);
  void on_ok_whois(std::int64_t now, Peer& peer, std::span<const std::uint8_t> body);
  void on_ok_echo(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                  const Packet& packet, std::span<const std::uint8_t> body);
  void on_error(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                const Packet& packet);
  void on_whois(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
                const Packet& packet);
  void on_rendezvous(std::int64_t now, Peer& peer, const Packet& packet);
  void on_echo(std::int64_t now, Peer& peer, LocalSocket socket, const InetAddress& from,
               const Packet& packet);
  void on_push_direct_paths(std::int64_t now, Peer& peer, const Packet& packet);
  void identity_arrived(std::int64_t now, Peer& peer);

  // outgoing.cpp
  Packet new_packet(Address to, Verb verb);
  // Armors `packet` for `peer`, fragments it and sends it to `to`, or (when
  // absent) over the peer's best path, else through the best upstream.
  // False when there is no route or the packet cannot be fragmented.
  bool transmit(std::int64_t now, Peer& peer, Packet& packet,
                const std::optional<Endpoint>& to = std::nullopt);
  // `mtu`: the path's, see mtu_for.
  bool send_armored(std::int64_t now, Packet& packet, const PeerKey& key, CipherSuite suite,
                    const Endpoint& to, std::size_t mtu);
  // The MTU for packets to a peer over `path`: loopback_mtu for its own
  // loopback paths, physical_mtu otherwise (and for anything relayed).
  std::size_t mtu_for(const InetAddress& path, bool relayed) const;
  bool send_hello(std::int64_t now, Peer& peer, const std::optional<Endpoint>& to);
  bool send_ok(std::int64_t now, Peer& peer, const Packet& request,
               std::span<const std::uint8_t> body, const Endpoint& to);
  // §18.2's attemptToContactAt: HELLO, or an empty ECHO when it will do.
  void contact(std::int64_t now, Peer& peer, const Endpoint& to, bool full_hello);
  void send_whois(std::int64_t now, Address target);
  bool send_now(std::int64_t now, Peer& peer, Verb verb, std::span<const std::uint8_t> head,
                std::span<const std::uint8_t> tail = {});

  // relay.cpp
  void relay(std::int64_t now, const InetAddress& from, std::span<const std::uint8_t> data,
             bool fragment, Address destination, Address source);
  void maybe_rendezvous(std::int64_t now, Peer& source, Peer& destination);

  // background.cpp
  void ping_upstreams(std::int64_t now);
  unsigned keepalive(std::int64_t now, Peer& peer);
  void housekeeping(std::int64_t now);
  void retry_queues(std::int64_t now);
  void retry_path_confirmations(std::int64_t now);
  void update_direct(std::int64_t now, Peer& peer);
  // Sends what waits for peers we know, keeping what still has no route.
  void send_queued(std::int64_t now);
  void update_online(std::int64_t now);

  // peer_cache.cpp
  void remember_identity(const Identity& identity);
  Peer* recall_peer(std::int64_t now, Address address);
  void forget_identity(Address address);

  // node_engine.cpp
  void arm_queue_retry(std::int64_t now);
  static NodeEvent event(NodeEventType type, Address peer = Address());
  void emit(const NodeEvent& event);
  void store_world(const World& world);
  PeerInfo info_of(const Peer& peer, std::int64_t now) const;

  Identity me_;
  NodeHost& host_;
  NodeOptions options_;
  std::size_t mtu_;
  std::size_t loopback_mtu_;
  NodeCounters counters_;
  std::uint64_t hash_seed_;
  Topology topology_;
  ExpectingReplies expecting_;
  Reassembler reassembler_;
  ReassemblyCounters reassembly_seen_;
  IdentityValidationLimiter identity_limiter_;
  RateLimitBuckets echo_reply_gate_;
  RateLimitBuckets hello_confirm_gate_;
  RateLimitBuckets rendezvous_gate_;
  WaitQueue<HeldPacket> held_;
  WaitQueue<QueuedSend> queued_;
  WhoisRequests whois_;
  TokenBucket whois_budget_;
  TokenBucket recall_budget_;
  OutstandingEchoes echoes_;
  PathConfirmations confirmations_;
  SelfAwareness self_;
  PacketHandler* handler_ = nullptr;
  bool online_ = false;
  std::int64_t next_ping_;
  std::int64_t next_housekeeping_;
  std::int64_t next_queue_retry_;
};

}  // namespace zt
