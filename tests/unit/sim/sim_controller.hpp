#pragma once
// A virtual network run by the real controller: root R, controller C
// running controller::Controller over a memory-backed Store, and members
// A, B and D (not joined until a scenario says so). The network is changed
// through the controller's API functions, as its HTTP API does, and frames
// are sent and read at the members' ports.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "controller/controller.hpp"
#include "controller/memory_backend.hpp"
#include "sim/sim_scenario.hpp"

namespace zt::sim {

// What the network is created with unless a scenario stores its own: a
// private network handing out IPv4 addresses from 10.147.17.0/24.
controller::json default_network_body();

struct ControllerWorld {
  // The network is created with default_network_body() through the API;
  // with `stored_fields` (fields the API cannot set, such as
  // certificateTimeoutWindowSize) it is instead put in the database with
  // them before the controller starts, as an operator editing records would.
  explicit ControllerWorld(std::uint64_t seed, LinkParams link = {.latency = 10, .jitter = 4},
                           std::optional<controller::json> stored_fields = std::nullopt);

  // The API, called "on" C at the current virtual time.
  controller::json set_network(const controller::json& body);
  std::optional<controller::json> set_member(const SimHost& member, const controller::json& body);
  void authorize(const SimHost& member, bool authorized = true) {
    set_member(member, {{"authorized", authorized}});
  }
  const controller::json* member_record(const SimHost& member) const {
    return controller->store().member(nwid, member.address());
  }

  std::optional<NetworkStatus> status(const SimHost& h) const;
  bool ok(const SimHost& h) const { return status(h) == NetworkStatus::kOk; }
  // Joins and runs until the network's status is `wanted` (false if it is
  // not within `within` ms).
  bool join(SimHost& h, NetworkStatus wanted = NetworkStatus::kOk, Time within = 30000);
  // Joins them all at once and runs until every one is OK. The default is
  // generous for loss: when a member's OK to the root's confirming HELLO is
  // lost, the root cannot relay to it until the member's next full HELLO,
  // and a member that keeps sending to a root it has a path to sends that
  // only every 224 s (vl1.md §18.1, as upstream).
  bool join_all(std::initializer_list<SimHost*> members, Time within = 300000);
  MacAddress mac(const SimHost& h) const { return MacAddress::from_address(h.address(), nwid); }
  // The first managed IPv4 address (prefix bits in the port), nil if none.
  InetAddress ipv4(const SimHost& h) const;

  // Ethernet payloads between members' managed IPv4 addresses.
  Bytes udp(const SimHost& from, const SimHost& to, std::uint16_t port) const;
  Bytes tcp_syn(const SimHost& from, const SimHost& to, std::uint16_t dport) const;
  // `from` asks who has `to`'s address; `from` answers `to` with its own.
  Bytes arp_request(const SimHost& from, const SimHost& to) const;
  Bytes arp_reply(const SimHost& from, const SimHost& to) const;

  // Frames `to`'s port got with this ethertype and payload.
  static std::size_t received(const SimHost& to, std::uint16_t ethertype, const Bytes& data);
  // Sends until `to` has the frame (each try waits up to a second);
  // false when `tries` were not enough.
  bool deliver(SimHost& from, const SimHost& to, MacAddress dest, std::uint16_t ethertype,
               const Bytes& data, int tries = 30);
  // Sends `tries` times, a second apart: how many copies `to` received.
  std::size_t attempt(SimHost& from, const SimHost& to, MacAddress dest, std::uint16_t ethertype,
                      const Bytes& data, int tries = 5);

  std::string dump();

  // Destroyed after the hosts: the controller node points at it.
  std::shared_ptr<controller::MemoryDatabase> db = std::make_shared<controller::MemoryDatabase>();
  std::mt19937_64 rng;
  std::unique_ptr<controller::Controller> controller;
  Scenario s;
  SimHost& r;
  SimHost& c;
  SimHost& a;
  SimHost& b;
  SimHost& d;
  std::uint64_t nwid;
};

}  // namespace zt::sim
