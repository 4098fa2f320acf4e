#pragma once
// The host process around the VL1 engine: home directory, planet and moons,
// UDP transport, the Node driven from one event loop (datagrams, and one
// timer at the engine's next deadline), the local HTTP API, and the
// network controller for networks whose id starts with our address (its
// records in <home>/controller.d/).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/controller.hpp"
#include "io/event_loop.hpp"
#include "io/home_dir.hpp"
#include "io/udp_transport.hpp"
#include "node/node.hpp"
#include "service/api_backend.hpp"
#include "service/api_server.hpp"
#include "service/echo_waiters.hpp"
#include "runtime/node_runtime.hpp"
#include "runtime/storage.hpp"
#include "stack/port_driver.hpp"
#include "service/socks5_server.hpp"
#include "service/virtual_networks.hpp"

namespace zt::io {
class Poller;
}

namespace zt::service {

class DnsResolver;
class InterceptServer;

struct ServiceOptions {
  std::filesystem::path home;
  std::uint16_t port = 9993;  // UDP; 0 picks a free one
  std::optional<std::uint16_t> secondary_port;
  std::optional<std::filesystem::path> planet_file;
  std::vector<std::filesystem::path> moon_files;
  // TCP port of the local API on 127.0.0.1: by default the UDP port's
  // number, as upstream does; 0 turns the API off.
  std::optional<std::uint16_t> api_port;
  bool allow_loopback_paths = true;
  bool ipv6 = true;
  // SIGINT/SIGTERM end run(). Off for a service run inside another program.
  bool handle_signals = true;
  // What serves joined networks' ports: a PortDriver name ("lwip"), or
  // "none" for a node that only carries VL1/VL2 (a root, a controller).
  std::string stack = "lwip";
  // The control socket for libztintercept.so (<home>/intercept.sock);
  // only with the lwip stack, whose sockets it hands out.
  bool intercept = true;
  // SOCKS5 on socks.address:socks.port (0 turns it off); only with the
  // lwip stack. A port already taken is logged and the service runs on.
  Socks5Options socks;
};

class Service final : public ApiBackend {
 public:
  // Upstream's name for the file that tells local tools the port.
  static constexpr char kPortFile[] = "zerotier-one.port";
  // The controller's file database, inside the home directory.
  static constexpr char kControllerDir[] = "controller.d";
  // How long an API request waits for the loop thread to take it.
  static constexpr std::chrono::milliseconds kLoopAnswerTimeout{2000};

  // Opens everything and starts the API thread; the node runs in run().
  // nullptr with *error (one line a user can act on) on failure.
  static std::unique_ptr<Service> open(const ServiceOptions& options, std::string* error);
  ~Service() override;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Runs the node until a signal or stop(), once. False if it stopped
  // because of a fatal event (another node holds our address).
  bool run();
  // Any thread.
  void stop();

  const io::HomeDir& home() const { return *home_; }
  std::uint16_t udp_port() const { return udp_port_; }
  std::uint16_t api_port() const { return api_ ? api_->port() : 0; }
  // 0 when SOCKS5 is off (or its port was taken).
  std::uint16_t socks_port() const { return socks_ ? socks_->port() : 0; }

  std::optional<StatusSnapshot> status() override;
  std::optional<PeersSnapshot> peers(std::optional<Address> only) override;
  PingOutcome ping(Address to, std::chrono::milliseconds timeout) override;
  std::optional<ControllerReply> controller_api(const ControllerCall& call) override;
  std::optional<std::vector<NetworkView>> networks(std::optional<std::uint64_t> only) override;
  std::optional<NetworkView> join(std::uint64_t network_id) override;
  std::optional<bool> leave(std::uint64_t network_id) override;
  std::optional<bool> inject_frame(std::uint64_t network_id, const Bytes& frame) override;
  std::optional<ProgramsSideSnapshot> programs_side() override;
  std::optional<std::vector<runtime::CapturedFrame>> captured_frames(std::uint64_t network_id,
                                                                     std::uint64_t since) override;

 private:
  Service() = default;
  bool open_node(const ServiceOptions& options, const World& planet,
                 const std::vector<World>& moons, std::string* error);
  void on_node_event(const NodeEvent& event);
  NetworkView view_of(const NetworkInfo& info) const;
  Address relay_at(const InetAddress& endpoint) const;
  void write_port_file();
  void log_startup(const ServiceOptions& options, const std::string& planet_origin) const;
  // The intercept (and SOCKS5) side: a poller thread, the DNS resolver and
  // the control socket. Only with the lwip stack.
  bool open_programs_side(const ServiceOptions& options, std::string* error);
  void close_programs_side();
  // Loop thread: what the joined networks make virtual, for that side.
  void refresh_virtual_networks();

  Node& node() { return runtime_->node(); }
  const Node& node() const { return runtime_->node(); }

  std::unique_ptr<io::EventLoop> loop_;
  std::optional<io::HomeDir> home_;
  std::unique_ptr<runtime::HomeStorage> storage_;
  std::unique_ptr<stack::PortDriver> driver_;
  // Before runtime_: the node refers to it, so it must be destroyed after.
  std::unique_ptr<controller::Controller> controller_;
  std::unique_ptr<runtime::NodeRuntime> runtime_;
  std::unique_ptr<ApiServer> api_;
  std::shared_ptr<VirtualNetworksView> virtual_networks_ = std::make_shared<VirtualNetworksView>();
  std::unique_ptr<io::Poller> poller_;
  std::unique_ptr<DnsResolver> resolver_;
  std::unique_ptr<InterceptServer> intercept_;
  std::unique_ptr<Socks5Server> socks_;
  EchoWaiters waiters_;
  std::uint16_t udp_port_ = 0;
  std::atomic<bool> fatal_{false};
  // Set once run() has returned: API calls then fail at once instead of
  // waiting for a loop that will not run again.
  std::atomic<bool> stopped_{false};
};

}  // namespace zt::service
