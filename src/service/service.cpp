#include "service/service.hpp"

#include <cerrno>
#include <future>

#include "controller/controller_http.hpp"
#include "intercept/protocol.hpp"
#include "io/clock.hpp"
#include "io/poller.hpp"
#include "proto/hex.hpp"
#include "service/api_documents.hpp"
#include "service/dns_resolver.hpp"
#include "service/intercept_server.hpp"
#include "service/service_events.hpp"
#include "service/service_log.hpp"
#include "service/worlds.hpp"

namespace zt::service {
namespace {

// With --port 0 the API shares the UDP port's number, so a random UDP port
// whose TCP twin is taken is given back and another one tried.
constexpr int kRandomPortAttempts = 16;

std::string describe_world(const World& w) {
  std::string text = to_hex_u64(w.id, 16) + " (revision " + std::to_string(w.timestamp) + ")";
  for (const World::Root& root : w.roots) {
    text += "; root " + root.identity.address().to_string();
    for (const InetAddress& ep : root.stable_endpoints) text += " " + ep.to_string();
  }
  return text;
}

}  // namespace

std::unique_ptr<Service> Service::open(const ServiceOptions& options, std::string* error) {
  std::unique_ptr<Service> s(new Service());
  s->loop_ = io::EventLoop::create(error);
  if (!s->loop_) return nullptr;
  // Before any thread starts, so they all inherit the blocked mask.
  if (options.handle_signals &&
      !s->loop_->handle_signals({SIGINT, SIGTERM}, [raw = s.get()](int signo) {
        log_line(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") +
                 ", stopping");
        raw->loop_->stop();
      }, error))
    return nullptr;

  // Bad world files are the user's to fix: say so before a home directory
  // and identity get created for nothing.
  if (options.planet_file && !read_world_file(*options.planet_file, World::Type::kPlanet, error))
    return nullptr;
  for (const auto& moon : options.moon_files)
    if (!read_world_file(moon, World::Type::kMoon, error)) return nullptr;

  std::string why;
  s->home_ = io::HomeDir::open(options.home, &why);
  if (!s->home_) {
    if (error) *error = "cannot use home directory '" + options.home.string() + "': " + why;
    return nullptr;
  }
  if (s->home_->identity_created())
    log_line("generated a new identity " + s->home_->identity().address().to_string() + " in " +
             options.home.string());

  std::optional<StartingWorlds> worlds =
      gather_worlds(*s->home_, options.planet_file, options.moon_files, error);
  if (!worlds) return nullptr;
  for (const std::string& w : worlds->warnings) log_line("warning: " + w);

  std::optional<controller::Store> store =
      controller::Store::open(s->home_->path() / kControllerDir, log_line, &why);
  if (!store) {
    if (error) *error = "cannot open the controller's database: " + why;
    return nullptr;
  }
  s->controller_ =
      std::make_unique<controller::Controller>(s->home_->identity(), std::move(*store));

  if (options.stack != "none") {
    s->driver_ = stack::make_port_driver(options.stack, error);
    if (!s->driver_) return nullptr;
  }
  s->storage_ = std::make_unique<runtime::HomeStorage>(*s->home_, log_line);
  if (!s->open_node(options, worlds->planet, worlds->moons, error)) return nullptr;
  if (!s->open_programs_side(options, error)) return nullptr;
  s->write_port_file();
  s->log_startup(options, worlds->planet_origin);
  return s;
}

bool Service::open_node(const ServiceOptions& options, const World& planet,
                        const std::vector<World>& moons, std::string* error) {
  runtime::RuntimeOptions r;
  r.udp.primary_port = options.port;
  r.udp.secondary_port = options.secondary_port;
  r.udp.ipv6 = options.ipv6;
  r.node.allow_loopback_paths = options.allow_loopback_paths;
  r.rejoin_stored_networks = true;
  r.controller = controller_.get();
  const bool coupled = !options.api_port.has_value();
  const int attempts = coupled && options.port == 0 ? kRandomPortAttempts : 1;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    std::string why;
    runtime_ = runtime::NodeRuntime::open(
        *loop_, home_->identity(), planet, moons, *storage_, driver_.get(), r,
        [this](const NodeEvent& e) { on_node_event(e); }, log_line, &why);
    if (!runtime_) {
      if (error) *error = why;
      return false;
    }
    udp_port_ = runtime_->transport().primary_port();
    const std::uint16_t api_port = coupled ? udp_port_ : *options.api_port;
    if (api_port == 0) return true;
    api_ = ApiServer::start(api_port, home_->auth_token(), *this, &why);
    if (api_) return true;
    runtime_.reset();
    if (attempt == attempts) {
      if (error) *error = why;
      return false;
    }
  }
  return false;
}

