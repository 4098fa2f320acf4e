#pragma once
// Shared by the VL2 engine tests: the vl2.json identities (controller,
// memberA, memberB), a NetworkController that signs real configs, COMs and
// COOs with the controller's key, and a FakeNet world of root R, controller
// C and members A and B, with a way to read back the packets that crossed it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node/network_controller.hpp"
#include "node_fixtures.hpp"
#include "proto/credentials/credential_test_support.hpp"
#include "proto/network_config.hpp"

namespace zt::test {

// vl2_identity("controller" | "memberA" | "memberB") comes with the
// credential tests' support header.
// vl2.json's network id (controller << 24 | 1).
std::uint64_t vl2_network_id();
// The vector timestamp (ms) every vl2 vector is issued at.
inline constexpr std::int64_t kVl2Ts = kVectorTs;

// A controller that answers from plain fields, the way controller.md §1
// builds configs (COM and COO signed, ts = now), so members see real
// chunked, signed configs.
class TestController final : public NetworkController {
 public:
  struct Member {
    bool authorized = true;
    std::vector<InetAddress> ips;  // netmask bits in the port
    bool active_bridge = false;
    bool multicast_replicator = false;
    std::map<std::uint32_t, std::uint32_t> tags;
    std::map<std::uint32_t, Bytes> capabilities;  // id -> encoded rules
  };
  struct Request {
    std::uint64_t network_id = 0;
    Address member;
    std::uint64_t packet_id = 0;
    InetAddress physical;
    Bytes metadata;
  };

  explicit TestController(const Identity& self);

  void request(std::int64_t now, NetworkControllerSender& sender, std::uint64_t network_id,
               const Identity& member, std::uint64_t request_packet_id,
               const InetAddress& physical, std::span<const std::uint8_t> metadata) override;

  // The config `member` gets at `now` (the timestamp may be overridden).
  NetworkConfig config_for(std::int64_t now, const Identity& member) const;

  Identity self;
  std::uint64_t network_id;
  bool exists = true;
  NetworkConfig::Type type = NetworkConfig::Type::kPrivate;
  std::uint64_t flags = kNetworkFlagEnableBroadcast;
  std::uint32_t multicast_limit = 32;
  Bytes rules = {0x01, 0x00};  // ACCEPT
  std::uint64_t ctmd = kDefaultCredentialTimeMaxDelta;
  std::uint64_t revision = 1;
  std::string name = "test-net";
  std::optional<std::int64_t> fixed_timestamp;  // else `now`
  std::optional<ErrorCode> answer_error;        // answer every request with this
  Bytes auth_info;                              // with kNetworkAuthenticationRequired
  bool silent = false;                          // answer nothing
  std::map<Address, Member> members;
  std::vector<Request> requests;
};

// R (root, vl1 vectors) at 127.0.0.1/9993; C, A, B (vl2 vectors) at
// 127.0.0.1/20000..20002. C runs the TestController.
struct Vl2World {
  Vl2World();

  // Moves the clock in `step` ms ticks (timers and deliveries each time).
  void run(std::int64_t ms, std::int64_t step = 100);
  FakeHost& host(const Node& n) { return net.host(n); }
  // Joins and runs until `member` has the network OK (or `within` passes).
  bool join(Node& member, std::int64_t within = 20000);

  // A day before the vector timestamp: real-looking times, and the vector
  // revocation (threshold TS) covers every COM issued here.
  FakeNet net{kVl2Ts - 86'400'000};
  Node& r;
  Node& c;
  Node& a;
  Node& b;
  TestController controller;
  std::uint64_t nwid;
};

// Every whole packet `from` sent that reached `to` (directly or through a
// relay), reassembled, authenticated with their shared key and decompressed,
// with the packet id as it went out (what an OK or ERROR names).
struct WirePacket {
  std::uint64_t wire_id = 0;
  Packet packet;
};
std::vector<WirePacket> packets_between(FakeNet& net, const Node& to, const Identity& from);
// Those with `verb`, payloads only.
std::vector<Bytes> payloads_between(FakeNet& net, const Node& to, const Identity& from, Verb verb);

// An Ethernet payload: an IPv4 packet (20-byte header, protocol `proto`)
// from `src` to `dst` with `body` after the header.
Bytes ipv4_packet(const char* src, const char* dst, std::uint8_t proto, const Bytes& body = {});

}  // namespace zt::test
