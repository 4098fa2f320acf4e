#pragma once
// ztperf's start-up of a node inside this process: an event loop on a
// thread of its own, a NodeRuntime on it with the lwIP port driver, and one
// joined network whose port is an lwIP interface, so the zts_bsd_* sockets
// of this process reach the network. This is the only part of ztperf that
// knows how a node is started: once the public API has zts_node_start /
// zts_net_join, this file becomes a few calls to it and nothing else moves.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "io/event_loop.hpp"
#include "io/home_dir.hpp"
#include "proto/inet_address.hpp"
#include "runtime/node_runtime.hpp"
#include "runtime/storage.hpp"
#include "stack/port_driver.hpp"

namespace ztperf {

struct EmbeddedNodeOptions {
  std::filesystem::path home;  // holds identity.secret
  std::filesystem::path planet_file;
  std::uint64_t network_id = 0;
  std::size_t loopback_mtu = 0;  // 0: the engine's default
};

// Monotonic nanoseconds, the clock of every ztperf timing.
std::int64_t now_ns();

class EmbeddedNode {
 public:
  // Starts the node and joins the network. nullptr with *error on failure.
  static std::unique_ptr<EmbeddedNode> start(const EmbeddedNodeOptions& options,
                                             std::string* error);
  ~EmbeddedNode();
  EmbeddedNode(const EmbeddedNode&) = delete;
  EmbeddedNode& operator=(const EmbeddedNode&) = delete;

  // Waits until the network's port has an IPv4 address; nullopt on timeout.
  std::optional<zt::InetAddress> wait_for_ipv4(std::chrono::milliseconds timeout);

  // now_ns() when start() began, when a root first answered and when the
  // port got its address (0 if not yet).
  std::int64_t started_ns() const { return started_ns_; }
  std::int64_t online_ns() const;
  std::int64_t ready_ns() const;
  // How often the node's loop thread has woken up.
  std::uint64_t loop_wakeups() const { return loop_->wakeups(); }
  // The runtime's queue of frames from the stack (used while the loop is
  // busy): frames dropped because it was full, and its largest backlog.
  struct QueueStats {
    std::uint64_t dropped = 0;
    std::size_t peak_bytes = 0;
  };
  QueueStats queue_stats() const;

 private:
  EmbeddedNode() = default;
  void on_event(const zt::NodeEvent& event);
  void check_ready();

  EmbeddedNodeOptions options_;
  std::int64_t started_ns_ = 0;
  std::unique_ptr<zt::io::EventLoop> loop_;
  std::optional<zt::io::HomeDir> home_;
  std::unique_ptr<zt::runtime::HomeStorage> storage_;
  std::unique_ptr<zt::stack::PortDriver> driver_;
  std::unique_ptr<zt::runtime::NodeRuntime> runtime_;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t online_ns_ = 0;
  std::int64_t ready_ns_ = 0;
  std::optional<zt::InetAddress> ipv4_;
};

}  // namespace ztperf