bool Service::open_programs_side(const ServiceOptions& options, std::string* error) {
  if (!driver_ || driver_->name() != "lwip") return true;
  refresh_virtual_networks();
  if (!options.intercept && options.socks.port == 0) return true;
  poller_ = io::Poller::start("ztsdk-programs", error);
  if (!poller_) return false;
  resolver_ = std::make_unique<DnsResolver>(*poller_, virtual_networks_);
  if (options.intercept) {
    intercept_ = InterceptServer::start(*poller_, home_->path() / intercept::kSocketFileName,
                                        virtual_networks_, resolver_.get(), log_line, error);
    if (!intercept_) return false;
  }
  if (options.socks.port != 0) {
    std::string why;
    int error_number = 0;
    socks_ = Socks5Server::start(*poller_, options.socks, virtual_networks_, resolver_.get(), log_line,
                                 &why, &error_number);
    if (!socks_ && error_number == EADDRINUSE)
      log_line("SOCKS5: port " + std::to_string(options.socks.port) + " on " + options.socks.address +
               " is taken; running without SOCKS5 (choose another with --socks-port, 0 turns it off)");
    else if (!socks_)
      log_line("SOCKS5: " + why + "; running without SOCKS5");
  }
  return true;
}

// Programs' sockets first (they hold lwIP connections), then the
// resolver on its own thread (its pending answers find their queries gone),
// then the thread.
void Service::close_programs_side() {
  socks_.reset();
  intercept_.reset();
  if (poller_ && resolver_) {
    std::promise<void> done;
    poller_->post([this, &done] {
      resolver_.reset();
      done.set_value();
    });
    done.get_future().wait();
  }
  poller_.reset();
  resolver_.reset();
}

std::optional<ProgramsSideSnapshot> Service::programs_side() {
  if (!intercept_ && !socks_) return std::nullopt;
  ProgramsSideSnapshot p;
  if (intercept_) {
    p.control_socket = intercept_->socket_path().string();
    p.open_sockets = intercept_->open_sockets();
  }
  p.socks_port = socks_port();
  return p;
}

void Service::refresh_virtual_networks() {
  virtual_networks_->set(VirtualNetworks::from(node().networks()));
}

Service::~Service() {
  waiters_.cancel_all();
  socks_.reset();  // no new connections from programs
  intercept_.reset();
  api_.reset();
  if (home_ && runtime_) {
    std::string why;
    if (!home_->erase(kPortFile, &why)) log_line("cannot remove " + std::string(kPortFile) + ": " + why);
  }
  // The networks' interfaces go before the poller: removing one aborts the
  // relayed connections still on it, and their relays finish on the poller.
  runtime_.reset();
  close_programs_side();
}

bool Service::run() {
  if (!stopped_.load()) loop_->run();
  stopped_.store(true);
  return !fatal_.load();
}

void Service::stop() { loop_->stop(); }

void Service::on_node_event(const NodeEvent& event) {
  // Echo replies answer someone's ping: not news worth a log line.
  if (event.type != NodeEventType::kEchoReply) log_line(describe_event(event));
  if (event.type == NodeEventType::kNetworkStatus)
    loop_->post([this] { refresh_virtual_networks(); });  // once the engine has returned
  if (event.type == NodeEventType::kIdentityCollision) {
    fatal_.store(true);
    loop_->stop();
    return;
  }
  if (event.type != NodeEventType::kEchoReply) return;
  const std::optional<std::int64_t> started = waiters_.started_ns(event.echo_id);
  if (!started) return;
  EchoReply reply;
  reply.rtt_ms = static_cast<double>(io::monotonic_ns() - *started) / 1e6;
  reply.via_relay = event.via_relay;
  reply.endpoint = event.endpoint;
  if (!reply.via_relay) {
    waiters_.complete(event.echo_id, reply);
    return;
  }
  // Naming the relay reads the peer table; do it once the engine has
  // returned rather than from inside its callback.
  loop_->post([this, id = event.echo_id, reply]() mutable {
    reply.relay = relay_at(reply.endpoint);
    waiters_.complete(id, reply);
  });
}

