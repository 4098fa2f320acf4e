#include "runtime/node_runtime.hpp"

#include <algorithm>
#include <cstring>

#include "crypto/random.hpp"
#include "io/clock.hpp"
#include "proto/byte_io.hpp"

namespace zt::runtime {
namespace {

constexpr std::size_t kEthernetHeader = 14;
// A port's batch is handed over early once it holds this much, so one busy
// pass of the loop cannot pile up unbounded frames.
constexpr std::size_t kPortBatchBytes = 512 * 1024;
constexpr std::string_view kNetworksFolder = "networks.d";
constexpr std::string_view kConfSuffix = ".conf";

std::optional<std::uint64_t> network_id_of_conf(const std::string& file) {
  if (file.size() != 16 + kConfSuffix.size() || !file.ends_with(kConfSuffix)) return std::nullopt;
  std::uint64_t id = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    const char c = file[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    id = (id << 4) | static_cast<std::uint64_t>(digit);
  }
  return id;
}

}  // namespace

std::unique_ptr<NodeRuntime> NodeRuntime::open(io::EventLoop& loop, const Identity& identity,
                                               const World& planet, const std::vector<World>& moons,
                                               Storage& storage, stack::PortDriver* driver,
                                               const RuntimeOptions& options, EventSink on_event,
                                               LogSink log, std::string* error) {
  std::unique_ptr<NodeRuntime> r(
      new NodeRuntime(loop, storage, driver, std::move(on_event), std::move(log)));
  auto receiver = [raw = r.get()](LocalSocket socket, const InetAddress& from,
                                  std::span<const std::uint8_t> data) {
    raw->in_datagram_ = true;
    raw->node_->on_datagram(io::now_ms(), socket, from, data);
    raw->in_datagram_ = false;
  };
  r->transport_ = io::UdpTransport::open(loop, options.udp, receiver, error);
  if (!r->transport_) return nullptr;
  r->frames_ = io::FrameQueue::create(
      loop,
      [raw = r.get()](std::uint64_t network_id, std::span<const std::uint8_t> frame) {
        raw->on_stack_frame(network_id, frame);
      },
      io::FrameQueue::kDefaultCapacityBytes, error);
  if (!r->frames_) return nullptr;
  const std::int64_t now = io::now_ms();
  r->node_ = std::make_unique<Node>(identity, planet, static_cast<NodeHost&>(*r), options.node, now);
  for (const World& moon : moons) r->node_->add_moon(moon, now);
  if (options.controller) r->node_->set_controller(options.controller);
  if (options.rejoin_stored_networks) r->rejoin_stored_networks(now);
  r->hook_ = loop.add_before_wait([raw = r.get()] { raw->before_wait(); });
  r->unlocked_hook_ = loop.add_unlocked_before_wait([raw = r.get()] { raw->deliver_ready(); });
  r->rearm_timer();
  return r;
}

NodeRuntime::NodeRuntime(io::EventLoop& loop, Storage& storage, stack::PortDriver* driver,
                         EventSink on_event, LogSink log)
    : loop_(loop),
      storage_(storage),
      driver_(driver),
      on_event_(std::move(on_event)),
      log_(std::move(log)) {}

NodeRuntime::~NodeRuntime() {
  if (hook_ != 0) loop_.remove_before_wait(hook_);
  if (unlocked_hook_ != 0) loop_.remove_before_wait(unlocked_hook_);
  if (timer_ != 0) loop_.cancel(timer_);
  // A port's stack may hand frames over (or send them through the node
  // itself) until the port is gone: hold the pass lock meanwhile, so no
  // stack thread is inside the node while it goes. Stack threads only try
  // the lock, so waiting for it here cannot deadlock with them.
  loop_.with_pass_lock([this] {
    ports_.clear();
    frames_.reset();
    node_.reset();
  });
  transport_.reset();
}

void NodeRuntime::rejoin_stored_networks(std::int64_t now) {
  for (const std::string& file : storage_.list(kNetworksFolder))
    if (std::optional<std::uint64_t> id = network_id_of_conf(file)) node_->join(now, *id);
}

// Pass lock held: the pass's frames for each port become ready to deliver.
void NodeRuntime::before_wait() {
  apply_group_changes();
  for (auto& [id, slot] : ports_) {
    if (slot.gathering.frames.empty() || !slot.ready.frames.empty()) continue;
    capture_batch(slot.network_id, slot.gathering);  // here, under the pass lock
    std::swap(slot.gathering, slot.ready);
  }
  rearm_timer();
}

// Without the pass lock: the stack's threads woken by these frames can send
// their answers through the node at once instead of finding it busy.
void NodeRuntime::deliver_ready() {
  for (auto& [id, slot] : ports_) deliver(slot, slot.ready);
}

// One timer, always at the engine's next deadline.
void NodeRuntime::rearm_timer() {
  const std::int64_t due = node_->next_deadline();
  if (timer_ != 0 && due == timer_due_) return;
  if (timer_ != 0) loop_.cancel(timer_);
  timer_due_ = due;
  timer_ = loop_.schedule_at(due, [this] {
    timer_ = 0;
    node_->on_timer(io::now_ms());
  });
}

void NodeRuntime::deliver(PortSlot& slot, Batch& batch) {
  if (batch.frames.empty()) return;
  std::vector<std::span<const std::uint8_t>> spans;
  spans.reserve(batch.frames.size());
  for (const auto& [offset, size] : batch.frames) spans.emplace_back(batch.arena.data() + offset, size);
  counters_.frames_to_stack += spans.size();
  if (slot.port) slot.port->deliver(spans);
  batch.frames.clear();
  batch.arena.clear();
  // As FrameQueue does: a burst's capacity is not kept.
  if (batch.arena.capacity() > io::FrameQueue::kKeptBytes) std::vector<std::uint8_t>().swap(batch.arena);
}

void NodeRuntime::capture_batch(std::uint64_t network_id, const Batch& batch) {
  if (captures_.empty()) return;
  for (const auto& [offset, size] : batch.frames)
    capture(network_id, true, {batch.arena.data() + offset, size});
}

void NodeRuntime::apply_group_changes() {
  std::vector<GroupChange> changes;
  {
    std::lock_guard lock(groups_->mutex);
    changes.swap(groups_->changes);
  }
  if (changes.empty()) return;
  const std::int64_t now = io::now_ms();
  for (const GroupChange& c : changes) {
    if (!ports_.count(c.network_id)) continue;  // left since
    if (c.joined) node_->multicast_subscribe(now, c.network_id, c.group);
    else node_->multicast_unsubscribe(now, c.network_id, c.group);
  }
}

void NodeRuntime::on_stack_frame(std::uint64_t network_id, std::span<const std::uint8_t> frame) {
  // ZeroTier carries untagged Ethernet only; VLAN-tagged frames have no place.
  if (frame.size() < kEthernetHeader) {
    ++counters_.frames_dropped;
    return;
  }
  const MacAddress to = MacAddress::from_bytes(frame.data());
  const MacAddress from = MacAddress::from_bytes(frame.data() + 6);
  const auto ethertype = static_cast<std::uint16_t>(load_be(frame.data() + 12, 2));
  ++counters_.frames_from_stack;
  if (!captures_.empty()) capture(network_id, false, frame);
  node_->on_frame(io::now_ms(), network_id, from, to, ethertype, frame.subspan(kEthernetHeader));
}

void NodeRuntime::frame_from_stack(std::uint64_t network_id, std::span<const std::uint8_t> frame) {
  if (!loop_.try_run_inline([&] { send_inline(network_id, frame); }))
    frames_->push(network_id, frame);
}

void NodeRuntime::send_inline(std::uint64_t network_id, std::span<const std::uint8_t> frame) {
  // Frames queued while the loop was busy go first: TCP takes reordering badly.
  if (frames_->pending()) frames_->drain();
  on_stack_frame(network_id, frame);
  if (loop_.in_loop_thread()) return;  // before_wait follows anyway
  // What only the loop does: re-arm its timer if the engine wants to run
  // sooner (a WHOIS retry), hand frames for a port to it.
  bool port_frames = false;
  for (const auto& [id, slot] : ports_) port_frames = port_frames || !slot.gathering.frames.empty();
  if (port_frames || node_->next_deadline() < timer_due_) loop_.post([] {});
}

std::optional<std::string> NodeRuntime::port_error(std::uint64_t network_id) const {
  auto it = port_errors_.find(network_id);
  if (it == port_errors_.end()) return std::nullopt;
  return it->second;
}

RuntimeCounters NodeRuntime::counters() const { return counters_; }

bool NodeRuntime::inject_frame(std::uint64_t network_id, std::span<const std::uint8_t> frame) {
  if (frame.size() < kEthernetHeader) return false;
  on_stack_frame(network_id, frame);
  return true;
}

std::vector<CapturedFrame> NodeRuntime::captured(std::uint64_t network_id, std::uint64_t since) {
  std::vector<CapturedFrame> out;
  for (const CapturedFrame& f : captures_[network_id])
    if (f.seq > since) out.push_back(f);
  return out;
}

void NodeRuntime::capture(std::uint64_t network_id, bool to_port,
                          std::span<const std::uint8_t> frame) {
  auto it = captures_.find(network_id);
  if (it == captures_.end()) return;
  std::vector<CapturedFrame>& ring = it->second;
  if (ring.size() >= kCaptureDepth) ring.erase(ring.begin());
  ring.push_back({++capture_seq_, to_port, Bytes(frame.begin(), frame.end())});
}

bool NodeRuntime::send_datagram(LocalSocket socket, const InetAddress& to,
                                std::span<const std::uint8_t> data, unsigned ttl) {
  return transport_->send(socket, to, data, ttl);
}

void NodeRuntime::on_event(const NodeEvent& event) {
  if (on_event_) on_event_(event);
}

void NodeRuntime::store(std::string_view name, std::span<const std::uint8_t> data) {
  storage_.store(name, data);
}

std::optional<std::vector<std::uint8_t>> NodeRuntime::load(std::string_view name) {
  return storage_.load(name);
}

void NodeRuntime::remove(std::string_view name) { storage_.remove(name); }

void NodeRuntime::random_bytes(void* out, std::size_t len) { random_.fill(out, len); }

void NodeRuntime::port_frame(std::uint64_t network_id, MacAddress from, MacAddress to,
                             std::uint16_t ethertype, std::span<const std::uint8_t> data) {
  auto it = ports_.find(network_id);
  if (it == ports_.end() || !it->second.port) {
    if (!captures_.empty()) {  // a port-less node can still be watched
      Bytes frame(kEthernetHeader + data.size());
      to.to_bytes(frame.data());
      from.to_bytes(frame.data() + 6);
      store_be(frame.data() + 12, ethertype, 2);
      std::copy(data.begin(), data.end(), frame.begin() + kEthernetHeader);
      capture(network_id, true, frame);
    }
    ++counters_.frames_dropped;
    return;
  }
  Batch& batch = it->second.gathering;
  const std::size_t offset = batch.arena.size();
  std::uint8_t header[kEthernetHeader];
  to.to_bytes(header);
  from.to_bytes(header + 6);
  store_be(header + 12, ethertype, 2);
  // Appended, not resized and overwritten: no zero-fill of every frame.
  batch.arena.insert(batch.arena.end(), header, header + kEthernetHeader);
  batch.arena.insert(batch.arena.end(), data.begin(), data.end());
  batch.frames.emplace_back(offset, kEthernetHeader + data.size());
  // Early only from a datagram: elsewhere (a stack thread sending through
  // the node) the stack's lock may be held, and delivering would take it.
  if (batch.arena.size() >= kPortBatchBytes && in_datagram_) {
    capture_batch(network_id, batch);
    deliver(it->second, batch);
  }
}

void NodeRuntime::port_changed(std::uint64_t network_id, PortChange change,
                               const NetworkInfo& info) {
  switch (change) {
    case PortChange::kUp: {
      if (!driver_ || ports_.count(network_id)) return;
      stack::PortSinks sinks;
      sinks.frame = [this, network_id](std::span<const std::uint8_t> frame) {
        frame_from_stack(network_id, frame);
      };
      // The loop wakes for the post and applies the change before sleeping.
      sinks.multicast = [inbox = groups_, loop = &loop_, network_id](const MulticastGroup& group,
                                                                     bool joined) {
        {
          std::lock_guard lock(inbox->mutex);
          inbox->changes.push_back({network_id, group, joined});
        }
        loop->post([] {});
      };
      std::string why;
      std::unique_ptr<stack::Port> port = driver_->open(info, std::move(sinks), &why);
      if (!port) {
        ++counters_.port_errors;
        port_errors_[network_id] = why;
        if (log_) log_("network " + to_hex_u64(network_id, 16) + ": no " +
                       std::string(driver_->name()) + " port: " + why);
        return;
      }
      port_errors_.erase(network_id);
      PortSlot& slot = ports_[network_id];
      slot.network_id = network_id;
      slot.port = std::move(port);
      return;
    }
    case PortChange::kConfigUpdate: {
      auto it = ports_.find(network_id);
      if (it == ports_.end()) return;
      std::string why;
      if (!it->second.port->configure(info, &why)) {
        ++counters_.port_errors;
        port_errors_[network_id] = why;
        if (log_) log_("network " + to_hex_u64(network_id, 16) + ": port refused the config: " + why);
      }
      return;
    }
    case PortChange::kDown:
    case PortChange::kDestroy:
      ports_.erase(network_id);
      port_errors_.erase(network_id);
      return;
  }
}

}  // namespace zt::runtime
