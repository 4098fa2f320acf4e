#include "sim/sim_node.hpp"

#include <cstring>

namespace zt::sim {

SimHost::SimHost(Network& net, HostId host, const Identity& identity, const World& planet,
                 std::uint64_t seed, NodeOptions options)
    : net_(net), host_(host), identity_(identity), planet_(planet), options_(options),
      rng_(seed) {
  start();
}

SimHost::~SimHost() { net_.detach(host_); }

void SimHost::start() {
  if (node_) return;
  // As a real host does: a planet update the node stored wins over the
  // one it was configured with.
  World planet = planet_;
  if (auto it = store_.find("planet"); it != store_.end()) {
    ByteReader r(it->second);
    const std::optional<World> stored = World::deserialize(r);
    if (stored && r.ok() && planet.should_be_replaced_by(*stored)) planet = *stored;
  }
  node_ = std::make_unique<Node>(identity_, planet, *this, options_, now());
  net_.attach(host_, this);
  armed_at_.reset();
  ++generation_;
  follow_deadline();
}

void SimHost::stop() {
  net_.detach(host_);
  node_.reset();
  armed_at_.reset();
  ++generation_;
}

void SimHost::change_endpoint(const InetAddress& address, LocalSocket socket) {
  net_.set_endpoint(host_, socket, address);
}

const InetAddress& SimHost::endpoint(LocalSocket socket) const {
  return net_.endpoints(host_).at(static_cast<std::size_t>(socket));
}

std::uint64_t SimHost::echo(Address to) {
  const std::uint64_t id = node_->echo(now(), to);
  follow_deadline();
  return id;
}

bool SimHost::send(Address to, Verb verb, std::span<const std::uint8_t> payload) {
  const bool ok = node_->send(now(), to, verb, payload);
  follow_deadline();
  return ok;
}

bool SimHost::join(std::uint64_t network_id) {
  const bool ok = node_->join(now(), network_id);
  follow_deadline();
  return ok;
}

void SimHost::send_frame(std::uint64_t network_id, MacAddress to, std::uint16_t ethertype,
                         std::span<const std::uint8_t> data) {
  node_->on_frame(now(), network_id, MacAddress::from_address(address(), network_id), to,
                  ethertype, data);
  follow_deadline();
}

std::size_t SimHost::count(NodeEventType type) const {
  std::size_t n = 0;
  for (const TimedEvent& e : events_) n += e.event.type == type;
  return n;
}

std::size_t SimHost::count(NodeEventType type, Address peer) const {
  std::size_t n = 0;
  for (const TimedEvent& e : events_) n += e.event.type == type && e.event.peer == peer;
  return n;
}

const NodeEvent* SimHost::echo_reply(std::uint64_t echo_id) const {
  for (const TimedEvent& e : events_)
    if (e.event.type == NodeEventType::kEchoReply && e.event.echo_id == echo_id) return &e.event;
  return nullptr;
}

bool SimHost::send_datagram(LocalSocket socket, const InetAddress& to,
                            std::span<const std::uint8_t> data, unsigned ttl) {
  return net_.send(host_, socket, to, data, ttl);
}

void SimHost::on_event(const NodeEvent& event) { events_.push_back({now(), event}); }

void SimHost::store(std::string_view name, std::span<const std::uint8_t> data) {
  store_[std::string(name)].assign(data.begin(), data.end());
}

std::optional<std::vector<std::uint8_t>> SimHost::load(std::string_view name) {
  auto it = store_.find(std::string(name));
  if (it == store_.end()) return std::nullopt;
  return it->second;
}

void SimHost::random_bytes(void* out, std::size_t len) {
  auto* p = static_cast<std::uint8_t*>(out);
  while (len > 0) {
    const std::uint64_t r = rng_();
    const std::size_t n = len < sizeof r ? len : sizeof r;
    std::memcpy(p, &r, n);
    p += n;
    len -= n;
  }
}

void SimHost::on_receive(Time now, LocalSocket socket, const InetAddress& from,
                         std::span<const std::uint8_t> data) {
  if (!node_) return;
  node_->on_datagram(now, socket, from, data);
  follow_deadline();
}

void SimHost::follow_deadline() {
  if (!node_) return;
  const Time at = node_->next_deadline();
  if (!armed_at_ || at < *armed_at_) arm(at);
}

void SimHost::arm(Time at) {
  armed_at_ = at;
  const std::uint64_t generation = ++generation_;
  std::weak_ptr<bool> alive = alive_;
  net_.clock().schedule(at, [this, alive, generation] {
    if (alive.lock()) on_wake(generation);
  });
}

void SimHost::on_wake(std::uint64_t generation) {
  if (generation != generation_ || !node_) return;
  armed_at_.reset();
  ++timer_runs_;
  Time next = node_->on_timer(now());
  if (next <= now()) {
    // A deadline that is already due would spin the clock in place.
    ++timer_stalls_;
    next = now() + 1;
  }
  arm(next);
}

}  // namespace zt::sim
