#pragma once
// One physical path to a peer: the local socket we use and the peer's UDP
// endpoint, with the timers and latency that decide keepalives, expiry and
// which path carries traffic (vl1.md §18).
#include <cstdint>

#include "node/node_host.hpp"
#include "node/path_policy.hpp"
#include "proto/inet_address.hpp"

namespace zt {

// A time before anything: "now - kNever" stays far above every timer
// without overflowing, whatever epoch the host's clock starts at.
inline constexpr std::int64_t kNever = -(std::int64_t{1} << 60);

class Path {
 public:
  static constexpr int kUnknownLatency = 0xffff;  // upstream's value before a measurement

  Path(LocalSocket socket, const InetAddress& address, std::int64_t now);

  LocalSocket socket() const { return socket_; }
  const InetAddress& address() const { return address_; }
  IpScope scope() const { return scope_; }
  bool is(LocalSocket socket, const InetAddress& address) const {
    return socket_ == socket && address_ == address;
  }

  std::int64_t last_receive() const { return last_receive_; }
  std::int64_t last_send() const { return last_send_; }
  void received(std::int64_t now) { last_receive_ = now; }
  void sent(std::int64_t now) { last_send_ = now; }

  // Milliseconds, or kUnknownLatency; new samples are averaged in.
  int latency() const { return latency_; }
  void update_latency(int ms);

  // Heard from within 19 s.
  bool alive(std::int64_t now) const { return now - last_receive_ < kAliveTimeout; }
  // Silent for 243 s: the path is forgotten.
  bool expired(std::int64_t now) const { return now - last_receive_ >= kExpiration; }
  // Nothing sent for 14 s: a keepalive keeps NAT mappings open.
  bool needs_heartbeat(std::int64_t now) const { return now - last_send_ >= kHeartbeat; }

  // §18.2, lower is better: latency, punished heavily once the path is no
  // longer alive, scaled so private scopes beat global ones.
  std::int64_t quality(std::int64_t now) const;

 private:
  static constexpr std::int64_t kAliveTimeout = 19000;
  static constexpr std::int64_t kExpiration = 243000;
  static constexpr std::int64_t kHeartbeat = 14000;

  LocalSocket socket_;
  InetAddress address_;
  IpScope scope_;
  std::int64_t last_receive_;
  std::int64_t last_send_;
  int latency_ = kUnknownLatency;
};

}  // namespace zt
