#pragma once
// A Node running on an event loop: its UDP transport, its storage, one timer
// at the engine's next deadline, and the virtual ports of its networks,
// served by a PortDriver (a TCP/IP stack). What both the ztsdk service and
// an application using the zts_ API run. Everything here happens on the
// loop thread, except frames coming from a port's stack, which cross over
// through a FrameQueue.
//
// The data path: datagrams → Node → frames for a port, batched per pass of
// the loop and handed to the port at once (one stack lock per batch);
// frames from the stack → Node → datagrams, run by the stack's thread itself
// while the loop sleeps (EventLoop::try_run_inline: no wake-up of the loop
// thread per frame sent), else through a FrameQueue that the loop drains.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/random.hpp"
#include "io/event_loop.hpp"
#include "io/frame_queue.hpp"
#include "io/udp_transport.hpp"
#include "node/network_controller.hpp"
#include "node/node.hpp"
#include "runtime/storage.hpp"
#include "stack/port_driver.hpp"

namespace zt::runtime {

struct RuntimeOptions {
  io::UdpTransportOptions udp;
  NodeOptions node;
  // Join every network stored in networks.d when starting, as ZeroTierOne's
  // service does; an embedding app joins its networks itself.
  bool rejoin_stored_networks = false;
  // The in-process controller (not owned), set before any network is joined.
  NetworkController* controller = nullptr;
};

// A frame seen at a network's port, for diagnostics and tests.
struct CapturedFrame {
  std::uint64_t seq = 0;
  bool to_port = false;  // delivered by the network (else sent by the port's stack)
  Bytes bytes;           // the whole Ethernet frame
};

struct RuntimeCounters {
  std::uint64_t frames_from_stack = 0;
  std::uint64_t frames_to_stack = 0;
  std::uint64_t frames_dropped = 0;  // malformed from the stack, or no port
  std::uint64_t port_errors = 0;
};

class NodeRuntime final : private NodeHost {
 public:
  // Both are called from inside the engine, on the loop thread or on a
  // stack thread sending in its place (with the loop's pass lock held, so
  // never two at once): they must not call back into the node or wait for
  // the loop.
  using EventSink = std::function<void(const NodeEvent&)>;
  using LogSink = std::function<void(const std::string&)>;

  // `loop`, `storage` and `driver` (null: networks get no port) must
  // outlive the runtime. nullptr with *error if the UDP ports cannot be had.
  static std::unique_ptr<NodeRuntime> open(io::EventLoop& loop, const Identity& identity,
                                           const World& planet, const std::vector<World>& moons,
                                           Storage& storage, stack::PortDriver* driver,
                                           const RuntimeOptions& options, EventSink on_event,
                                           LogSink log, std::string* error = nullptr);
  // Loop thread (or with the loop stopped). Ports go first, then the node.
  ~NodeRuntime() override;
  NodeRuntime(const NodeRuntime&) = delete;
  NodeRuntime& operator=(const NodeRuntime&) = delete;

  // Loop thread only. Calls into the node need nothing more: the runtime
  // re-arms its timer before the loop next sleeps.
  Node& node() { return *node_; }
  const Node& node() const { return *node_; }
  io::UdpTransport& transport() { return *transport_; }
  // Why a network has no port (its driver refused), if so.
  std::optional<std::string> port_error(std::uint64_t network_id) const;
  RuntimeCounters counters() const;

  // Diagnostics. A frame as if the port's stack had sent it (a whole
  // Ethernet frame); false if it is too short.
  bool inject_frame(std::uint64_t network_id, std::span<const std::uint8_t> frame);
  // Starts keeping the last kCaptureDepth frames of a network's port, both
  // ways, and returns those with seq > since. Off until first asked.
  std::vector<CapturedFrame> captured(std::uint64_t network_id, std::uint64_t since);
  static constexpr std::size_t kCaptureDepth = 64;
  std::uint64_t frames_queue_dropped() const { return frames_->dropped(); }
  std::size_t frames_queue_peak_bytes() const { return frames_->peak_bytes(); }

 private:
  // Multicast groups a port's stack joined or left, from its own thread;
  // shared with the ports' sinks so a late report finds it still alive.
  struct GroupChange {
    std::uint64_t network_id;
    MulticastGroup group;
    bool joined;
  };
  struct GroupInbox {
    std::mutex mutex;
    std::vector<GroupChange> changes;
  };

  struct Batch {
    std::vector<std::uint8_t> arena;
    std::vector<std::pair<std::size_t, std::size_t>> frames;  // offset, size
  };
  struct PortSlot {
    std::uint64_t network_id = 0;
    std::unique_ptr<stack::Port> port;
    // Frames for the port, gathered during one pass of the loop (pass lock).
    Batch gathering;
    // The pass's frames on their way to the stack, handed over after the
    // pass lock is released (loop thread only).
    Batch ready;
  };

  NodeRuntime(io::EventLoop& loop, Storage& storage, stack::PortDriver* driver, EventSink on_event,
              LogSink log);
  void before_wait();
  void deliver_ready();
  void rearm_timer();
  void deliver(PortSlot& slot, Batch& batch);
  // Keeps the batch's frames for captured() when the network is captured.
  void capture_batch(std::uint64_t network_id, const Batch& batch);
  void apply_group_changes();
  void on_stack_frame(std::uint64_t network_id, std::span<const std::uint8_t> frame);
  // A frame from a port's stack, on whichever thread the stack runs.
  void frame_from_stack(std::uint64_t network_id, std::span<const std::uint8_t> frame);
  // Run in the loop's place (pass lock held).
  void send_inline(std::uint64_t network_id, std::span<const std::uint8_t> frame);
  void rejoin_stored_networks(std::int64_t now);

  // NodeHost
  bool send_datagram(LocalSocket socket, const InetAddress& to, std::span<const std::uint8_t> data,
                     unsigned ttl) override;
  void on_event(const NodeEvent& event) override;
  void store(std::string_view name, std::span<const std::uint8_t> data) override;
  std::optional<std::vector<std::uint8_t>> load(std::string_view name) override;
  void remove(std::string_view name) override;
  void random_bytes(void* out, std::size_t len) override;
  void port_frame(std::uint64_t network_id, MacAddress from, MacAddress to,
                  std::uint16_t ethertype, std::span<const std::uint8_t> data) override;
  void port_changed(std::uint64_t network_id, PortChange change, const NetworkInfo& info) override;

  io::EventLoop& loop_;
  Storage& storage_;
  stack::PortDriver* driver_;
  EventSink on_event_;
  LogSink log_;
  std::unique_ptr<io::UdpTransport> transport_;
  std::unique_ptr<io::FrameQueue> frames_;
  std::unique_ptr<Node> node_;
  std::map<std::uint64_t, PortSlot> ports_;
  std::map<std::uint64_t, std::string> port_errors_;
  void capture(std::uint64_t network_id, bool to_port, std::span<const std::uint8_t> frame);
  std::map<std::uint64_t, std::vector<CapturedFrame>> captures_;  // only networks asked about
  std::uint64_t capture_seq_ = 0;
  std::shared_ptr<GroupInbox> groups_ = std::make_shared<GroupInbox>();
  RuntimeCounters counters_;
  // The engine draws random bytes for every packet it sends.
  crypto::BufferedRandom random_;
  std::uint64_t hook_ = 0;
  std::uint64_t unlocked_hook_ = 0;
  // Set while the loop hands a datagram to the node: the one place a
  // port's batch may be delivered early (the stack's lock is not held).
  bool in_datagram_ = false;
  io::TimerId timer_ = 0;
  std::int64_t timer_due_ = 0;
};

}  // namespace zt::runtime
