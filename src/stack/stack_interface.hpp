#pragma once
// One joined network's port on the process's TCP/IP stack: an Ethernet
// interface of lwIP with the network's MAC, MTU, addresses and routes.
// Frames the network delivers go in through input_frames(); every frame the
// stack transmits comes out through the FrameSink. What the frames ride on
// (ZeroTier VL2, or a test's pipe) is the caller's business.
//
// Free of lwIP headers: include it anywhere.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt::stack {

struct InterfaceState;

// A managed route: `target`'s port holds the prefix length (as in ZeroTier's
// network config); a nil `via` means the target is on this network's link.
struct Route {
  InetAddress target;
  InetAddress via;
};

struct InterfaceConfig {
  MacAddress mac;
  // The network's MTU. It also caps TCP's MSS on this interface (MTU - 40).
  unsigned mtu = 2800;
  // Static addresses; each one's port holds its prefix length, e.g.
  // 10.147.17.5/24. lwIP has one IPv4 address per interface: the first
  // IPv4 entry is used, further ones are ignored. IPv6 addresses (up to
  // kMaxIp6Addresses) are usable at once (preferred, no DAD); a link-local
  // address derived from the MAC is added as well.
  std::vector<InetAddress> addresses;
  std::vector<Route> routes;
};

class StackInterface {
 public:
  static constexpr std::size_t kMaxIp6Addresses = 7;  // plus the link-local one
  static constexpr std::size_t kEthernetHeader = 14;

  // Receives each Ethernet frame the stack transmits: destination MAC,
  // source MAC, ethertype, payload (no FCS, no padding). Called on whichever
  // thread is inside the stack (the stack's own thread, an application
  // thread in a socket call, or the thread in input_frames), with the core
  // lock held: it must be quick, must not call into the stack, and must
  // copy the frame if it keeps it.
  using FrameSink = std::function<void(std::span<const std::uint8_t> frame)>;

  struct Counters {
    std::uint64_t frames_in = 0;
    std::uint64_t frames_out = 0;
    // Malformed, oversized, or addressed to another MAC.
    std::uint64_t frames_dropped = 0;
    // Packets addressed to another interface's address (strong host model).
    std::uint64_t packets_filtered = 0;
  };

  // Adds and brings up the interface (starting the stack if needed).
  // nullptr with *error set if the configuration is unusable.
  static std::unique_ptr<StackInterface> create(const InterfaceConfig& config, FrameSink sink,
                                                std::string* error = nullptr);
  // Removes the interface: connections using its addresses are reset and no
  // frame goes in or out any more.
  ~StackInterface();
  StackInterface(const StackInterface&) = delete;
  StackInterface& operator=(const StackInterface&) = delete;

  // Replaces the static addresses (same rules as InterfaceConfig). Addresses
  // that stay keep their connections; removed ones lose theirs.
  bool set_addresses(const std::vector<InetAddress>& addresses, std::string* error = nullptr);
  bool set_routes(const std::vector<Route>& routes, std::string* error = nullptr);

  // Feeds Ethernet frames received from the network, taking the stack's
  // lock once for the whole batch. Frames for other unicast MACs, shorter
  // than a header or longer than header + MTU are dropped and counted.
  void input_frames(std::span<const std::span<const std::uint8_t>> frames);
  void input_frame(std::span<const std::uint8_t> frame);

  MacAddress mac() const;
  unsigned mtu() const;
  // lwIP's interface index: the scope id of this interface's link-local
  // IPv6 addresses.
  unsigned index() const;
  Counters counters() const;

 private:
  explicit StackInterface(std::unique_ptr<InterfaceState> state);
  std::unique_ptr<InterfaceState> state_;
};

}  // namespace zt::stack
