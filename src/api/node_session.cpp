#include "api/node_session.hpp"

#include <algorithm>
#include <cstdio>

#include "crypto/random.hpp"
#include "io/clock.hpp"
#include "stack/lwip_port.hpp"
#include "stack/stack_runtime.hpp"
#include "stack/tcp_drain.hpp"
#include "zts.h"

namespace zt::api {
namespace {

// Random UDP ports taken by something else are tried again this often.
constexpr int kRandomPortAttempts = 16;
// The UDP ports of the last run, in the storage path: "primary secondary".
constexpr char kPortsFile[] = "ztsdk.ports";

void log_line(const std::string& line) { std::fprintf(stderr, "ztsdk: %s\n", line.c_str()); }

std::optional<World> parse_world(const Bytes& bytes, World::Type type) {
  ByteReader r(bytes);
  std::optional<World> w = World::deserialize(r);
  if (!w || !r.at_end() || w->type != type) return std::nullopt;
  return w;
}

int status_event(NetworkStatus status) {
  switch (status) {
    case NetworkStatus::kRequestingConfiguration:
      return ZTS_EVENT_NETWORK_REQ_CONFIG;
    case NetworkStatus::kOk:
      return ZTS_EVENT_NETWORK_OK;
    case NetworkStatus::kAccessDenied:
      return ZTS_EVENT_NETWORK_ACCESS_DENIED;
    case NetworkStatus::kNotFound:
      return ZTS_EVENT_NETWORK_NOT_FOUND;
    case NetworkStatus::kClientTooOld:
      return ZTS_EVENT_NETWORK_CLIENT_TOO_OLD;
    // Waiting for someone to authorize us, as libzt's nearest code says.
    case NetworkStatus::kAuthenticationRequired:
      return ZTS_EVENT_NETWORK_ACCESS_DENIED;
    case NetworkStatus::kPortError:
      return 0;  // no libzt code; the status says it
  }
  return 0;
}

bool has_family(const std::vector<InetAddress>& addresses, InetAddress::Family family) {
  return std::any_of(addresses.begin(), addresses.end(),
                     [&](const InetAddress& a) { return a.family() == family; });
}

int address_event(const InetAddress& a, bool added) {
  if (a.is_v4()) return added ? ZTS_EVENT_ADDR_ADDED_IP4 : ZTS_EVENT_ADDR_REMOVED_IP4;
  return added ? ZTS_EVENT_ADDR_ADDED_IP6 : ZTS_EVENT_ADDR_REMOVED_IP6;
}

std::uint16_t random_port(std::uint16_t first, std::uint16_t last) {
  const std::uint32_t span = static_cast<std::uint32_t>(last - first) + 1;
  return static_cast<std::uint16_t>(first + crypto::secure_random_u64() % span);
}

}  // namespace

bool NetworkState::ready() const {
  return info.status == NetworkStatus::kOk && !interface_addresses.empty();
}

NodeSession::NodeSession(StartOptions options, EventDispatcher& events)
    : options_(std::move(options)), events_(events) {}

NodeSession::~NodeSession() {
  // run() tears down what it opened; this is for a session never run.
  runtime_.reset();
}

void NodeSession::run() {
  std::string error;
  if (!open(&error)) {
    if (!error.empty()) log_line("the node cannot start: " + error);
    runtime_.reset();
    early_.clear();  // what a half-open node said is moot
    started_ = true;
    emit(ZTS_EVENT_NODE_DOWN, node_facts());
    set_phase(Phase::kEnded);
    return;
  }
  // Identity, ports and loop are fixed now: application calls may come.
  emit(ZTS_EVENT_NODE_UP, node_facts());
  emit(ZTS_EVENT_STACK_UP, std::monostate{});
  started_ = true;
  for (ApiEvent& e : early_) events_.push(std::move(e));
  early_.clear();
  set_phase(Phase::kRunning);
  loop_->run();
  teardown();
}

bool NodeSession::open(std::string* error) {
  // lwIP first: the ports need it, and STACK_UP says it is there.
  stack::ensure_started();
  storage_ = AppStorage::open(options_.storage_path, options_.cache, error);
  if (!storage_) return false;
  if (options_.identity) {
    identity_ = *options_.identity;
  } else {
    bool missing = false;
    std::optional<Identity> stored = storage_->load_identity(&missing, error);
    if (!stored && !missing) return false;
    if (stored) {
      identity_ = *stored;
    } else {
      identity_ = Identity::generate();  // a moment of proof of work
      if (!storage_->save_identity(identity_, error)) return false;
    }
  }

  World planet;
  if (options_.roots) {
    planet = *options_.roots;
    if (!storage_->load("planet")) storage_->store("planet", planet.to_bytes());
  } else {
    // Our cached planet, else the one libzt caches under the name "roots".
    for (const char* name : {"planet", "roots"}) {
      if (std::optional<Bytes> bytes = storage_->load(name)) {
        if (std::optional<World> w = parse_world(*bytes, World::Type::kPlanet)) {
          planet = *w;
          break;
        }
        log_line("ignoring the storage path's '" + std::string(name) + "': not a planet");
      }
    }
  }
  if (planet.is_null())
    log_line("no planet (roots): this node reaches no root. Give one with zts_init_set_roots()");
  std::vector<World> moons;
  for (const std::string& file : storage_->list("moons.d")) {
    if (!file.ends_with(".moon")) continue;
    if (std::optional<Bytes> bytes = storage_->load("moons.d/" + file))
      if (std::optional<World> moon = parse_world(*bytes, World::Type::kMoon))
        moons.push_back(*moon);
  }

  {
    std::lock_guard lock(mutex_);
    if (stop_requested_) return false;
    loop_ = io::EventLoop::create(error);
    if (!loop_) return false;
  }
  driver_ = observe_ports(stack::make_lwip_driver(), *this);
  if (!open_runtime(planet, moons, error)) return false;
  hook_ = loop_->add_before_wait([this] { before_wait(); });
  std::lock_guard lock(mutex_);
  if (stop_requested_) loop_->stop();  // run() then returns at once
  return true;
}

bool NodeSession::open_runtime(const World& planet, const std::vector<World>& moons,
                               std::string* error) {
  runtime::RuntimeOptions r;
  // A restarted node comes back on the networks it had joined.
  r.rejoin_stored_networks = options_.storage_path.has_value() && options_.cache.networks;
  const std::uint16_t first = std::min(options_.random_port_first, options_.random_port_last);
  const std::uint16_t last = std::max(options_.random_port_first, options_.random_port_last);
  // Without a fixed port, a restarted node first tries the ports it had:
  // peers keep sending to a path they still think alive (upstream learns a
  // second port on the same IP only once the first has gone quiet), so a
  // new random port would leave it unreachable for a while.
  const std::optional<std::pair<std::uint16_t, std::uint16_t>> previous =
      options_.port == 0 ? remembered_ports() : std::nullopt;
  const int attempts = options_.port != 0 ? 1 : kRandomPortAttempts + (previous ? 1 : 0);
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    r.udp.primary_port = options_.port != 0 ? options_.port : random_port(first, last);
    r.udp.secondary_port.reset();
    if (options_.secondary_port) {
      std::uint16_t secondary = random_port(first, last);
      if (secondary == r.udp.primary_port) secondary = 0;  // any free port
      r.udp.secondary_port = secondary;
    }
    if (previous && attempt == 1) {
      r.udp.primary_port = previous->first;
      if (options_.secondary_port) r.udp.secondary_port = previous->second;
    }
    std::string why;
    runtime_ = runtime::NodeRuntime::open(
        *loop_, identity_, planet, moons, *storage_, driver_.get(), r,
        [this](const NodeEvent& e) { on_node_event(e); }, log_line, &why);
    if (runtime_) {
      primary_port_ = runtime_->transport().primary_port();
      secondary_port_ = runtime_->transport().secondary_port().value_or(0);
      if (options_.port == 0) remember_ports();
      return true;
    }
    if (error) *error = why;
  }
  return false;
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> NodeSession::remembered_ports() const {
  const std::optional<Bytes> bytes = storage_->load(kPortsFile);
  if (!bytes || bytes->size() > 32) return std::nullopt;
  unsigned primary = 0, secondary = 0;
  const std::string text(bytes->begin(), bytes->end());
  if (std::sscanf(text.c_str(), "%u %u", &primary, &secondary) < 1 || primary == 0 ||
      primary > 65535 || secondary > 65535)
    return std::nullopt;
  return std::pair{static_cast<std::uint16_t>(primary), static_cast<std::uint16_t>(secondary)};
}

void NodeSession::remember_ports() {
  const std::string text =
      std::to_string(primary_port_) + " " + std::to_string(secondary_port_) + "\n";
  const std::optional<Bytes> old = storage_->load(kPortsFile);
  if (old && std::string(old->begin(), old->end()) == text) return;
  storage_->store(kPortsFile, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

void NodeSession::teardown() {
  loop_->remove_before_wait(hook_);
  // Ports go first (NETIF_DOWN, ADDR_REMOVED_*), then the networks.
  runtime_.reset();
  for (const auto& [id, t] : networks_)
    if (t.info) emit(ZTS_EVENT_NETWORK_DOWN, network_facts(id, *t.info));
  networks_.clear();
  emit(ZTS_EVENT_NODE_DOWN, node_facts());
  set_phase(Phase::kEnded);
}

void NodeSession::stop() {
  std::lock_guard lock(mutex_);
  if (stop_requested_) return;
  stop_requested_ = true;
  if (!loop_) return;  // still starting: open() sees the request
  if (phase_ != Phase::kRunning) {
    loop_->stop();  // run() returns as soon as it would start
    return;
  }
  loop_->post([this] { begin_linger(); });
}

// An application that writes, closes and stops at once must not lose the
// tail of its data: the loop keeps carrying frames until lwIP has nothing
// left to deliver (checked after every pass), or the linger time is up.
void NodeSession::begin_linger() {
  if (!stack::tcp_output_pending()) {
    loop_->stop();
    return;
  }
  lingering_ = true;
  loop_->schedule_after(kStopLingerMs, [this] { loop_->stop(); });
}

void NodeSession::set_phase(Phase phase) {
  std::lock_guard lock(mutex_);
  phase_ = phase;
  if (phase == Phase::kEnded) {
    online_ = false;
    published_.clear();
  }
  changed_.notify_all();
}

bool NodeSession::wait_running(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return phase_ != Phase::kStarting; });
  return phase_ == Phase::kRunning && !stop_requested_;
}

bool NodeSession::finished() const {
  std::lock_guard lock(mutex_);
  return phase_ == Phase::kEnded || stop_requested_;
}

NodeSession::Wait NodeSession::wait_online(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  auto done = [this] { return phase_ == Phase::kEnded || stop_requested_ || online_; };
  if (timeout.count() < 0)
    changed_.wait(lock, done);
  else if (!changed_.wait_for(lock, timeout, done))
    return Wait::kTimeout;
  return online_ && phase_ == Phase::kRunning ? Wait::kDone : Wait::kStopped;
}

NodeSession::Wait NodeSession::wait_ready(std::uint64_t network_id, int family,
                                          std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  auto ready = [&] {
    auto it = published_.find(network_id);
    if (it == published_.end() || !it->second.ok) return false;
    if (family == ZTS_AF_INET) return it->second.has4;
    if (family == ZTS_AF_INET6) return it->second.has6;
    return it->second.has4 || it->second.has6;
  };
  auto done = [&] { return phase_ == Phase::kEnded || stop_requested_ || ready(); };
  if (timeout.count() < 0)
    changed_.wait(lock, done);
  else if (!changed_.wait_for(lock, timeout, done))
    return Wait::kTimeout;
  return ready() && phase_ == Phase::kRunning ? Wait::kDone : Wait::kStopped;
}

// ---- the loop thread ------------------------------------------------------

bool NodeSession::join(std::uint64_t network_id) {
  runtime_->node().join(io::now_ms(), network_id);  // false if joined already: fine
  dirty_.insert(network_id);
  return true;
}

bool NodeSession::leave(std::uint64_t network_id) {
  dirty_.insert(network_id);
  return runtime_->node().leave(io::now_ms(), network_id);
}

bool NodeSession::online() const { return runtime_->node().online(io::now_ms()); }

std::optional<NetworkState> NodeSession::network(std::uint64_t network_id) const {
  std::optional<NetworkInfo> info = runtime_->node().network(network_id);
  if (!info) return std::nullopt;
  NetworkState s;
  s.info = std::move(*info);
  s.port_error = runtime_->port_error(network_id).has_value();
  auto it = networks_.find(network_id);
  if (it != networks_.end() && it->second.port_open)
    s.interface_addresses = it->second.port.addresses;
  return s;
}

std::vector<ApiEvent> NodeSession::current_state() const {
  std::vector<ApiEvent> out;
  out.push_back({ZTS_EVENT_NODE_UP, node_facts()});
  out.push_back({ZTS_EVENT_STACK_UP, std::monostate{}});
  if (online()) out.push_back({ZTS_EVENT_NODE_ONLINE, node_facts()});
  for (const auto& [id, t] : networks_) {
    if (t.status_reported && t.info)
      if (const int code = status_event(t.status))
        out.push_back({code, network_facts(id, *t.info)});
    if (t.port_open) {
      out.push_back({ZTS_EVENT_NETIF_UP, NetifFacts{id, t.port.mac, t.port.mtu}});
      for (const InetAddress& a : t.port.addresses)
        out.push_back({address_event(a, true), AddressFacts{id, a}});
    }
    if (!t.info) continue;
    if (t.ready4) out.push_back({ZTS_EVENT_NETWORK_READY_IP4, network_facts(id, *t.info)});
    if (t.ready6) out.push_back({ZTS_EVENT_NETWORK_READY_IP6, network_facts(id, *t.info)});
    if (t.ready_both) out.push_back({ZTS_EVENT_NETWORK_READY_IP4_IP6, network_facts(id, *t.info)});
  }
  return out;
}

// Inside the engine: record, and leave the engine queries to before_wait().
void NodeSession::on_node_event(const NodeEvent& event) {
  switch (event.type) {
    case NodeEventType::kOnline:
    case NodeEventType::kOffline: {
      const bool online = event.type == NodeEventType::kOnline;
      {
        std::lock_guard lock(mutex_);
        online_ = online;
        changed_.notify_all();
      }
      emit(online ? ZTS_EVENT_NODE_ONLINE : ZTS_EVENT_NODE_OFFLINE, node_facts());
      return;
    }
    case NodeEventType::kPeerDirect:
      peer_news_.emplace_back(ZTS_EVENT_PEER_DIRECT, event.peer);
      return;
    case NodeEventType::kPeerRelayed:
      peer_news_.emplace_back(ZTS_EVENT_PEER_RELAY, event.peer);
      return;
    case NodeEventType::kNetworkStatus:
      dirty_.insert(event.network_id);
      return;
    case NodeEventType::kIdentityCollision:
      log_line("another node holds this node's address " + identity_.address().to_string() +
               ": stopping. Delete the identity to have a new one generated");
      emit(ZTS_EVENT_NODE_FATAL_ERROR, node_facts());
      loop_->stop();
      return;
    default:
      return;
  }
}

void NodeSession::before_wait() {
  if (lingering_ && !stack::tcp_output_pending()) loop_->stop();
  if (!dirty_.empty()) {
    const std::set<std::uint64_t> dirty = std::move(dirty_);
    dirty_.clear();
    for (std::uint64_t id : dirty) update_network(id);
  }
  if (!peer_news_.empty()) {
    const auto news = std::move(peer_news_);
    peer_news_.clear();
    const std::int64_t now = io::now_ms();
    for (const auto& [code, address] : news) {
      PeerInfo info;
      info.address = address;
      if (std::optional<PeerInfo> p = runtime_->node().peer(address, now)) info = std::move(*p);
      emit(code, std::move(info));
    }
  }
}

// What changed on one network since we last looked: status, config,
// readiness. Addresses and the interface are reported by the port itself.
void NodeSession::update_network(std::uint64_t network_id) {
  std::optional<NetworkInfo> info = runtime_->node().network(network_id);
  auto it = networks_.find(network_id);
  if (!info) {  // left (or never joined)
    if (it == networks_.end()) return;
    if (it->second.info) emit(ZTS_EVENT_NETWORK_DOWN, network_facts(network_id, *it->second.info));
    networks_.erase(it);
    publish(network_id, nullptr);
    return;
  }
  Tracked& t = networks_[network_id];
  if (!t.status_reported || t.status != info->status) {
    if (const int code = status_event(info->status)) emit(code, network_facts(network_id, *info));
    t.status_reported = true;
    t.status = info->status;
  } else if (info->revision != t.revision && info->status == NetworkStatus::kOk) {
    emit(ZTS_EVENT_NETWORK_UPDATE, network_facts(network_id, *info));
  }
  t.revision = info->revision;
  t.info = std::move(*info);

  const bool ok = t.status == NetworkStatus::kOk && t.port_open;
  const bool ready4 = ok && has_family(t.port.addresses, InetAddress::Family::kV4);
  const bool ready6 = ok && has_family(t.port.addresses, InetAddress::Family::kV6);
  if (ready4 && !t.ready4) emit(ZTS_EVENT_NETWORK_READY_IP4, network_facts(network_id, *t.info));
  if (ready6 && !t.ready6) emit(ZTS_EVENT_NETWORK_READY_IP6, network_facts(network_id, *t.info));
  if (ready4 && ready6 && !t.ready_both)
    emit(ZTS_EVENT_NETWORK_READY_IP4_IP6, network_facts(network_id, *t.info));
  t.ready4 = ready4;
  t.ready6 = ready6;
  t.ready_both = ready4 && ready6;
  publish(network_id, &t);
}

void NodeSession::publish(std::uint64_t network_id, const Tracked* t) {
  std::lock_guard lock(mutex_);
  if (t == nullptr) {
    published_.erase(network_id);
  } else {
    const bool ok = t->status == NetworkStatus::kOk && t->port_open;
    published_[network_id] = {ok, t->ready4, t->ready6};
  }
  changed_.notify_all();
}

void NodeSession::emit(int code, decltype(ApiEvent::facts) facts) {
  ApiEvent e{code, std::move(facts)};
  if (started_)
    events_.push(std::move(e));
  else
    early_.push_back(std::move(e));
}

NodeFacts NodeSession::node_facts() const {
  return {identity_.address().value(), primary_port_, secondary_port_};
}

NetworkFacts NodeSession::network_facts(std::uint64_t network_id, const NetworkInfo& info) const {
  return {info, runtime_ && runtime_->port_error(network_id).has_value()};
}

void NodeSession::port_opened(std::uint64_t network_id, const PortView& view) {
  Tracked& t = networks_[network_id];
  t.port_open = true;
  t.port = view;
  emit(ZTS_EVENT_NETIF_UP, NetifFacts{network_id, view.mac, view.mtu});
  for (const InetAddress& a : view.addresses)
    emit(address_event(a, true), AddressFacts{network_id, a});
  dirty_.insert(network_id);
}

void NodeSession::port_addresses(std::uint64_t network_id, const std::vector<InetAddress>& now) {
  Tracked& t = networks_[network_id];
  for (const InetAddress& a : t.port.addresses)
    if (std::find(now.begin(), now.end(), a) == now.end())
      emit(address_event(a, false), AddressFacts{network_id, a});
  for (const InetAddress& a : now)
    if (std::find(t.port.addresses.begin(), t.port.addresses.end(), a) == t.port.addresses.end())
      emit(address_event(a, true), AddressFacts{network_id, a});
  t.port.addresses = now;
  dirty_.insert(network_id);
}

void NodeSession::port_closed(std::uint64_t network_id) {
  auto it = networks_.find(network_id);
  if (it == networks_.end()) return;
  Tracked& t = it->second;
  for (const InetAddress& a : t.port.addresses)
    emit(address_event(a, false), AddressFacts{network_id, a});
  emit(ZTS_EVENT_NETIF_DOWN, NetifFacts{network_id, t.port.mac, t.port.mtu});
  t.port_open = false;
  t.port.addresses.clear();
  dirty_.insert(network_id);
}

}  // namespace zt::api