Address Service::relay_at(const InetAddress& endpoint) const {
  for (const PeerInfo& peer : node().peers(io::now_ms())) {
    if (peer.role == PeerRole::kLeaf) continue;
    for (const PathInfo& path : peer.paths)
      if (path.address == endpoint) return peer.address;
  }
  return Address();
}

void Service::write_port_file() {
  const std::uint16_t port = api_port();
  std::string why;
  if (port == 0) {
    home_->erase(kPortFile, &why);
    return;
  }
  const std::string text = std::to_string(port);
  if (!home_->store(kPortFile, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                    &why))
    log_line("warning: cannot write " + std::string(kPortFile) + ": " + why);
}

void Service::log_startup(const ServiceOptions& options, const std::string& planet_origin) const {
  log_line("ztsdk service " + std::string(kVersionString) + "-compatible, address " +
           home_->identity().address().to_string() + ", home " + options.home.string());
  const World& planet = node().planet();
  if (planet.is_null())
    log_line("no planet: starting with an empty world (no roots). Give one with --planet FILE "
             "or put it in the home directory as 'planet'; there is no built-in one usable offline");
  else
    log_line("planet " + describe_world(planet) + " from " + planet_origin);
  for (const World& moon : node().moons()) log_line("moon " + describe_world(moon));
  if (node().is_root()) log_line("acting as root: this identity is a root of the planet or a moon");
  if (driver_ && driver_->name() == "tap")
    log_line("stack tap: each joined network is a kernel tap device (zt...); programs use the "
             "kernel's sockets directly, so the intercept library and SOCKS5 are not needed");
  std::string ports = "UDP port " + std::to_string(runtime_->transport().primary_port());
  if (runtime_->transport().secondary_port())
    ports += ", secondary " + std::to_string(*runtime_->transport().secondary_port());
  ports += runtime_->transport().has_ipv6() ? " (IPv4 and IPv6)" : " (IPv4)";
  log_line(ports);
  log_line(api_ ? "local API on http://127.0.0.1:" + std::to_string(api_->port())
                : std::string("local API disabled"));
  log_line(std::string("loopback paths ") + (options.allow_loopback_paths ? "allowed" : "refused"));
  if (intercept_)
    log_line("intercept: programs run with LD_PRELOAD=libztintercept.so ZTS_SERVICE=" +
             home_->path().string() + " reach the joined networks (control socket " +
             intercept_->socket_path().string() + ")");
  if (socks_) {
    std::string how = options.socks.credentials ? "username/password" : "no authentication";
    if (!options.socks.allow_remote) how += ", loopback clients only";
    how += options.socks.pass_through ? ", other destinations passed through"
                                      : ", virtual networks only";
    log_line("SOCKS5 on " + options.socks.address + ":" + std::to_string(socks_->port()) + " (" +
             how + ")");
  }
  log_line("controller for networks " + home_->identity().address().to_string() + "xxxxxx: " +
           std::to_string(controller_->store().network_ids().size()) + " network(s) in " +
           (home_->path() / kControllerDir).string());
}

std::optional<StatusSnapshot> Service::status() {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this] {
        const std::int64_t now = io::now_ms();
        StatusSnapshot s;
        s.address = node().identity().address();
        s.public_identity = node().identity().to_string(false);
        s.online = node().online(now);
        s.root = node().is_root();
        s.clock = now;
        s.planet_id = node().planet().id;
        s.planet_timestamp = node().planet().timestamp;
        for (const World& moon : node().moons()) s.moon_ids.push_back(moon.id);
        s.primary_port = runtime_->transport().primary_port();
        s.secondary_port = runtime_->transport().secondary_port().value_or(0);
        s.home_dir = home_->path().string();
        for (const auto& socket : runtime_->transport().sockets())
          s.listening_on.push_back(
              (socket.family == InetAddress::Family::kV6 ? "::/" : "0.0.0.0/") +
              std::to_string(socket.port));
        s.counters = node().counters();
        s.vl2_counters = node().vl2_counters();
        return s;
      },
      kLoopAnswerTimeout);
}

