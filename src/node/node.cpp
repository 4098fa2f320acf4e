#include "node/node.hpp"

#include "node/node_engine.hpp"

namespace zt {

Node::Node(const Identity& identity, const World& planet, NodeHost& host, NodeOptions options,
           std::int64_t now)
    : engine_(std::make_unique<NodeEngine>(identity, planet, host, options, now)) {}

Node::~Node() = default;

void Node::add_moon(const World& moon, std::int64_t now) { engine_->add_moon(moon, now); }

void Node::on_datagram(std::int64_t now, LocalSocket socket, const InetAddress& from,
                       std::span<const std::uint8_t> data) {
  engine_->on_datagram(now, socket, from, data);
}

std::int64_t Node::on_timer(std::int64_t now) { return engine_->on_timer(now); }
std::int64_t Node::next_deadline() const { return engine_->next_deadline(); }
void Node::set_packet_handler(PacketHandler* handler) { engine_->set_packet_handler(handler); }

std::uint64_t Node::echo(std::int64_t now, Address to) { return engine_->echo(now, to); }

bool Node::send(std::int64_t now, Address to, Verb verb, std::span<const std::uint8_t> payload) {
  return engine_->send(now, to, verb, payload);
}

const Identity& Node::identity() const { return engine_->identity(); }
bool Node::online(std::int64_t now) const { return engine_->online(now); }
bool Node::is_root() const { return engine_->is_root(); }
const World& Node::planet() const { return engine_->topology().planet(); }
std::vector<World> Node::moons() const { return engine_->topology().moons(); }
std::vector<PeerInfo> Node::peers(std::int64_t now) const { return engine_->peers(now); }
std::optional<PeerInfo> Node::peer(Address address, std::int64_t now) const {
  return engine_->peer(address, now);
}
const NodeCounters& Node::counters() const { return engine_->counters(); }

}  // namespace zt
