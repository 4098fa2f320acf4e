// deliver_event: an ApiEvent as libzt's zts_event_msg_t, handed to the
// application's handler. Runs on the delivery thread only.
#include <cstring>
#include <memory>

#include "api/event_dispatcher.hpp"
#include "api/zts_structs.hpp"
#include "proto/constants.hpp"

namespace zt::api {
namespace {

// Kept between events: these structures are large (tens of KiB).
struct Buffers {
  zts_node_info_t node{};
  zts_netif_info_t netif{};
  zts_addr_info_t addr{};
  std::unique_ptr<zts_net_info_t> network;
  std::unique_ptr<zts_peer_info_t> peer;
};

Buffers& buffers() {
  thread_local Buffers b;
  return b;
}

}  // namespace

void deliver_event(const ApiEvent& event, EventDispatcher::Handler handler) {
  Buffers& b = buffers();
  zts_event_msg_t msg{};
  msg.event_code = static_cast<int16_t>(event.code);
  if (const auto* node = std::get_if<NodeFacts>(&event.facts)) {
    b.node = {};
    b.node.node_id = node->node_id;
    b.node.port_primary = node->primary_port;
    b.node.port_secondary = node->secondary_port;
    b.node.ver_major = kSoftwareVersionMajor;
    b.node.ver_minor = kSoftwareVersionMinor;
    b.node.ver_rev = static_cast<uint8_t>(kSoftwareVersionRevision);
    msg.node = &b.node;
    msg.len = sizeof b.node;
  } else if (const auto* net = std::get_if<NetworkFacts>(&event.facts)) {
    if (!b.network) b.network = std::make_unique<zts_net_info_t>();
    to_zts_net_info(net->info, net->port_error, *b.network);
    msg.network = b.network.get();
    msg.len = sizeof *b.network;
  } else if (const auto* netif = std::get_if<NetifFacts>(&event.facts)) {
    b.netif = {netif->network_id, netif->mac.value(), static_cast<int>(netif->mtu)};
    msg.netif = &b.netif;
    msg.len = sizeof b.netif;
  } else if (const auto* addr = std::get_if<AddressFacts>(&event.facts)) {
    b.addr.net_id = addr->network_id;
    to_zts_storage(addr->address, b.addr.addr);
    msg.addr = &b.addr;
    msg.len = sizeof b.addr;
  } else if (const auto* peer = std::get_if<PeerInfo>(&event.facts)) {
    if (!b.peer) b.peer = std::make_unique<zts_peer_info_t>();
    to_zts_peer_info(*peer, *b.peer);
    msg.peer = b.peer.get();
    msg.len = sizeof *b.peer;
  }
  handler(&msg);
}

}  // namespace zt::api
