#include "embedded_node.hpp"

#include <ctime>

#include "io/clock.hpp"
#include "service/worlds.hpp"

namespace ztperf {

std::int64_t now_ns() { return zt::io::monotonic_ns(); }

std::unique_ptr<EmbeddedNode> EmbeddedNode::start(const EmbeddedNodeOptions& options,
                                                  std::string* error) {
  std::unique_ptr<EmbeddedNode> n(new EmbeddedNode());
  n->options_ = options;
  n->started_ns_ = now_ns();
  std::optional<zt::World> planet =
      zt::service::read_world_file(options.planet_file, zt::World::Type::kPlanet, error);
  if (!planet) return nullptr;
  n->loop_ = zt::io::EventLoop::create(error);
  if (!n->loop_) return nullptr;
  n->home_ = zt::io::HomeDir::open(options.home, error);
  if (!n->home_) return nullptr;
  n->storage_ = std::make_unique<zt::runtime::HomeStorage>(*n->home_, nullptr);
  n->driver_ = zt::stack::make_port_driver("lwip", error);
  if (!n->driver_) return nullptr;
  zt::runtime::RuntimeOptions r;
  r.udp.primary_port = 0;
  r.udp.ipv6 = false;
  r.node.allow_loopback_paths = true;
  if (options.loopback_mtu != 0) r.node.loopback_mtu = options.loopback_mtu;
  n->runtime_ = zt::runtime::NodeRuntime::open(
      *n->loop_, n->home_->identity(), *planet, {}, *n->storage_, n->driver_.get(), r,
      [raw = n.get()](const zt::NodeEvent& e) { raw->on_event(e); }, nullptr, error);
  if (!n->runtime_) return nullptr;
  // The loop is not running yet, so this thread may still call the node.
  n->runtime_->node().join(zt::io::now_ms(), options.network_id);
  n->thread_ = std::thread([raw = n.get()] { raw->loop_->run(); });
  return n;
}

EmbeddedNode::~EmbeddedNode() {
  if (thread_.joinable()) {
    loop_->stop();
    thread_.join();
  }
  runtime_.reset();  // with the loop stopped, as NodeRuntime requires
}

// Loop thread, inside the engine: only note things, the node is looked at
// once the engine has returned.
void EmbeddedNode::on_event(const zt::NodeEvent& event) {
  if (event.type == zt::NodeEventType::kOnline) {
    std::lock_guard lock(mutex_);
    if (online_ns_ == 0) online_ns_ = now_ns();
    changed_.notify_all();
  } else if (event.type == zt::NodeEventType::kNetworkStatus &&
             event.network_id == options_.network_id) {
    loop_->post([this] { check_ready(); });
  }
}

// Loop thread. The port is configured by the runtime in the same engine
// call that raised the status event, so it has the address by now.
void EmbeddedNode::check_ready() {
  const std::optional<zt::NetworkInfo> info = runtime_->node().network(options_.network_id);
  if (!info || info->status != zt::NetworkStatus::kOk || runtime_->port_error(info->id)) return;
  for (const zt::InetAddress& a : info->assigned_addresses) {
    if (!a.is_v4()) continue;
    std::lock_guard lock(mutex_);
    if (!ipv4_) {
      ipv4_ = a;
      ready_ns_ = now_ns();
    }
    changed_.notify_all();
    return;
  }
}

std::optional<zt::InetAddress> EmbeddedNode::wait_for_ipv4(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return ipv4_.has_value(); });
  return ipv4_;
}

EmbeddedNode::QueueStats EmbeddedNode::queue_stats() const {
  const auto stats = loop_->run_sync(
      [this] {
        return QueueStats{runtime_->frames_queue_dropped(), runtime_->frames_queue_peak_bytes()};
      },
      std::chrono::seconds(2));
  return stats.value_or(QueueStats{});
}

std::int64_t EmbeddedNode::online_ns() const {
  std::lock_guard lock(mutex_);
  return online_ns_;
}

std::int64_t EmbeddedNode::ready_ns() const {
  std::lock_guard lock(mutex_);
  return ready_ns_;
}

}  // namespace ztperf
