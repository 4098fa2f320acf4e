#pragma once
// Events the engine raises through NodeHost::on_event.
#include <cstdint>
#include <string>

#include "node/network_info.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt {

enum class NodeEventType {
  kOnline,             // an upstream (root) answered: the node is reachable
  kOffline,            // no upstream heard from within the activity timeout
  kPeerDirect,         // a peer gained its first direct path
  kPeerRelayed,        // a peer lost its last direct path
  kEchoReply,          // an ECHO sent by Node::echo came back
  kWorldUpdated,       // a planet or moon was replaced by a newer signed revision
  kIdentityCollision,  // a root says another node holds our address: fatal
  kNetworkStatus,      // a joined network's status changed or a new config arrived
  kTrace,              // a line worth logging (message)
};

struct NodeEvent {
  NodeEventType type = NodeEventType::kTrace;
  Address peer;                 // the peer concerned, if any
  std::uint64_t echo_id = 0;    // kEchoReply: the id Node::echo returned
  std::int64_t rtt_ms = 0;      // kEchoReply
  bool via_relay = false;       // kEchoReply: came through a root (hops > 0)
  InetAddress endpoint;         // kEchoReply: the physical source of the reply
  std::string message;          // kTrace, kWorldUpdated
  std::uint64_t network_id = 0;  // kNetworkStatus
  NetworkStatus network_status = NetworkStatus::kRequestingConfiguration;  // kNetworkStatus
};

}  // namespace zt
