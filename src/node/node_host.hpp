#pragma once
// What the protocol engine asks of the program hosting it. The engine never
// touches sockets, files, threads or the clock itself: it calls these.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "node/network_info.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt {

struct NodeEvent;

// The host's UDP socket a datagram came in on (or should leave by); opaque
// to the engine. kAnySocket lets the host choose.
using LocalSocket = std::int64_t;
inline constexpr LocalSocket kAnySocket = -1;

class NodeHost {
 public:
  virtual ~NodeHost() = default;

  // One UDP datagram. ttl 0 means the OS default (RENDEZVOUS uses 2).
  // False if it could not be handed to the OS.
  virtual bool send_datagram(LocalSocket socket, const InetAddress& to,
                             std::span<const std::uint8_t> data, unsigned ttl) = 0;

  virtual void on_event(const NodeEvent& event) = 0;

  // Durable objects by name ("planet", "moons.d/<16 hex>.moon",
  // "peers.d/<10 hex>"). The host writes atomically.
  virtual void store(std::string_view name, std::span<const std::uint8_t> data) = 0;
  virtual std::optional<std::vector<std::uint8_t>> load(std::string_view name) = 0;
  // Deletes a stored object ("networks.d/<16 hex>.conf" when leaving).
  virtual void remove(std::string_view name) { (void)name; }

  // VL2: an Ethernet frame for network `network_id`'s virtual port.
  virtual void port_frame(std::uint64_t network_id, MacAddress from, MacAddress to,
                          std::uint16_t ethertype, std::span<const std::uint8_t> data) {
    (void)network_id, (void)from, (void)to, (void)ethertype, (void)data;
  }
  // VL2: a network's virtual port appears, changes or goes (network_info.hpp).
  virtual void port_changed(std::uint64_t network_id, PortChange change, const NetworkInfo& info) {
    (void)network_id, (void)change, (void)info;
  }

  // Randomness for packet ids and jitter; the simulator seeds its own.
  virtual void random_bytes(void* out, std::size_t len) = 0;
};

}  // namespace zt
