#include "node/node.hpp"

#include <algorithm>

#include "node/node_engine.hpp"
#include "node/vl2_engine.hpp"

namespace zt {
namespace {

// ZT_TARGET_NAME-like "os/arch" of this build, for config requests.
std::string build_target_name() {
#if defined(__linux__)
  std::string os = "linux";
#elif defined(__APPLE__)
  std::string os = "macos";
#elif defined(__FreeBSD__)
  std::string os = "freebsd";
#elif defined(_WIN32)
  std::string os = "windows";
#else
  std::string os = "unknown";
#endif
#if defined(__x86_64__) || defined(_M_X64)
  return os + "/x86_64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  return os + "/arm64";
#elif defined(__i386__) || defined(_M_IX86)
  return os + "/i386";
#elif defined(__arm__)
  return os + "/armhf";
#else
  return os + "/unknown";
#endif
}

}  // namespace

Node::Node(const Identity& identity, const World& planet, NodeHost& host, NodeOptions options,
           std::int64_t now)
    : engine_(std::make_unique<NodeEngine>(identity, planet, host, options, now)),
      vl2_(std::make_unique<Vl2Engine>(
          *engine_, host, options.os_arch.empty() ? build_target_name() : options.os_arch, now)) {
  engine_->set_packet_handler(vl2_.get());
}

Node::~Node() {
  // VL2 first: it refers to the engine.
  engine_->set_packet_handler(nullptr);
  vl2_.reset();
}

void Node::add_moon(const World& moon, std::int64_t now) { engine_->add_moon(moon, now); }

void Node::on_datagram(std::int64_t now, LocalSocket socket, const InetAddress& from,
                       std::span<const std::uint8_t> data) {
  engine_->on_datagram(now, socket, from, data);
}

std::int64_t Node::on_timer(std::int64_t now) {
  engine_->on_timer(now);
  vl2_->on_timer(now);
  return next_deadline();
}

std::int64_t Node::next_deadline() const {
  return std::min(engine_->next_deadline(), vl2_->next_deadline());
}

void Node::set_packet_handler(PacketHandler* handler) { vl2_->set_fallback_handler(handler); }

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

bool Node::join(std::int64_t now, std::uint64_t network_id) { return vl2_->join(now, network_id); }
bool Node::leave(std::int64_t now, std::uint64_t network_id) {
  return vl2_->leave(now, network_id);
}
std::vector<NetworkInfo> Node::networks() const { return vl2_->networks(); }
std::optional<NetworkInfo> Node::network(std::uint64_t network_id) const {
  return vl2_->network(network_id);
}
void Node::on_frame(std::int64_t now, std::uint64_t network_id, MacAddress from, MacAddress to,
                    std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  vl2_->on_frame(now, network_id, from, to, ethertype, data);
}
void Node::multicast_subscribe(std::int64_t now, std::uint64_t network_id,
                               const MulticastGroup& group) {
  vl2_->multicast_subscribe(now, network_id, group);
}
void Node::multicast_unsubscribe(std::int64_t now, std::uint64_t network_id,
                                 const MulticastGroup& group) {
  vl2_->multicast_unsubscribe(now, network_id, group);
}
void Node::set_controller(NetworkController* controller) { vl2_->set_controller(controller); }
NetworkControllerSender& Node::controller_sender() { return vl2_->controller_sender(); }
const Vl2Counters& Node::vl2_counters() const { return vl2_->counters(); }

}  // namespace zt
