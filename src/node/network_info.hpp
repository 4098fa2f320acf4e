#pragma once
// What the engine tells its host about a joined virtual network: status,
// MAC, MTU, managed addresses and routes, multicast subscriptions. It is
// what the virtual port is configured from and what the local API shows.
#include <cstdint>
#include <string>
#include <vector>

#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"
#include "proto/verbs/multicast.hpp"

namespace zt {

// Upstream's ZT_VirtualNetworkStatus values.
enum class NetworkStatus : std::uint8_t {
  kRequestingConfiguration = 0,
  kOk = 1,
  kAccessDenied = 2,
  kNotFound = 3,
  kPortError = 4,
  kClientTooOld = 5,
  kAuthenticationRequired = 6,
};

// Upstream's names for the statuses, as the local API shows them.
constexpr const char* network_status_name(NetworkStatus status) {
  switch (status) {
    case NetworkStatus::kRequestingConfiguration: return "REQUESTING_CONFIGURATION";
    case NetworkStatus::kOk: return "OK";
    case NetworkStatus::kAccessDenied: return "ACCESS_DENIED";
    case NetworkStatus::kNotFound: return "NOT_FOUND";
    case NetworkStatus::kPortError: return "PORT_ERROR";
    case NetworkStatus::kClientTooOld: return "CLIENT_TOO_OLD";
    case NetworkStatus::kAuthenticationRequired: return "AUTHENTICATION_REQUIRED";
  }
  return "UNKNOWN";
}

enum class NetworkType : std::uint8_t { kPrivate = 0, kPublic = 1 };

struct NetworkRoute {
  InetAddress target;  // prefix bits in the port field
  InetAddress via;     // nil: on-link
  std::uint16_t flags = 0;
  std::uint16_t metric = 0;
  friend bool operator==(const NetworkRoute&, const NetworkRoute&) = default;
};

struct NetworkDns {
  std::string domain;
  std::vector<InetAddress> servers;
  friend bool operator==(const NetworkDns&, const NetworkDns&) = default;
};

struct NetworkInfo {
  std::uint64_t id = 0;
  MacAddress mac;  // this node's MAC on the network (vl2.md §2)
  std::string name;
  NetworkStatus status = NetworkStatus::kRequestingConfiguration;
  NetworkType type = NetworkType::kPrivate;
  unsigned mtu = 2800;
  bool bridge = false;  // this node is an active bridge
  bool broadcast_enabled = false;
  std::uint64_t revision = 0;  // netconfRevision; 0 before the first config
  std::vector<InetAddress> assigned_addresses;  // prefix bits in the port field
  std::vector<NetworkRoute> routes;
  std::vector<MulticastGroup> multicast_subscriptions;
  NetworkDns dns;
  // SSO (status kAuthenticationRequired, or a config with SSO on).
  bool sso_enabled = false;
  std::string authentication_url;
  std::int64_t authentication_expiry = 0;
};

// What happens to a network's virtual port (upstream's config operations).
enum class PortChange : std::uint8_t {
  kUp,            // joined: the port exists, maybe without addresses yet
  kConfigUpdate,  // a new config (addresses, routes, MTU...) or status
  kDown,          // the node is shutting down; the network stays joined
  kDestroy,       // left: remove the port for good
};

}  // namespace zt
