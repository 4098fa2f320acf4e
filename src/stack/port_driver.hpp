#pragma once
// The swappable network stacks of the brief: a joined network's virtual
// port is served by a PortDriver chosen at start. The engine's side hands a
// port the network's config and the frames the network delivers; the port
// hands back the frames its stack transmits. The lwIP driver is a user-space
// TCP/IP stack in this process; other drivers (a kernel TAP device) live in
// folders of their own and are registered in port_drivers.cpp.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "node/network_info.hpp"

namespace zt::stack {

// What a port reports to the engine. Any thread; the callee copies.
struct PortSinks {
  // A whole Ethernet frame (14-byte header, payload; no FCS) to send on the
  // network.
  std::function<void(std::span<const std::uint8_t> frame)> frame;
  // The stack joined or left a multicast group on its own (a kernel's
  // IGMP/MLD). Drivers whose groups the engine derives may leave these empty.
  std::function<void(const MulticastGroup& group, bool joined)> multicast;
};

class Port {
 public:
  virtual ~Port() = default;
  // The network's config changed: MAC, MTU, addresses, routes. False with
  // *error when the stack refused part of it.
  virtual bool configure(const NetworkInfo& info, std::string* error) = 0;
  // Ethernet frames the network delivered, as one batch.
  virtual void deliver(std::span<const std::span<const std::uint8_t>> frames) = 0;
};

class PortDriver {
 public:
  virtual ~PortDriver() = default;
  virtual std::string_view name() const = 0;
  // A port for a newly joined network. nullptr with *error (one line a user
  // can act on) when the driver cannot make one.
  virtual std::unique_ptr<Port> open(const NetworkInfo& info, PortSinks sinks,
                                     std::string* error) = 0;
};

// The drivers this build has, by name ("lwip", ...), and making one.
std::vector<std::string> port_driver_names();
// nullptr with *error for an unknown name or a driver that cannot run here.
std::unique_ptr<PortDriver> make_port_driver(std::string_view name, std::string* error);

}  // namespace zt::stack
