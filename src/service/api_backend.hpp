#pragma once
// What the local HTTP API needs from the service, as plain snapshots. The
// server calls these on its own threads; the service copies what is asked
// for on the loop thread (the only one that touches the Node).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/node.hpp"
#include "runtime/node_runtime.hpp"
#include "service/echo_waiters.hpp"

namespace zt::service {

struct StatusSnapshot {
  Address address;
  std::string public_identity;
  bool online = false;
  bool root = false;  // our identity is a root of the planet or a moon
  std::int64_t clock = 0;
  std::uint64_t planet_id = 0;
  std::uint64_t planet_timestamp = 0;
  std::vector<std::uint64_t> moon_ids;
  std::uint16_t primary_port = 0;
  std::uint16_t secondary_port = 0;  // 0: none
  std::string home_dir;
  std::vector<std::string> listening_on;  // "ip/port"
  NodeCounters counters;
  Vl2Counters vl2_counters;
};

// A joined network as the API shows it.
struct NetworkView {
  NetworkInfo info;
  std::string port_device;  // what serves its port ("lwip", or a device name)
  std::string port_error;   // why it has no port, if so
};

struct PeersSnapshot {
  std::vector<PeerInfo> peers;
  // The local port of each of our sockets, for the paths' "localPort".
  std::map<LocalSocket, std::uint16_t> local_ports;
};

struct PingOutcome {
  enum class Kind { kReply, kTimeout, kRefused, kUnavailable };
  Kind kind = Kind::kUnavailable;
  EchoReply reply;      // kReply
  std::string message;  // kRefused: why
};

// One request to the controller API (/controller..., controller.md §4).
// The side of the service that programs use (ztsdk extension).
struct ProgramsSideSnapshot {
  std::string control_socket;  // empty when the intercept is off
  std::size_t open_sockets = 0;
  std::uint16_t socks_port = 0;  // 0 when SOCKS5 is off
};

struct ControllerCall {
  std::string method;  // GET, POST, PUT or DELETE
  std::string path;    // without the query string
  std::string body;
};

struct ControllerReply {
  int status = 404;
  std::string body = "{}";  // JSON
};

class ApiBackend {
 public:
  virtual ~ApiBackend() = default;
  // nullopt when the loop did not answer in time (busy or stopping).
  virtual std::optional<StatusSnapshot> status() = 0;
  // `only` limits the snapshot to one peer (absent from it if unknown).
  virtual std::optional<PeersSnapshot> peers(std::optional<Address> only) = 0;
  // Sends an ECHO and waits up to `timeout` for its reply, off the loop thread.
  virtual PingOutcome ping(Address to, std::chrono::milliseconds timeout) = 0;
  // Serves a controller API request on the loop thread; nullopt when the
  // loop did not answer in time.
  virtual std::optional<ControllerReply> controller_api(const ControllerCall& call) = 0;
  // Joined networks, or just `only` (empty if not joined).
  virtual std::optional<std::vector<NetworkView>> networks(std::optional<std::uint64_t> only) = 0;
  // Joins (if not yet) and returns the network; nullopt if the loop did not answer.
  virtual std::optional<NetworkView> join(std::uint64_t network_id) = 0;
  // True if it was joined and is left now, false if it was not joined.
  virtual std::optional<bool> leave(std::uint64_t network_id) = 0;
  // Diagnostics: a whole Ethernet frame sent into the network as if this
  // node's stack had sent it (false: not joined, or too short); and the
  // frames seen at the network's port lately (capture starts when first asked).
  virtual std::optional<bool> inject_frame(std::uint64_t network_id, const Bytes& frame) = 0;
  // nullopt when neither the intercept nor SOCKS5 runs.
  virtual std::optional<ProgramsSideSnapshot> programs_side() { return std::nullopt; }
  virtual std::optional<std::vector<runtime::CapturedFrame>> captured_frames(
      std::uint64_t network_id, std::uint64_t since) = 0;
};

}  // namespace zt::service
