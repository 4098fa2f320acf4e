// One Node (the vector identity A, on a planet whose root is R) fed a
// sequence of records, with time moving forward between them. Records are
// [1] kind | [1] verb | [1] time step | [2] length | [length] bytes. Raw records go in
// as datagrams; the others are first armored as R (an upstream) or B would
// send them, so the fuzzer also reaches every verb handler behind the MAC.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "node/node.hpp"
#include "proto/packet_armor.hpp"

namespace {

using namespace zt;

constexpr const char* kA =
    "10a37c90df:0:1b241c54e85dfeaefa257e617c62d8b1029d2f6446be71081aae95131fd39d7da4225a862f5b62"
    "c290078ea7a0cfd4a788bb970a0046c29018fb2df330d235c7:8643bcc38c110622b477ef8c6a0a64493a94d6878"
    "47518f81b188de0a1bbe338c31ab2cdd7e71d9f51710019b89cd60fd99a211b6b1c4bcbbd0acdd939e94dc2";
constexpr const char* kB =
    "eadedf2c91:0:f3d15f7f6caf97acd2602ba9c5cedcc6f08d33fed533a66ecf6d6665a856531add515aa4a7a960"
    "1870610e874869c67dfce8bdc06395005326d6c551594a006f:f267465a390a4f8c48190af208b7d4d329794ceca"
    "5450563294895cc2ceb66cfd22f92115e9f47897cb384cb5eb78056503887dea544f7fd9554e566de1eb5c2";
constexpr const char* kR =
    "dae52f96a7:0:cc38d04945ee4b87d84cb1981d56dd1e36c1da0857dfb9ae4b4a8737e5fc1b188e1de6a4ac24da"
    "8952d90d7aa04c415c0353e43f735290bb9779d873b0e819d3:d213c4fa0d1386eb77c8c4353d14f0aa9b73899d8"
    "2ae077b1d54f7d62bf6158f6cb663ab66117ed4ddd015723a1a18c45950dd4efbe2d7ef0b89d9470abf0de1";

struct Fixture {
  Identity a = *Identity::from_string(kA);
  Identity b = *Identity::from_string(kB);
  Identity r = *Identity::from_string(kR);
  World planet;
  PeerKey a_r{*a.agree(r)};
  PeerKey a_b{*a.agree(b)};
  InetAddress root_at = *InetAddress::from_string("127.0.0.1/9993");
  InetAddress b_at = *InetAddress::from_string("10.0.0.2/9993");

  Fixture() {
    planet.type = World::Type::kPlanet;
    planet.id = 1234567890;
    planet.timestamp = 1700000000000;
    planet.roots.push_back({r.public_only(), {root_at}});
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

class FuzzHost : public NodeHost {
 public:
  bool send_datagram(LocalSocket, const InetAddress&, std::span<const std::uint8_t> data,
                     unsigned) override {
    // Remember what went out so records can answer it (OK needs an in-re id).
    if (data.size() >= kMinPacketLength) last_sent_id_ = load_be(data.data(), 8);
    return true;
  }
  void on_event(const NodeEvent&) override {}
  void store(std::string_view name, std::span<const std::uint8_t> data) override {
    stored_[std::string(name)] = Bytes(data.begin(), data.end());
  }
  std::optional<std::vector<std::uint8_t>> load(std::string_view name) override {
    auto it = stored_.find(std::string(name));
    if (it == stored_.end()) return std::nullopt;
    return it->second;
  }
  void random_bytes(void* out, std::size_t len) override {
    auto* p = static_cast<std::uint8_t*>(out);
    for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<std::uint8_t>((counter_ += 0x9d) >> 3);
  }
  std::uint64_t last_sent_id() const { return last_sent_id_; }

 private:
  std::map<std::string, Bytes> stored_;
  std::uint64_t counter_ = 1;
  std::uint64_t last_sent_id_ = 0;
};

// kind: bits 0..1 the source (0 raw datagram, 1 from R, 2 from B, 3 an OK
// from R answering our last packet), bits 2..3 the cipher suite. The verb
// byte goes in as is, so compressed and unknown verbs are reached too.
Bytes build(const Fixture& f, std::uint8_t kind, std::uint8_t verb,
            std::span<const std::uint8_t> body, std::uint64_t id, std::uint64_t last_sent) {
  const unsigned source = kind & 3;
  if (source == 0) return Bytes(body.begin(), body.end());
  const bool from_root = source != 2;
  Packet p(id, f.a.address(), from_root ? f.r.address() : f.b.address(), Verb::kNop);
  p.data()[kVerbOffset] = verb;
  Bytes payload(body.begin(), body.end());
  if (source == 3) {
    p.set_verb(Verb::kOk);
    p.append_u8(verb & kVerbMask);
    p.append_u64(last_sent);
    // A well-formed OK(WHOIS) identity costs a memory-hard validation,
    // seconds under ASan: reserve its address so parsing is fuzzed, not
    // the hash (the unit tests cover the accepted path).
    if ((verb & kVerbMask) == static_cast<std::uint8_t>(Verb::kWhois) && !payload.empty())
      payload[0] = 0xff;
  }
  p.append_bytes(payload);
  static constexpr CipherSuite kSuites[] = {CipherSuite::kPoly1305None,
                                            CipherSuite::kPoly1305Salsa2012,
                                            CipherSuite::kAesGmacSiv, CipherSuite::kAesGmacSiv};
  armor(p.bytes(), from_root ? f.a_r : f.a_b, kSuites[(kind >> 2) & 3]);
  return Bytes(p.bytes().begin(), p.bytes().end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = fixture();
  FuzzHost host;
  std::int64_t now = 1'000'000;
  Node node(f.a, f.planet, host, NodeOptions{}, now);
  std::int64_t deadline = node.on_timer(now);
  std::uint64_t id = 0x1000;

  std::span<const std::uint8_t> in(data, size);
  while (in.size() >= 5) {
    const std::uint8_t kind = in[0];
    const std::uint8_t verb = in[1];
    now += in[2] * 37;
    const std::size_t len = std::min<std::size_t>(load_be(in.data() + 3, 2), in.size() - 5);
    const std::span<const std::uint8_t> body = in.subspan(5, len);
    in = in.subspan(5 + len);

    const Bytes datagram = build(f, kind, verb, body, ++id, host.last_sent_id());
    const InetAddress& from = (kind & 3) == 2 ? f.b_at : f.root_at;
    node.on_datagram(now, 0, from, datagram);
    if (now >= deadline || now >= node.next_deadline()) deadline = node.on_timer(now);
  }
  node.peers(now);
  return 0;
}
