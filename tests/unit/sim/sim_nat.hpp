#pragma once
// A cone NAT: each inside endpoint gets one public port whatever it talks
// to (endpoint-independent mapping), and inbound datagrams pass only from
// peers the inside endpoint has sent to (RFC 4787 filtering).
#include <cstdint>
#include <map>
#include <set>
#include <optional>

#include "proto/inet_address.hpp"
#include "sim/sim_clock.hpp"

namespace zt::sim {

enum class NatType {
  kAddressRestrictedCone,  // inbound from any port of an IP we sent to
  kPortRestrictedCone,     // inbound only from the exact IP:port we sent to
};

class Nat {
 public:
  // `public_ip`'s port is ignored. A mapping idle for `mapping_timeout`
  // (0: never) is forgotten, so the next outbound datagram gets a new port.
  Nat(const InetAddress& public_ip, NatType type, Time mapping_timeout, std::uint16_t first_port);

  const InetAddress& public_ip() const { return public_ip_; }
  NatType type() const { return type_; }

  // Translates an outbound datagram's source and opens the filter for `to`.
  InetAddress outbound(Time now, const InetAddress& inside, const InetAddress& to);
  // The inside endpoint for a datagram arriving on public `port` from
  // `from`, or nullopt if there is no mapping or the filter refuses it.
  std::optional<InetAddress> inbound(Time now, std::uint16_t port, const InetAddress& from);

  // The public endpoint currently mapped to `inside`, if any.
  std::optional<InetAddress> mapping_of(Time now, const InetAddress& inside);
  // Who holds public `port` (ignoring filters and timeouts), if anyone.
  std::optional<InetAddress> mapping_owner(std::uint16_t port) const {
    auto it = by_port_.find(port);
    return it == by_port_.end() ? std::nullopt : std::optional<InetAddress>(it->second);
  }
  std::size_t mapping_count() const { return mappings_.size(); }
  // A NAT reboot: every mapping is lost and new ones get fresh ports.
  void reset() {
    mappings_.clear();
    by_port_.clear();
  }

 private:
  struct Mapping {
    std::uint16_t port;
    Time last_used;
    std::set<InetAddress> allowed;  // port 0 under address-restricted filtering
  };

  InetAddress filter_key(const InetAddress& peer) const;
  bool expired(const Mapping& m, Time now) const {
    return mapping_timeout_ > 0 && now - m.last_used > mapping_timeout_;
  }
  void drop_if_expired(Time now, const InetAddress& inside);

  InetAddress public_ip_;
  NatType type_;
  Time mapping_timeout_;
  std::uint16_t next_port_;
  std::map<InetAddress, Mapping> mappings_;       // by inside endpoint
  std::map<std::uint16_t, InetAddress> by_port_;  // public port -> inside endpoint
};

}  // namespace zt::sim
