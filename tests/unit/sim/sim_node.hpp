#pragma once
// A simulated process hosting one zt::Node on a sim::Network: it keeps the
// node's store in memory, seeds its randomness, records its events and runs
// its timer exactly at the deadlines the node asks for (no fixed tick).
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "node/node.hpp"
#include "sim/sim_network.hpp"

namespace zt::sim {

struct TimedEvent {
  Time at;
  NodeEvent event;
};

// A frame the node handed to one of its network ports.
struct SimFrame {
  Time at;
  std::uint64_t network_id = 0;
  MacAddress from;
  MacAddress to;
  std::uint16_t ethertype = 0;
  std::vector<std::uint8_t> data;
};

class SimHost : public NodeHost, public Receiver {
 public:
  // Starts the node at once, on `host` (from Network::add_host).
  SimHost(Network& net, HostId host, const Identity& identity, const World& planet,
          std::uint64_t seed, NodeOptions options = {});
  ~SimHost() override;
  SimHost(const SimHost&) = delete;
  SimHost& operator=(const SimHost&) = delete;

  Node& node() { return *node_; }
  const Node& node() const { return *node_; }
  bool running() const { return node_ != nullptr; }
  Address address() const { return identity_.address(); }
  const Identity& identity() const { return identity_; }
  HostId host_id() const { return host_; }
  Time now() const { return net_.now(); }

  // The process dies: the node and everything in its memory are gone, and
  // datagrams to its sockets find nobody. The store survives.
  void stop();
  // A new process: a fresh Node from the same identity and store (a stored
  // newer planet replaces the configured one).
  void start();
  void restart() {
    stop();
    start();
  }
  // Moves a socket to another IP/port; the node is not told, as a real
  // one would not be when its NAT or DHCP lease changes.
  void change_endpoint(const InetAddress& address, LocalSocket socket = 0);
  const InetAddress& endpoint(LocalSocket socket = 0) const;

  // Node calls at the current virtual time; the timer follows whatever
  // deadline they leave behind.
  std::uint64_t echo(Address to);
  bool send(Address to, Verb verb, std::span<const std::uint8_t> payload);
  std::optional<PeerInfo> peer(Address a) const { return node_->peer(a, now()); }
  // VL2 calls at the current virtual time.
  bool join(std::uint64_t network_id);
  void send_frame(std::uint64_t network_id, MacAddress to, std::uint16_t ethertype,
                  std::span<const std::uint8_t> data);
  std::optional<NetworkInfo> network(std::uint64_t network_id) const {
    return node_->network(network_id);
  }
  const std::vector<SimFrame>& frames() const { return frames_; }
  // Something done to the node from outside its calls (e.g. an in-process
  // controller's API call that pushes configs through it); the timer then
  // follows whatever deadline that left behind.
  void act(const std::function<void()>& action) {
    action();
    follow_deadline();
  }
  bool online() const { return node_->online(now()); }
  const NodeCounters& counters() const { return node_->counters(); }

  const std::vector<TimedEvent>& events() const { return events_; }
  std::size_t count(NodeEventType type) const;
  std::size_t count(NodeEventType type, Address peer) const;
  // The kEchoReply for `echo_id`, if it arrived.
  const NodeEvent* echo_reply(std::uint64_t echo_id) const;
  const std::map<std::string, std::vector<std::uint8_t>>& stored() const { return store_; }
  std::uint64_t timer_runs() const { return timer_runs_; }
  // on_timer answered with a deadline not in the future (clamped to now+1).
  std::uint64_t timer_stalls() const { return timer_stalls_; }

  // NodeHost
  bool send_datagram(LocalSocket socket, const InetAddress& to, std::span<const std::uint8_t> data,
                     unsigned ttl) override;
  void on_event(const NodeEvent& event) override;
  void store(std::string_view name, std::span<const std::uint8_t> data) override;
  std::optional<std::vector<std::uint8_t>> load(std::string_view name) override;
  void random_bytes(void* out, std::size_t len) override;
  void remove(std::string_view name) override { store_.erase(std::string(name)); }
  void port_frame(std::uint64_t network_id, MacAddress from, MacAddress to,
                  std::uint16_t ethertype, std::span<const std::uint8_t> data) override {
    frames_.push_back({now(), network_id, from, to, ethertype, {data.begin(), data.end()}});
  }

  // Receiver
  void on_receive(Time now, LocalSocket socket, const InetAddress& from,
                  std::span<const std::uint8_t> data) override;

 private:
  // Arms the timer for the node's current deadline if that is earlier than
  // what is armed; a later-armed wake-up simply re-reads the deadline.
  void follow_deadline();
  void arm(Time at);
  void on_wake(std::uint64_t generation);

  Network& net_;
  HostId host_;
  Identity identity_;
  World planet_;
  NodeOptions options_;
  std::mt19937_64 rng_;
  std::unique_ptr<Node> node_;
  std::map<std::string, std::vector<std::uint8_t>> store_;
  std::vector<TimedEvent> events_;
  std::vector<SimFrame> frames_;
  // Wake-ups scheduled in the queue check these: a stale generation or a
  // destroyed host makes them no-ops (the queue cannot cancel).
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t generation_ = 0;
  std::optional<Time> armed_at_;
  std::uint64_t timer_runs_ = 0;
  std::uint64_t timer_stalls_ = 0;
};

}  // namespace zt::sim
