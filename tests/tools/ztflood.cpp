// A hostile sender on the underlay, for flood tests: it speaks raw UDP to a
// victim node and sends one kind of abuse at a fixed rate for a bounded time.
//
//   ztflood --target 127.0.0.1/9993 --victim IDENTITY.public --mode MODE
//           [--pps N] [--seconds S] [--identities N]
//
// Modes:
//   garbage     random bytes of random length
//   truncated   packet headers addressed to the victim, cut short
//   fragments   fragments of packets that never complete
//   replay      a real session (HELLO/OK through a real Node), then the
//               same authenticated packets sent again and again
//   hello       HELLOs from many identities whose proof of work is wrong,
//               each properly MACed, so only the expensive check reveals them
//   hello-valid HELLOs from --identities valid identities, round robin
//   whois       WHOIS for random addresses over the real session
// Prints what it sent. Exits non-zero on bad arguments.
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/clock.hpp"
#include "io/udp_socket.hpp"
#include "node/node.hpp"
#include "proto/fragment.hpp"
#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/peer_key.hpp"
#include "proto/verbs/hello.hpp"

namespace {

using zt::Bytes;
using zt::InetAddress;

struct Options {
  InetAddress target;
  zt::Identity victim;
  std::string mode;
  double pps = 20000;
  double seconds = 5;
  int identities = 8;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "ztflood: %s\nusage: ztflood --target IP/PORT --victim IDENTITY.public "
                       "--mode garbage|truncated|fragments|replay|hello|hello-valid|whois "
                       "[--pps N] [--seconds S] [--identities N]\n", why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--target") {
      auto t = InetAddress::from_string(value);
      if (!t) usage("bad --target");
      o.target = *t;
    } else if (arg == "--victim") {
      std::string text = value;
      if (auto bytes = zt::io::read_file(value, 4096)) text.assign(bytes->begin(), bytes->end());
      while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
      auto id = zt::Identity::from_string(text);
      if (!id) usage("bad --victim identity");
      o.victim = *id;
    } else if (arg == "--mode") {
      o.mode = value;
    } else if (arg == "--pps") {
      o.pps = std::stod(value);
    } else if (arg == "--seconds") {
      o.seconds = std::stod(value);
    } else if (arg == "--identities") {
      o.identities = std::stoi(value);
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (o.target.is_nil() || o.victim.is_nil() || o.mode.empty()) usage("need --target, --victim, --mode");
  return o;
}

// A real Node talking to the victim, which it takes for its planet's root,
// so a HELLO/OK session exists; what it sends is also kept for replays.
class Session final : public zt::NodeHost {
 public:
  Session(const Options& o, zt::io::UdpSocket& socket) : options_(o), socket_(socket) {
    zt::World planet;
    planet.type = zt::World::Type::kPlanet;
    planet.id = 0xf100d;
    planet.timestamp = 1;
    planet.roots.push_back({o.victim.public_only(), {o.target}});
    const auto signer = zt::crypto::c25519_generate();
    planet.updates_must_be_signed_by = signer.pub;
    planet.sign(signer);
    node_ = std::make_unique<zt::Node>(zt::Identity::generate(), planet, *this, zt::NodeOptions{},
                                       zt::io::now_ms());
  }

  // Runs the node until it heard the victim or `seconds` passed.
  bool establish(double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      node_->on_timer(zt::io::now_ms());
      pump(100);
      if (node_->online(zt::io::now_ms())) return true;
    }
    return false;
  }

  // Sends `verb` with `payload` through the session and returns the datagrams.
  std::vector<Bytes> capture(zt::Verb verb, std::span<const std::uint8_t> payload) {
    sent_.clear();
    recording_ = true;
    node_->send(zt::io::now_ms(), options_.victim.address(), verb, payload);
    recording_ = false;
    return std::move(sent_);
  }

