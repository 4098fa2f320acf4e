#pragma once
// Building blocks for simulated-network scenarios: the vector identities,
// a planet for one root, a world of SimHosts on one Network, and the
// questions scenarios ask of a node (is the path to X direct? did the echo
// come back?).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/sim_network.hpp"
#include "sim/sim_node.hpp"

namespace zt::sim {

// Clocks start here: a real host passes milliseconds since 1970.
inline constexpr Time kEpoch = 1'700'000'000'000;

// identities[index] of vl1.json with its secret key: 0 = A, 1 = B, 2 = R.
const Identity& vector_identity(std::size_t index);

// Parses "ip/port"; fails the running test on bad text.
InetAddress ep(std::string_view text);

// A planet whose one root is `root` at `endpoints`, signed by a fixed key,
// so a later `revision` is a valid update of an earlier one.
World make_planet(const Identity& root, const std::vector<InetAddress>& endpoints,
                  std::uint64_t revision = 1);

class Scenario {
 public:
  // `link` is every link's default (Network::set_default_link).
  explicit Scenario(std::uint64_t seed, const LinkParams& link = {});

  Network& net() { return net_; }
  Time now() const { return net_.now(); }

  // The root (identity R) at `endpoint`; the planet every later node gets.
  SimHost& add_root(const InetAddress& endpoint, NatId behind = kPublic);
  SimHost& add_node(std::string name, const Identity& identity,
                    std::vector<InetAddress> endpoints, NatId behind = kPublic,
                    NodeOptions options = {});
  const World& planet() const { return planet_; }
  // The planet nodes added from now on start with.
  void set_planet(const World& planet) { planet_ = planet; }

  void run_for(Time duration) { net_.clock().run_for(duration); }
  // Runs until `done()` or `within` ms of virtual time have passed.
  bool run_until(const std::function<bool()>& done, Time within) {
    return net_.clock().run_until(now() + within, done);
  }
  // Sends an ECHO and runs until its reply arrives (or `within` passes).
  std::optional<NodeEvent> echo(SimHost& from, const SimHost& to, Time within = 5000);
  // Background traffic: `from` echoes `to` every `period` ms (while it
  // runs) until `active` is cleared; `ids` lists what was sent.
  struct EchoLoop {
    bool active = true;
    std::vector<std::uint64_t> ids;
  };
  std::shared_ptr<EchoLoop> keep_echoing(SimHost& from, const SimHost& to, Time period);
  // Ends the loops and lets their last echoes settle for a second (so a
  // test's own ECHO is not held to the per-path reply rate by theirs).
  void stop_echoing(const std::vector<std::shared_ptr<EchoLoop>>& loops);

  // Every wire event, kept for failure messages (see timeline()).
  void record_wire(bool on);
  // The last `max` wire events, one per line.
  std::string timeline(std::size_t max = 60) const;

 private:
  Network net_;
  std::uint64_t seed_;
  World planet_;
  std::vector<std::unique_ptr<SimHost>> hosts_;
  std::vector<std::string> wire_log_;
};

// The path `at` of `from`'s peer `to`, if it has one.
std::optional<PathInfo> path_to(const SimHost& from, const SimHost& to, const InetAddress& at);
// `from` reaches `to` directly over `at`: that path is active and preferred.
bool direct_over(const SimHost& from, const SimHost& to, const InetAddress& at);
// `from` sends to `to` over `at` (preferred, not expired) though it may not
// have heard on it lately.
bool preferred_over(const SimHost& from, const SimHost& to, const InetAddress& at);
// `from` has some active direct path to `to`.
bool has_direct(const SimHost& from, const SimHost& to);

// Peers, paths and non-zero counters of a node, for failure messages.
std::string describe(const SimHost& host);

}  // namespace zt::sim
