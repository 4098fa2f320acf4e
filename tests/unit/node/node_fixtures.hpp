#pragma once
// Shared by the node tests: the vector identities (so no test pays for
// Identity::generate), the vector test planet, and a minimal in-memory
// network of Nodes driven by a manual clock.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "node/node.hpp"

namespace zt::test {

// "A", "B" or "R" from vl1.json, with private keys.
const Identity& vector_identity(const std::string& label);
// world_planet: root R at 127.0.0.1/9993, and its ts+1 signed update.
const World& vector_planet();
const World& vector_planet_update();

struct Datagram {
  InetAddress from;
  InetAddress to;
  Bytes data;
  unsigned ttl = 0;
};

class FakeNet;

// A frame the node handed to a network's port.
struct PortFrame {
  std::uint64_t network_id = 0;
  MacAddress from;
  MacAddress to;
  std::uint16_t ethertype = 0;
  Bytes data;
};

struct PortEvent {
  std::uint64_t network_id = 0;
  PortChange change = PortChange::kUp;
  NetworkInfo info;
};

class FakeHost : public NodeHost {
 public:
  FakeHost(FakeNet& net, const InetAddress& address, std::uint64_t seed);

  bool send_datagram(LocalSocket socket, const InetAddress& to, std::span<const std::uint8_t> data,
                     unsigned ttl) override;
  void on_event(const NodeEvent& event) override { events.push_back(event); }
  void store(std::string_view name, std::span<const std::uint8_t> data) override {
    stored[std::string(name)] = Bytes(data.begin(), data.end());
  }
  std::optional<std::vector<std::uint8_t>> load(std::string_view name) override;
  void remove(std::string_view name) override { stored.erase(std::string(name)); }
  void port_frame(std::uint64_t network_id, MacAddress from, MacAddress to,
                  std::uint16_t ethertype, std::span<const std::uint8_t> data) override {
    frames.push_back({network_id, from, to, ethertype, Bytes(data.begin(), data.end())});
  }
  void port_changed(std::uint64_t network_id, PortChange change,
                    const NetworkInfo& info) override {
    port_events.push_back({network_id, change, info});
  }
  void random_bytes(void* out, std::size_t len) override;

  std::size_t count(NodeEventType type) const;
  const NodeEvent* last(NodeEventType type) const;

  InetAddress address;
  std::vector<NodeEvent> events;
  std::map<std::string, Bytes> stored;
  std::vector<PortFrame> frames;
  std::vector<PortEvent> port_events;

 private:
  FakeNet& net_;
  std::uint64_t rng_;
};

// Datagrams wait in a FIFO until deliver() hands them to the node bound to
// their destination address; unbound destinations swallow them.
class FakeNet {
 public:
  FakeNet() = default;
  explicit FakeNet(std::int64_t start) : now(start) {}

  Node& add(const Identity& identity, const World& planet, const std::string& address,
            NodeOptions options = {});
  FakeHost& host(const Node& node);

  void advance(std::int64_t ms) { now += ms; }
  // Runs every node's timer, then delivers until the network is quiet.
  void tick();
  // Delivers queued datagrams (and what they cause) until none are left.
  std::size_t deliver();

  std::int64_t now = 1'000'000;
  std::deque<Datagram> in_flight;
  std::vector<Datagram> delivered;  // everything deliver() handed to a node
  // Return false to lose a datagram.
  std::function<bool(const Datagram&)> filter;

 private:
  struct Member {
    std::unique_ptr<FakeHost> host;
    std::unique_ptr<Node> node;
  };
  std::vector<Member> members_;
};

}  // namespace zt::test
