#pragma once
// An in-memory UDP wire for tests: hosts with IP endpoints, optionally
// behind NATs, and links that lose, delay, reorder and duplicate datagrams.
// One seeded PRNG decides every fate, so a run with the same seed and the
// same inputs is the same run.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "node/node_host.hpp"
#include "proto/inet_address.hpp"
#include "sim/sim_clock.hpp"
#include "sim/sim_nat.hpp"

namespace zt::sim {

using HostId = std::size_t;
using NatId = std::size_t;
inline constexpr NatId kPublic = std::numeric_limits<NatId>::max();  // not behind a NAT
inline constexpr HostId kNoHost = std::numeric_limits<HostId>::max();
// A datagram sent with this TTL or less (and > 0) dies after its first NAT
// hop: enough to open the sender's own NAT, never enough to reach a far one.
inline constexpr unsigned kShortTtl = 2;

struct LinkParams {
  double loss = 0.0;            // probability a datagram is lost
  Time latency = 5;             // one-way base delay, ms
  Time jitter = 0;              // plus a uniform 0..jitter ms
  double reorder = 0.0;         // probability a datagram is held back...
  Time reorder_delay = 30;      // ...by this much more, so later ones overtake it
  double duplicate = 0.0;       // probability a second copy (own delay) is delivered
};

// Whatever sits on a host's sockets: a SimHost, or a plain recorder in tests.
class Receiver {
 public:
  virtual ~Receiver() = default;
  virtual void on_receive(Time now, LocalSocket socket, const InetAddress& from,
                          std::span<const std::uint8_t> data) = 0;
};

struct WireCounters {
  std::uint64_t sent = 0;        // datagrams handed to send()
  std::uint64_t delivered = 0;   // copies handed to a receiver
  std::uint64_t lost = 0;        // random loss
  std::uint64_t link_down = 0;   // link or host down (at send or arrival)
  std::uint64_t no_route = 0;    // nobody has that address (any more)
  std::uint64_t nat_filtered = 0;
  std::uint64_t ttl_expired = 0;
  std::uint64_t duplicated = 0;  // extra copies created
  std::uint64_t reordered = 0;   // datagrams held back
};

struct WireEvent {
  enum class Kind { kSend, kDeliver, kDrop };
  Time at = 0;
  Kind kind = Kind::kSend;
  const char* reason = "";  // kDrop: why
  HostId from = kNoHost, to = kNoHost;
  InetAddress source, destination;  // as seen on the wire at that point
  std::size_t bytes = 0;
  unsigned ttl = 0;
  bool duplicate = false;  // the extra copy made by LinkParams::duplicate
  std::string to_string() const;
};

class Network {
 public:
  // The clock starts at `start` (real hosts pass wall-clock milliseconds).
  explicit Network(std::uint64_t seed, Time start = 0);

  EventQueue& clock() { return clock_; }
  Time now() const { return clock_.now(); }
  // Uniform in [0, 1); every random fate of the wire comes from here.
  double random_unit();
  std::uint64_t random_u64() { return rng_(); }

  NatId add_nat(const InetAddress& public_ip, NatType type, Time mapping_timeout = 0);
  Nat& nat(NatId id) { return nats_.at(id); }
  // Each endpoint is one socket; its index is the LocalSocket id.
  HostId add_host(std::string name, std::vector<InetAddress> endpoints, NatId behind = kPublic);
  const std::string& name(HostId h) const { return hosts_.at(h).name; }
  const std::vector<InetAddress>& endpoints(HostId h) const { return hosts_.at(h).endpoints; }
  // Rebinds a socket: datagrams in flight to the old address are lost.
  void set_endpoint(HostId h, LocalSocket socket, const InetAddress& address);
  void attach(HostId h, Receiver* receiver) { hosts_.at(h).receiver = receiver; }
  void detach(HostId h) { hosts_.at(h).receiver = nullptr; }

  void set_default_link(const LinkParams& params) { default_link_ = params; }
  // Overrides the default for datagrams between a and b (both directions).
  void set_link(HostId a, HostId b, const LinkParams& params) { links_[key(a, b)] = params; }
  void set_link_up(HostId a, HostId b, bool up);
  void set_host_up(HostId h, bool up) { hosts_.at(h).up = up; }
  bool host_up(HostId h) const { return hosts_.at(h).up; }

  // kAnySocket picks the host's first endpoint of `to`'s family. ttl 0 is
  // the OS default. False if the host is down or has no usable socket.
  bool send(HostId from, LocalSocket socket, const InetAddress& to,
            std::span<const std::uint8_t> data, unsigned ttl = 0);

  const WireCounters& counters() const { return counters_; }
  void set_trace(std::function<void(const WireEvent&)> trace) { trace_ = std::move(trace); }

 private:
  struct Host {
    std::string name;
    std::vector<InetAddress> endpoints;
    NatId realm = kPublic;
    bool up = true;
    Receiver* receiver = nullptr;
  };
  struct Target {  // where a datagram is headed
    HostId host = kNoHost;               // kNoHost while unknown (no NAT mapping)
    std::optional<NatId> through;        // arrives at this NAT's public side first
  };
  struct Datagram {
    HostId from;
    InetAddress source;       // after any outbound NAT
    InetAddress destination;
    Target target;
    unsigned ttl;
    std::vector<std::uint8_t> bytes;
    bool duplicate = false;
  };

  static std::pair<HostId, HostId> key(HostId a, HostId b) {
    return {std::min(a, b), std::max(a, b)};
  }
  std::optional<std::pair<HostId, LocalSocket>> find_host(NatId realm, const InetAddress& a) const;
  std::optional<NatId> find_nat(const InetAddress& a) const;
  std::optional<LocalSocket> pick_socket(const Host& h, LocalSocket socket,
                                         const InetAddress& to) const;
  const LinkParams& link(HostId a, HostId b) const;
  bool link_is_up(HostId a, HostId b) const;
  Time sample_delay(const LinkParams& p);
  void arrive(const Datagram& d);
  void drop(const Datagram& d, const char* reason, std::uint64_t& counter);
  void emit(WireEvent::Kind kind, const Datagram& d, const char* reason, HostId to);

  EventQueue clock_;
  std::mt19937_64 rng_;
  std::vector<Host> hosts_;
  std::vector<Nat> nats_;
  LinkParams default_link_;
  std::map<std::pair<HostId, HostId>, LinkParams> links_;
  std::set<std::pair<HostId, HostId>> links_down_;
  WireCounters counters_;
  std::function<void(const WireEvent&)> trace_;
};

}  // namespace zt::sim
