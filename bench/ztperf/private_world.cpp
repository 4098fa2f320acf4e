#include "private_world.hpp"

#include <nlohmann/json.hpp>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/home_dir.hpp"
#include "io/udp_socket.hpp"
#include "proto/hex.hpp"
#include "proto/world.hpp"

namespace ztperf {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using zt::service::ControllerCall;

bool fail(std::string* error, const std::string& why) {
  if (error) *error = why;
  return false;
}

// A free UDP port on this host (the root's address has to be in the planet
// before the root starts).
std::uint16_t free_udp_port() {
  auto probe = zt::io::UdpSocket::open(zt::InetAddress::Family::kV4, 0);
  return probe ? probe->port() : 0;
}

bool write_planet(const fs::path& file, const zt::Identity& root, std::uint16_t port) {
  const zt::crypto::C25519KeyPair signer = zt::crypto::c25519_generate();
  zt::World w;
  w.type = zt::World::Type::kPlanet;
  w.id = 0x7a7470657266;  // "ztperf"
  w.timestamp = 1;
  w.updates_must_be_signed_by = signer.pub;
  w.roots.push_back({root.public_only(),
                     {*zt::InetAddress::from_string("127.0.0.1/" + std::to_string(port))}});
  w.sign(signer);
  return zt::io::write_file_atomic(file, w.to_bytes(), 0644);
}

}  // namespace

std::unique_ptr<PrivateWorld> PrivateWorld::create(const fs::path& dir,
                                                   const NetworkSettings& settings,
                                                   std::string* error) {
  std::unique_ptr<PrivateWorld> w(new PrivateWorld());
  w->dir_ = dir;
  std::optional<zt::io::HomeDir> home = zt::io::HomeDir::open(dir / "root", error);
  if (!home) return nullptr;
  const std::uint16_t port = free_udp_port();
  w->planet_file_ = dir / "planet";
  if (port == 0 || !write_planet(w->planet_file_, home->identity(), port)) {
    fail(error, "cannot make the private planet in " + dir.string());
    return nullptr;
  }
  zt::service::ServiceOptions o;
  o.home = dir / "root";
  o.port = port;
  o.planet_file = w->planet_file_;
  o.api_port = 0;
  o.ipv6 = false;
  o.handle_signals = false;
  o.stack = "none";
  w->root_ = zt::service::Service::open(o, error);
  if (!w->root_) return nullptr;
  w->thread_ = std::thread([raw = w->root_.get()] { raw->run(); });
  if (!w->create_network(settings, error)) return nullptr;
  return w;
}

PrivateWorld::~PrivateWorld() {
  if (thread_.joinable()) {
    root_->stop();
    thread_.join();
  }
}

bool PrivateWorld::create_network(const NetworkSettings& s, std::string* error) {
  const json body = {
      {"name", "ztperf"},
      {"private", true},
      {"mtu", s.mtu},
      {"v4AssignMode", {{"zt", true}}},
      {"ipAssignmentPools", {{{"ipRangeStart", s.pool_start}, {"ipRangeEnd", s.pool_end}}}},
      {"routes", {{{"target", s.route}}}},
  };
  const std::string path =
      "/controller/network/" + root_->home().identity().address().to_string() + "______";
  const auto reply = root_->controller_api(ControllerCall{"POST", path, body.dump()});
  if (!reply || reply->status != 200) return fail(error, "the controller did not create the network");
  const json doc = json::parse(reply->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("id") || !doc["id"].is_string())
    return fail(error, "the controller's answer has no network id");
  const std::optional<std::uint64_t> id = zt::parse_hex_u64(doc["id"].get<std::string>());
  if (!id) return fail(error, "the controller's network id is not hex");
  network_id_ = *id;
  return true;
}

fs::path PrivateWorld::add_member(const std::string& name, std::string* error) {
  std::optional<zt::io::HomeDir> home = zt::io::HomeDir::open(dir_ / name, error);
  if (!home) return {};
  const std::string path = "/controller/network/" + zt::to_hex_u64(network_id_, 16) + "/member/" +
                           home->identity().address().to_string();
  const auto reply =
      root_->controller_api(ControllerCall{"POST", path, json{{"authorized", true}}.dump()});
  if (!reply || reply->status != 200) {
    fail(error, "the controller did not authorize " + name);
    return {};
  }
  return home->path();
}

}  // namespace ztperf
