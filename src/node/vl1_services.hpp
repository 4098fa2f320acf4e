#pragma once
// What the VL2 engine needs from VL1: our identity, peers' identities,
// WHOIS, sending packets, and which peers are roots. NodeEngine implements
// it; keeping it this narrow keeps networks out of the receive pipeline.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/identity.hpp"
#include "proto/packet.hpp"

namespace zt {

class Vl1Services {
 public:
  virtual ~Vl1Services() = default;

  // Ours, with the private key (a controller signs with it).
  virtual const Identity& identity() const = 0;
  // A peer's identity if VL1 holds it, else null.
  virtual const Identity* peer_identity(Address address) const = 0;
  // Looks the identity up through the roots (rate limited by VL1).
  virtual void request_identity(std::int64_t now, Address address) = 0;
  // One packet; held while VL1 looks the peer up. False when it cannot go at all.
  virtual bool send(std::int64_t now, Address to, Verb verb,
                    std::span<const std::uint8_t> payload) = 0;
  // The same with the payload in two pieces (a verb's fields, then the data
  // they describe), so a frame is not first copied into one buffer.
  virtual bool send(std::int64_t now, Address to, Verb verb, std::span<const std::uint8_t> head,
                    std::span<const std::uint8_t> tail) = 0;
  // Roots of the planet and moons (not ourselves).
  virtual std::vector<Address> upstreams() const = 0;
  virtual bool am_upstream() const = 0;
  // The root packets for unknown places go through (§12.3 gathers there).
  virtual std::optional<Address> best_upstream(std::int64_t now) = 0;
  // Latency (ms) of a peer with a live direct path, else nullopt (§12.4
  // picks the nearest live multicast replicator).
  virtual std::optional<int> live_latency(Address address, std::int64_t now) const = 0;
  virtual std::uint64_t random_u64() = 0;
};

}  // namespace zt
