// The VL2 inbound path: member A (vl2.json) joined to network
// e08309ce1e000001, configured by a signed push from its controller C (which
// is also the planet's root, so no identity needs a proof-of-work check),
// and holding C's COM so C passes the membership gate. Then a sequence of
// records: [1] kind | [1] verb | [1] time step | [2] length | [length] bytes.
// kind & 3: 0 a packet from C with that verb byte; 1 an OK from C answering
// our last packet, in-re that verb; 2 a frame from the local stack
// ([6] to [6] from (zero: ours) [2] ethertype, then data); 3 a multicast
// (un)subscription ([6] MAC [4] ADI). (kind >> 2) & 3 picks the cipher suite.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "node/node.hpp"
#include "proto/credentials/network_credentials.hpp"
#include "proto/network_config.hpp"
#include "proto/network_config_chunks.hpp"
#include "proto/network_id.hpp"
#include "proto/packet_armor.hpp"

namespace {

using namespace zt;

constexpr const char* kController =
    "e08309ce1e:0:5e8e58354ca8456b536dbc458853b908b6a41e994f30e28dd0285839fc9709645709331be26bc6"
    "fcb2d15c2686efb3d1e83ab98e5d34be45fdc2d7f0f3452cb9:c3a7b5f59aa025d61058787b827946e15109a19399"
    "1ae3254d96cd9ef3902e15d3527fa8626dc991ab96b65f2f5f403203bf2d9d1f714fa85c8df36aba5619e3";
constexpr const char* kMemberA =
    "6362cd6fda:0:5e43ef1b6352ebd990f6395be12b1c639e779117cf9bfc63e0984137e705c222c1019061f3bfa35c"
    "b6e9709037c5450be2fc3c5fa2220a3208ac55de869fa609:954e164ea68b5719351dab444cdd3f74068957725f67"
    "2226752bbcab6b629466906cf8ca66bbcfc95551340f377b2de1208c2fab4e2380a01999efcc21656323";
constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
constexpr std::int64_t kTs = 1700000000000;

struct Fixture {
  Identity c = *Identity::from_string(kController);
  Identity a = *Identity::from_string(kMemberA);
  World planet;
  PeerKey a_c{*a.agree(c)};
  InetAddress c_at = *InetAddress::from_string("127.0.0.1/9993");
  std::vector<Bytes> config_chunks;  // NETWORK_CONFIG payloads for A
  Bytes c_credentials;               // NETWORK_CREDENTIALS with C's COM

