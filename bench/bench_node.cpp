// Packets per second through the engine's receive pipeline on one core:
// dearmor (AES-GMAC-SIV, as protocol-12 peers use), replay check, LZ4 when
// compressed, and dispatch to the VL2 handler. The datagrams are made by a
// real sender Node after a real HELLO exchange, so nothing is faked.
#include <benchmark/benchmark.h>

#include <deque>
#include <vector>

#include "node/node.hpp"
#include "node/packet_handler.hpp"
#include "proto/identity.hpp"
#include "proto/world.hpp"

namespace {

using zt::Bytes;
using zt::InetAddress;

// Keeps what a node sends; the bench hands the datagrams over by hand.
class CaptureHost final : public zt::NodeHost {
 public:
  bool send_datagram(zt::LocalSocket, const InetAddress& to, std::span<const std::uint8_t> data,
                     unsigned) override {
    sent.push_back({to, Bytes(data.begin(), data.end())});
    return true;
  }
  void on_event(const zt::NodeEvent&) override {}
  void store(std::string_view, std::span<const std::uint8_t>) override {}
  std::optional<std::vector<std::uint8_t>> load(std::string_view) override { return std::nullopt; }
  void random_bytes(void* out, std::size_t len) override {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < len; ++i) {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      p[i] = static_cast<std::uint8_t>(state_ >> 56);
    }
  }

  struct Sent {
    InetAddress to;
    Bytes data;
  };
  std::deque<Sent> sent;

 private:
  std::uint64_t state_ = 0x9e3779b97f4a7c15ULL;
};

class CountingHandler final : public zt::PacketHandler {
 public:
  bool on_packet(std::int64_t, const zt::InboundPacket& packet) override {
    ++count;
    bytes += packet.payload.size();
    return true;
  }
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
};

// Receiver R is the planet's root, so the sender S knows its identity and
// needs no WHOIS; after one HELLO/OK both sides hold the peer key.
struct Pair {
  Pair() {
    zt::World planet;
    planet.type = zt::World::Type::kPlanet;
    planet.id = 0x5151;
    planet.timestamp = 1;
    planet.roots.push_back({receiver_id.public_only(), {r_addr}});
    const auto signer = zt::crypto::c25519_generate();
    planet.updates_must_be_signed_by = signer.pub;
    planet.sign(signer);

    zt::NodeOptions options;
    receiver = std::make_unique<zt::Node>(receiver_id, planet, r_host, options, now);
    sender = std::make_unique<zt::Node>(sender_id, planet, s_host, options, now);
    receiver->set_packet_handler(&handler);
    for (int round = 0; round < 4; ++round) {
      now += 1000;
      sender->on_timer(now);
      receiver->on_timer(now);
      shuttle();
    }
  }

  // Delivers everything in flight between the two until both are quiet.
  void shuttle() {
    while (!s_host.sent.empty() || !r_host.sent.empty()) {
      while (!s_host.sent.empty()) {
        auto d = std::move(s_host.sent.front());
        s_host.sent.pop_front();
        if (d.to == r_addr) receiver->on_datagram(now, 1, s_addr, d.data);
      }
      while (!r_host.sent.empty()) {
        auto d = std::move(r_host.sent.front());
        r_host.sent.pop_front();
        if (d.to == s_addr) sender->on_datagram(now, 1, r_addr, d.data);
      }
    }
  }

  // `count` distinct datagrams of USER_MESSAGE with `size` payload bytes.
  std::vector<Bytes> datagrams(std::size_t count, std::size_t size) {
    Bytes payload(size);
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < count; ++i) {
      // Incompressible, like most traffic: LZ4 is tried and not used.
      r_host.random_bytes(payload.data(), payload.size());
      sender->send(now, receiver_id.address(), zt::Verb::kUserMessage, payload);
      for (auto& d : s_host.sent) out.push_back(std::move(d.data));
      s_host.sent.clear();
    }
    return out;
  }

  zt::Identity receiver_id = zt::Identity::generate();
  zt::Identity sender_id = zt::Identity::generate();
  InetAddress r_addr = *InetAddress::from_string("127.0.0.1/9993");
  InetAddress s_addr = *InetAddress::from_string("127.0.0.1/9994");
  CaptureHost r_host, s_host;
  CountingHandler handler;
  std::unique_ptr<zt::Node> receiver, sender;
  std::int64_t now = 1'700'000'000'000;
};

Pair& pair() {
  static Pair p;
  return p;
}

// More distinct packets than the replay window remembers, so a packet seen
// again on the next lap is no longer "recent" and is dispatched again.
constexpr std::size_t kDistinct = 8192;

void BM_ReceiveDispatch(benchmark::State& state) {
  Pair& p = pair();
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::vector<Bytes> datagrams = p.datagrams(kDistinct, size);
  if (datagrams.size() != kDistinct) {
    state.SkipWithError("the sender fragmented or dropped packets");
    return;
  }
  const std::uint64_t before = p.handler.count;
  std::size_t i = 0;
  for (auto _ : state) {
    p.receiver->on_datagram(p.now, 1, p.s_addr, datagrams[i]);
    if (++i == datagrams.size()) i = 0;
  }
  const std::uint64_t dispatched = p.handler.count - before;
  if (dispatched != static_cast<std::uint64_t>(state.iterations()))
    state.SkipWithError("some packets were dropped instead of dispatched");
  state.SetItemsProcessed(static_cast<std::int64_t>(dispatched));
  state.SetBytesProcessed(static_cast<std::int64_t>(dispatched * size));
  state.counters["drop_replayed"] = static_cast<double>(p.receiver->counters().drop_replayed);
}
BENCHMARK(BM_ReceiveDispatch)->Arg(64)->Arg(512)->Arg(1400);

}  // namespace

BENCHMARK_MAIN();
