#include "service/service_events.hpp"

#include "proto/hex.hpp"

namespace zt::service {

std::string describe_event(const NodeEvent& e) {
  switch (e.type) {
    case NodeEventType::kOnline:
      return "online: a root answered";
    case NodeEventType::kOffline:
      return "offline: no root heard from lately";
    case NodeEventType::kPeerDirect:
      return "peer " + e.peer.to_string() + ": direct path established";
    case NodeEventType::kPeerRelayed:
      return "peer " + e.peer.to_string() + ": lost its direct paths, now relayed";
    case NodeEventType::kEchoReply:
      return "echo reply from " + e.peer.to_string() + " (" +
             (e.via_relay ? "relayed" : "direct") + ", " + std::to_string(e.rtt_ms) + " ms)";
    case NodeEventType::kWorldUpdated:
      return "world updated: " + e.message;
    case NodeEventType::kIdentityCollision:
      return "fatal: root " + e.peer.to_string() +
             " says another node holds our address; make a new identity (move identity.secret "
             "and identity.public out of the home directory)";
    case NodeEventType::kNetworkStatus:
      return "network " + to_hex_u64(e.network_id, 16) + ": " + network_status_name(e.network_status);
    case NodeEventType::kTrace:
      return e.message;
  }
  return e.message;
}

}  // namespace zt::service