std::optional<PeersSnapshot> Service::peers(std::optional<Address> only) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this, only] {
        const std::int64_t now = io::now_ms();
        PeersSnapshot s;
        if (only) {
          if (std::optional<PeerInfo> p = node().peer(*only, now)) s.peers.push_back(*p);
        } else {
          s.peers = node().peers(now);
        }
        for (const auto& socket : runtime_->transport().sockets()) s.local_ports[socket.id] = socket.port;
        return s;
      },
      kLoopAnswerTimeout);
}

std::optional<ControllerReply> Service::controller_api(const ControllerCall& call) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this, &call] {
        const controller::HttpReply r = controller::handle_controller_http(
            *controller_, call.method, call.path, call.body, io::now_ms());
        return ControllerReply{r.status, r.body};
      },
      kLoopAnswerTimeout);
}

PingOutcome Service::ping(Address to, std::chrono::milliseconds timeout) {
  PingOutcome out;
  if (stopped_.load()) return out;  // kUnavailable
  if (to == home_->identity().address()) {
    out.kind = PingOutcome::Kind::kRefused;
    out.message = "cannot ping this node's own address";
    return out;
  }
  struct Sent {
    std::uint64_t id;
    std::future<EchoWaiters::Result> reply;
  };
  std::optional<Sent> sent = loop_->run_sync(
      [this, to] {
        const std::int64_t started = io::monotonic_ns();
        const std::uint64_t id = node().echo(io::now_ms(), to);
        return Sent{id, waiters_.add(id, started)};
      },
      kLoopAnswerTimeout);
  if (!sent) return out;  // kUnavailable
  // The wait is here, on the HTTP thread; the loop carries on meanwhile.
  if (sent->reply.wait_for(timeout) != std::future_status::ready) {
    waiters_.cancel(sent->id);
    out.kind = PingOutcome::Kind::kTimeout;
    return out;
  }
  EchoWaiters::Result result = sent->reply.get();
  if (!result) return out;  // cancelled: the service is stopping
  out.kind = PingOutcome::Kind::kReply;
  out.reply = *result;
  return out;
}

NetworkView Service::view_of(const NetworkInfo& info) const {
  NetworkView v;
  v.info = info;
  if (driver_) v.port_device = std::string(driver_->name());
  if (std::optional<std::string> why = runtime_->port_error(info.id)) v.port_error = *why;
  return v;
}

std::optional<std::vector<NetworkView>> Service::networks(std::optional<std::uint64_t> only) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this, only] {
        std::vector<NetworkView> out;
        if (only) {
          if (std::optional<NetworkInfo> n = node().network(*only)) out.push_back(view_of(*n));
        } else {
          for (const NetworkInfo& n : node().networks()) out.push_back(view_of(n));
        }
        return out;
      },
      kLoopAnswerTimeout);
}

std::optional<NetworkView> Service::join(std::uint64_t network_id) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this, network_id] {
        node().join(io::now_ms(), network_id);
        refresh_virtual_networks();
        std::optional<NetworkInfo> n = node().network(network_id);
        NetworkInfo info;
        info.id = network_id;
        return view_of(n ? *n : info);
      },
      kLoopAnswerTimeout);
}

std::optional<bool> Service::leave(std::uint64_t network_id) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [this, network_id] {
        const bool left = node().leave(io::now_ms(), network_id);
        refresh_virtual_networks();
        return left;
      },
      kLoopAnswerTimeout);
}

std::optional<bool> Service::inject_frame(std::uint64_t network_id, const Bytes& frame) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync(
      [&] { return node().network(network_id).has_value() && runtime_->inject_frame(network_id, frame); },
      kLoopAnswerTimeout);
}

std::optional<std::vector<runtime::CapturedFrame>> Service::captured_frames(
    std::uint64_t network_id, std::uint64_t since) {
  if (stopped_.load()) return std::nullopt;
  return loop_->run_sync([&] { return runtime_->captured(network_id, since); }, kLoopAnswerTimeout);
}

}  // namespace zt::service
