#pragma once
// One run of the zts_ node, from zts_node_start to zts_node_stop. On a
// thread of its own it opens the storage, the identity, the planet, an
// EventLoop and a NodeRuntime whose ports are lwIP interfaces, then runs
// the loop. It turns what the engine and the ports report into zts_
// events, and publishes a little state (online, which networks are ready)
// that application threads wait on with condition variables. Application
// threads reach the engine only through call(), on the loop thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "api/app_storage.hpp"
#include "api/event_dispatcher.hpp"
#include "api/observed_port.hpp"
#include "io/event_loop.hpp"
#include "proto/identity.hpp"
#include "proto/world.hpp"
#include "runtime/node_runtime.hpp"

namespace zt::api {

// What the zts_init_* functions set.
struct StartOptions {
  std::optional<std::filesystem::path> storage_path;
  std::optional<Identity> identity;         // zts_init_from_memory
  std::optional<World> roots;               // zts_init_set_roots
  std::uint16_t port = 0;                   // 0: random from the range below
  std::uint16_t random_port_first = 20000;  // libzt's defaults
  std::uint16_t random_port_last = 45500;
  bool secondary_port = true;
  CacheFlags cache;
};

// A joined network as application calls see it.
struct NetworkState {
  NetworkInfo info;
  bool port_error = false;
  std::vector<InetAddress> interface_addresses;  // what lwIP holds
  // Config OK and at least one address on the interface.
  bool ready() const;
};

class NodeSession final : private PortObserver {
 public:
  // How long an application call waits for the loop thread to take it.
  static constexpr std::chrono::milliseconds kCallTimeout{2000};

  NodeSession(StartOptions options, EventDispatcher& events);
  ~NodeSession() override;
  NodeSession(const NodeSession&) = delete;
  NodeSession& operator=(const NodeSession&) = delete;

  // The node thread's body; returns once the node has stopped (or failed
  // to start, saying why on stderr).
  void run();
  // Any thread: makes run() return soon: once the stack has delivered the
  // TCP data already written (acknowledged, FINs included), or after
  // kStopLinger. Application calls are refused from now on.
  void stop();
  static constexpr std::int64_t kStopLingerMs = 1000;

  // Any thread. Waits while the node starts; true if it is running.
  bool wait_running(std::chrono::milliseconds timeout) const;
  // run() has ended, or is ending.
  bool finished() const;

  enum class Wait { kDone, kTimeout, kStopped };
  // Any thread, without polling; a negative timeout waits for ever.
  Wait wait_online(std::chrono::milliseconds timeout) const;
  // family: ZTS_AF_INET, ZTS_AF_INET6 or ZTS_AF_UNSPEC (either).
  Wait wait_ready(std::uint64_t network_id, int family, std::chrono::milliseconds timeout) const;

  // Fixed once running.
  const Identity& identity() const { return identity_; }
  std::uint16_t primary_port() const { return primary_port_; }

  // Runs fn on the loop thread; nullopt (false for void) if the loop did
  // not take it in time, which happens only when the node is stopping.
  // Only once wait_running() said true.
  template <typename F>
  auto call(F&& fn) {
    return loop_->run_sync(std::forward<F>(fn), kCallTimeout);
  }

  // Loop thread only (inside call()).
  bool join(std::uint64_t network_id);
  bool leave(std::uint64_t network_id);
  bool online() const;
  std::optional<NetworkState> network(std::uint64_t network_id) const;
  // The events a newly set handler gets first: the current state.
  std::vector<ApiEvent> current_state() const;

 private:
  struct Tracked {
    std::optional<NetworkInfo> info;  // last seen from the engine
    bool status_reported = false;
    NetworkStatus status = NetworkStatus::kRequestingConfiguration;
    std::uint64_t revision = 0;
    bool port_open = false;
    PortView port;
    bool ready4 = false, ready6 = false, ready_both = false;
  };
  struct Published {
    bool ok = false, has4 = false, has6 = false;
  };
  enum class Phase { kStarting, kRunning, kEnded };

  bool open(std::string* error);
  bool open_runtime(const World& planet, const std::vector<World>& moons, std::string* error);
  std::optional<std::pair<std::uint16_t, std::uint16_t>> remembered_ports() const;
  void remember_ports();
  void begin_linger();
  void teardown();
  void set_phase(Phase phase);

  void on_node_event(const NodeEvent& event);
  void before_wait();
  void update_network(std::uint64_t network_id);
  void emit(int code, decltype(ApiEvent::facts) facts);
  NodeFacts node_facts() const;
  NetworkFacts network_facts(std::uint64_t network_id, const NetworkInfo& info) const;
  void publish(std::uint64_t network_id, const Tracked* t);

  // PortObserver
  void port_opened(std::uint64_t network_id, const PortView& view) override;
  void port_addresses(std::uint64_t network_id, const std::vector<InetAddress>& now) override;
  void port_closed(std::uint64_t network_id) override;

  StartOptions options_;
  EventDispatcher& events_;

  // Guards phase_, stop_requested_ and loop_'s creation.
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  Phase phase_ = Phase::kStarting;
  bool stop_requested_ = false;
  bool online_ = false;
  std::map<std::uint64_t, Published> published_;

  // Owned by the node thread; destroyed in reverse: the runtime first.
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<AppStorage> storage_;
  std::unique_ptr<stack::PortDriver> driver_;
  std::unique_ptr<runtime::NodeRuntime> runtime_;
  Identity identity_;
  std::uint16_t primary_port_ = 0;
  std::uint16_t secondary_port_ = 0;
  std::uint64_t hook_ = 0;

  // Loop thread.
  bool started_ = false;    // NODE_UP sent; events before it wait in early_
  bool lingering_ = false;  // stopping once TCP output is delivered
  std::vector<ApiEvent> early_;
  std::map<std::uint64_t, Tracked> networks_;
  std::set<std::uint64_t> dirty_;
  std::vector<std::pair<int, Address>> peer_news_;
};

}  // namespace zt::api