  void pump(int timeout_ms) {
    pollfd p{socket_.fd(), POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    socket_.receive_batch([this](const InetAddress& from, std::span<const std::uint8_t> data) {
      node_->on_datagram(zt::io::now_ms(), 1, from, data);
    });
  }

  bool send_datagram(zt::LocalSocket, const InetAddress& to, std::span<const std::uint8_t> data,
                     unsigned) override {
    if (recording_) sent_.emplace_back(data.begin(), data.end());
    return socket_.send_to(to, data);
  }
  void on_event(const zt::NodeEvent&) override {}
  void store(std::string_view, std::span<const std::uint8_t>) override {}
  std::optional<std::vector<std::uint8_t>> load(std::string_view) override { return std::nullopt; }
  void random_bytes(void* out, std::size_t len) override {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<std::uint8_t>(rng_());
  }

 private:
  const Options& options_;
  zt::io::UdpSocket& socket_;
  std::unique_ptr<zt::Node> node_;
  std::vector<Bytes> sent_;
  bool recording_ = false;
  std::mt19937_64 rng_{std::random_device{}()};
};

// An identity with a key pair but an address its public key does not earn.
zt::Identity forged_identity(std::mt19937_64& rng) {
  const auto keys = zt::crypto::c25519_generate();
  std::uint64_t address = rng() & 0xffffffffffULL;
  if (address == 0 || (address >> 32) == 0xff) address ^= 0x0100000000ULL;  // not reserved
  const std::string text =
      zt::to_hex_u64(address, 10) + ":0:" + zt::to_hex(keys.pub) + ":" + zt::to_hex(keys.priv);
  return *zt::Identity::from_string(text);
}

Bytes hello_from(const zt::Identity& me, const zt::Identity& victim, const InetAddress& to,
                 std::uint64_t packet_id) {
  const std::optional<zt::SymmetricKey> key = me.agree(victim);
  if (!key) return {};
  zt::Packet packet(packet_id, victim.address(), me.address(), zt::Verb::kHello);
  zt::Hello hello;
  hello.protocol_version = zt::kProtoVersion;
  hello.version_major = 1;
  hello.version_minor = 14;
  hello.version_revision = 1;
  hello.timestamp = static_cast<std::uint64_t>(zt::io::now_ms());
  hello.identity = me.public_only();
  hello.physical_destination = to;
  Bytes payload;
  zt::ByteWriter w(payload);
  zt::write_hello(w, hello);
  packet.append_bytes(payload);
  const zt::PeerKey peer_key(*key);
  zt::armor(packet.bytes(), peer_key, zt::CipherSuite::kPoly1305None);
  return Bytes(packet.bytes().begin(), packet.bytes().end());
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  std::string error;
  auto socket = zt::io::UdpSocket::open(o.target.family(), 0, &error);
  if (!socket) {
    std::fprintf(stderr, "ztflood: %s\n", error.c_str());
    return 1;
  }
  std::mt19937_64 rng(std::random_device{}());
  std::vector<Bytes> pool;  // datagrams to cycle through, for the modes that can precompute
  std::unique_ptr<Session> session;
  std::vector<zt::Identity> identities;

  if (o.mode == "replay" || o.mode == "whois") {
    session = std::make_unique<Session>(o, *socket);
    if (!session->establish(10)) {
      std::fprintf(stderr, "ztflood: the victim never answered our HELLO\n");
      return 1;
    }
    if (o.mode == "replay") {
      for (int i = 0; i < 16; ++i) {
        const std::uint8_t payload[8] = {1, 2, 3, 4, 5, 6, 7, static_cast<std::uint8_t>(i)};
        for (Bytes& d : session->capture(zt::Verb::kNop, payload)) pool.push_back(std::move(d));
      }
    }
  } else if (o.mode == "hello-valid") {
    for (int i = 0; i < o.identities; ++i) identities.push_back(zt::Identity::generate());
  } else if (o.mode != "garbage" && o.mode != "truncated" && o.mode != "fragments" &&
             o.mode != "hello") {
    usage("unknown --mode");
  }

  // Paced in 1 ms steps: each step sends what the rate allows by then.
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  std::uint64_t sent = 0, refused = 0;
  auto send = [&](std::span<const std::uint8_t> d) {
    if (!socket->send_to(o.target, d)) ++refused;
    ++sent;
  };
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    const double elapsed = std::chrono::duration<double>(now - start).count();
    const auto due = static_cast<std::uint64_t>(elapsed * o.pps);
    while (sent < due) {
      if (o.mode == "garbage") {
        Bytes d(rng() % 1500);
        for (auto& b : d) b = static_cast<std::uint8_t>(rng());
        send(d);
      } else if (o.mode == "truncated") {
        zt::Packet p(rng(), o.victim.address(), zt::Address(rng() & 0xfeffffffffULL),
                     zt::Verb::kEcho);
        send(p.bytes().first(rng() % zt::kMinPacketLength));
      } else if (o.mode == "fragments") {
        // Fragment n (1..6) of a 7-part packet that is never seen whole.
        Bytes d(zt::kFragmentDataOffset + 200, 0x5a);
        zt::store_be(d.data(), rng(), 8);
        zt::store_be(d.data() + zt::kDestinationOffset, o.victim.address().value(), 5);
        d[zt::kFragmentIndicatorOffset] = zt::kFragmentIndicator;
        d[zt::kFragmentCountsOffset] = static_cast<std::uint8_t>((7 << 4) | (1 + rng() % 6));
        d[zt::kFragmentHopsOffset] = 0;
        send(d);
      } else if (o.mode == "replay") {
        send(pool[sent % pool.size()]);
      } else if (o.mode == "hello") {
        send(hello_from(forged_identity(rng), o.victim, o.target, rng()));
      } else if (o.mode == "hello-valid") {
        send(hello_from(identities[sent % identities.size()], o.victim, o.target, rng()));
      } else if (o.mode == "whois") {
        std::uint8_t target[5];
        zt::store_be(target, rng() & 0xfeffffffffULL, 5);
        session->capture(zt::Verb::kWhois, target);  // the session sends it
        ++sent;
      }
    }
    if (session) session->pump(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("ztflood %s: sent %llu datagrams in %.1f s (%.0f/s), %llu refused by the kernel\n",
              o.mode.c_str(), static_cast<unsigned long long>(sent), took,
              static_cast<double>(sent) / took, static_cast<unsigned long long>(refused));
  return 0;
}
