#pragma once
// What the service's joined networks make "virtual", for the intercept and
// SOCKS5: the subnets of the addresses a network assigned us and its
// managed routes (default routes excluded, as upstream's allowDefault is
// off by default), our own addresses on them, and their DNS settings.
// A snapshot, rebuilt on the loop thread when a network changes and read
// from the intercept/SOCKS5 thread.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "node/network_info.hpp"
#include "proto/inet_address.hpp"

namespace zt::service {

struct VirtualPrefix {
  InetAddress address;  // port 0
  unsigned bits = 0;
};

class VirtualNetworks {
 public:
  struct Network {
    std::uint64_t id = 0;
    std::vector<VirtualPrefix> prefixes;
    std::vector<InetAddress> own;  // our addresses on it (port 0)
    NetworkDns dns;
  };

  VirtualNetworks() = default;
  // Networks with a port (status OK, or a config that assigned addresses).
  static VirtualNetworks from(const std::vector<NetworkInfo>& networks);

  const std::vector<Network>& networks() const { return networks_; }
  // Every prefix once, most specific first.
  std::vector<VirtualPrefix> prefixes() const;
  std::vector<InetAddress> own_addresses() const;
  // On a virtual subnet or route. IPv4-mapped IPv6 counts as its IPv4.
  bool contains(const InetAddress& ip) const;
  bool is_own(const InetAddress& ip) const;
  // The network whose DNS domain `name` is in (the domain itself or a name
  // under it), if any network has DNS servers.
  const Network* dns_network_for(std::string_view name) const;

 private:
  std::vector<Network> networks_;
};

bool prefix_contains(const VirtualPrefix& prefix, const InetAddress& ip);
// ::ffff:a.b.c.d as a.b.c.d; any other address unchanged (port kept).
InetAddress unmapped(const InetAddress& ip);

// The current snapshot, shared between threads.
class VirtualNetworksView {
 public:
  std::shared_ptr<const VirtualNetworks> get() const;
  void set(VirtualNetworks networks);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const VirtualNetworks> current_ = std::make_shared<VirtualNetworks>();
};

}  // namespace zt::service
