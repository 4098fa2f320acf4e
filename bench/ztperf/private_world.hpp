#pragma once
// A whole private ZeroTier network on this machine for ztperf: a root (the
// one root of a fresh planet, on 127.0.0.1) that is also the network's
// controller, run in this process as a `Service` without a stack, and the
// identities of the members, created and authorized before they start so
// that join-to-ready measures a pre-authorized member.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "service/service.hpp"

namespace ztperf {

struct NetworkSettings {
  unsigned mtu = 2800;  // the controller's default, what the demo network uses
  std::string pool_start = "10.77.0.1";
  std::string pool_end = "10.77.0.254";
  std::string route = "10.77.0.0/24";
};

class PrivateWorld {
 public:
  // Creates <dir>/root and its planet (<dir>/planet), starts the root and
  // creates the network. nullptr with *error on failure.
  static std::unique_ptr<PrivateWorld> create(const std::filesystem::path& dir,
                                              const NetworkSettings& settings,
                                              std::string* error);
  ~PrivateWorld();
  PrivateWorld(const PrivateWorld&) = delete;
  PrivateWorld& operator=(const PrivateWorld&) = delete;

  const std::filesystem::path& planet_file() const { return planet_file_; }
  std::uint64_t network_id() const { return network_id_; }

  // Makes <dir>/<name> with a new identity and authorizes it on the
  // network. Returns the home directory, or an empty path with *error.
  std::filesystem::path add_member(const std::string& name, std::string* error);

 private:
  PrivateWorld() = default;
  bool create_network(const NetworkSettings& settings, std::string* error);

  std::filesystem::path dir_;
  std::filesystem::path planet_file_;
  std::unique_ptr<zt::service::Service> root_;
  std::thread thread_;
  std::uint64_t network_id_ = 0;
};

}  // namespace ztperf