  Fixture() {
    planet.type = World::Type::kPlanet;
    planet.id = 1234567890;
    planet.timestamp = 1700000000000;
    planet.roots.push_back({c.public_only(), {c_at}});

    NetworkConfig cfg;
    cfg.network_id = kNwid;
    cfg.timestamp = kTs;
    cfg.credential_time_max_delta = kDefaultCredentialTimeMaxDelta;
    cfg.revision = 1;
    cfg.issued_to = a.address();
    cfg.flags = kNetworkFlagEnableBroadcast | kNetworkFlagEnableNdpEmulation;
    cfg.multicast_limit = 32;
    cfg.name = "fuzz";
    cfg.rules = {0x01, 0x00};
    cfg.static_ips = {*InetAddress::from_string("10.147.17.5/24"), rfc4193_address(kNwid, a.address()),
                      sixplane_address(kNwid, a.address())};
    // Both ends are bridges and C replicates: every branch is reachable.
    cfg.specialists = {c.address().value() | kSpecialistActiveBridge | kSpecialistMulticastReplicator,
                       a.address().value() | kSpecialistActiveBridge};
    cfg.com = CertificateOfMembership::issue(kTs, kDefaultCredentialTimeMaxDelta, kNwid, a);
    cfg.com.sign(c);
    config_chunks = sign_config_chunks(*cfg.to_dictionary(), kNwid, 0x42, c);

    NetworkCredentials creds;
    creds.coms.push_back(CertificateOfMembership::issue(kTs, kDefaultCredentialTimeMaxDelta, kNwid, c));
    creds.coms.back().sign(c);
    ByteWriter w(c_credentials);
    write_network_credentials(w, creds);
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
  void remove(std::string_view name) override { stored_.erase(std::string(name)); }
  void port_frame(std::uint64_t, MacAddress, MacAddress, std::uint16_t,
                  std::span<const std::uint8_t> data) override {
    delivered_ += data.size();
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
  std::size_t delivered_ = 0;
};

Bytes from_controller(const Fixture& f, std::uint8_t verb, std::span<const std::uint8_t> body,
                      std::uint64_t id, CipherSuite suite) {
  Packet p(id, f.a.address(), f.c.address(), Verb::kNop);
  p.data()[kVerbOffset] = verb;
  p.append_bytes(body);
  armor(p.bytes(), f.a_c, suite);
  return Bytes(p.bytes().begin(), p.bytes().end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Fixture& f = fixture();
  FuzzHost host;
  std::int64_t now = kTs;
  Node node(f.a, f.planet, host, NodeOptions{}, now);
  std::uint64_t id = 0x1000;
  node.join(now, kNwid);
  for (const Bytes& chunk : f.config_chunks)
    node.on_datagram(now, 0, f.c_at,
                     from_controller(f, static_cast<std::uint8_t>(Verb::kNetworkConfig), chunk,
                                     ++id, CipherSuite::kPoly1305Salsa2012));
  node.on_datagram(now, 0, f.c_at,
                   from_controller(f, static_cast<std::uint8_t>(Verb::kNetworkCredentials),
                                   f.c_credentials, ++id, CipherSuite::kPoly1305Salsa2012));
  std::int64_t deadline = node.on_timer(now);

  static constexpr CipherSuite kSuites[] = {CipherSuite::kPoly1305Salsa2012,
                                            CipherSuite::kPoly1305Salsa2012,
                                            CipherSuite::kAesGmacSiv, CipherSuite::kPoly1305None};
  std::span<const std::uint8_t> in(data, size);
  while (in.size() >= 5) {
    const std::uint8_t kind = in[0];
    const std::uint8_t verb = in[1];
    now += in[2] * 113;
    const std::size_t len = std::min<std::size_t>(load_be(in.data() + 3, 2), in.size() - 5);
    const std::span<const std::uint8_t> body = in.subspan(5, len);
    in = in.subspan(5 + len);
    const CipherSuite suite = kSuites[(kind >> 2) & 3];

    switch (kind & 3) {
      case 0:
        node.on_datagram(now, 0, f.c_at, from_controller(f, verb, body, ++id, suite));
        break;
      case 1: {
        Bytes ok = {static_cast<std::uint8_t>(verb & kVerbMask)};
        ok.resize(9);
        store_be(ok.data() + 1, host.last_sent_id(), 8);
        ok.insert(ok.end(), body.begin(), body.end());
        node.on_datagram(now, 0, f.c_at,
                         from_controller(f, static_cast<std::uint8_t>(Verb::kOk), ok, ++id, suite));
        break;
      }
      case 2:
        if (body.size() >= 14) {
          const MacAddress to = MacAddress::from_bytes(body.data());
          MacAddress from = MacAddress::from_bytes(body.data() + 6);
          if (from.is_nil()) from = MacAddress::from_address(f.a.address(), kNwid);
          node.on_frame(now, kNwid, from, to, static_cast<std::uint16_t>(load_be(body.data() + 12, 2)),
                        body.subspan(14));
        }
        break;
      case 3:
        if (body.size() >= 10) {
          const MulticastGroup g{MacAddress::from_bytes(body.data()),
                                 static_cast<std::uint32_t>(load_be(body.data() + 6, 4))};
          if (verb & 1) node.multicast_unsubscribe(now, kNwid, g);
          else node.multicast_subscribe(now, kNwid, g);
        }
        break;
    }
    if (now >= deadline || now >= node.next_deadline()) deadline = node.on_timer(now);
  }
  node.networks();
  node.vl2_counters();
  return 0;
}
