#include "vl2_fixtures.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/fragment.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "vectors.hpp"

namespace zt::test {

std::uint64_t vl2_network_id() {
  static const std::uint64_t id =
      std::stoull(vl2()["identities"]["networkId"].get<std::string>(), nullptr, 16);
  return id;
}

TestController::TestController(const Identity& self)
    : self(self), network_id((self.address().value() << 24) | 1) {}

void TestController::request(std::int64_t now, NetworkControllerSender& sender,
                             std::uint64_t nwid, const Identity& member,
                             std::uint64_t request_packet_id, const InetAddress& physical,
                             std::span<const std::uint8_t> metadata) {
  requests.push_back({nwid, member.address(), request_packet_id, physical,
                      Bytes(metadata.begin(), metadata.end())});
  if (silent) return;
  if (answer_error) {
    sender.send_error(now, nwid, member.address(), request_packet_id, *answer_error, auth_info);
    return;
  }
  if (nwid != network_id || !exists) {
    sender.send_error(now, nwid, member.address(), request_packet_id, ErrorCode::kObjectNotFound);
    return;
  }
  auto m = members.find(member.address());
  const bool authorized = type == NetworkConfig::Type::kPublic || (m != members.end() && m->second.authorized);
  if (!authorized) {
    sender.send_error(now, nwid, member.address(), request_packet_id,
                      ErrorCode::kNetworkAccessDenied);
    return;
  }
  sender.send_config(now, nwid, member.address(), request_packet_id, config_for(now, member));
}

NetworkConfig TestController::config_for(std::int64_t now, const Identity& member) const {
  const std::int64_t ts = fixed_timestamp.value_or(now);
  NetworkConfig c;
  c.network_id = network_id;
  c.timestamp = ts;
  c.credential_time_max_delta = ctmd;
  c.revision = revision;
  c.issued_to = member.address();
  c.flags = flags;
  c.multicast_limit = multicast_limit;
  c.type = type;
  c.name = name;
  c.rules = rules;
  c.com = CertificateOfMembership::issue(static_cast<std::uint64_t>(ts), ctmd, network_id, member);
  EXPECT_TRUE(c.com.sign(self));
  for (const auto& [address, rec] : members) {
    std::uint64_t roles = 0;
    if (rec.active_bridge) roles |= kSpecialistActiveBridge;
    if (rec.multicast_replicator) roles |= kSpecialistMulticastReplicator;
    if (roles) c.specialists.push_back(address.value() | roles);
  }
  auto m = members.find(member.address());
  if (m != members.end()) {
    c.static_ips = m->second.ips;
    if (!c.static_ips.empty()) {
      CertificateOfOwnership coo;
      coo.network_id = network_id;
      coo.timestamp = ts;
      coo.id = 1;
      coo.issued_to = member.address();
      for (const InetAddress& ip : c.static_ips) coo.add(ip);
      EXPECT_TRUE(coo.sign(self));
      c.certificates_of_ownership.push_back(coo);
    }
    for (const auto& [id, value] : m->second.tags) {
      Tag t;
      t.network_id = network_id;
      t.timestamp = ts;
      t.id = id;
      t.value = value;
      t.issued_to = member.address();
      EXPECT_TRUE(t.sign(self));
      c.tags.push_back(t);
    }
    for (const auto& [id, rules] : m->second.capabilities) {
      Capability cap;
      cap.network_id = network_id;
      cap.timestamp = ts;
      cap.id = id;
      EXPECT_TRUE(cap.set_rules(rules));
      EXPECT_TRUE(cap.sign(self, member.address()));
      c.capabilities.push_back(cap);
    }
  }
  return c;
}

Vl2World::Vl2World()
    : r(net.add(vector_identity("R"), vector_planet(), "127.0.0.1/9993")),
      c(net.add(vl2_identity("controller"), vector_planet(), "127.0.0.1/20000",
                NodeOptions{.os_arch = "linux/x86_64"})),
      a(net.add(vl2_identity("memberA"), vector_planet(), "127.0.0.1/20001",
                NodeOptions{.os_arch = "linux/x86_64"})),
      b(net.add(vl2_identity("memberB"), vector_planet(), "127.0.0.1/20002",
                NodeOptions{.os_arch = "linux/x86_64"})),
      controller(vl2_identity("controller")),
      nwid(vl2_network_id()) {
  c.set_controller(&controller);
  controller.members[a.identity().address()] = {};
  controller.members[b.identity().address()] = {};
  net.tick();  // everyone online
}

void Vl2World::run(std::int64_t ms, std::int64_t step) {
  for (std::int64_t t = 0; t < ms; t += step) {
    net.advance(step);
    net.tick();
  }
}

bool Vl2World::join(Node& member, std::int64_t within) {
  member.join(net.now, nwid);
  net.deliver();
  for (std::int64_t t = 0; t <= within; t += 100) {
    const std::optional<NetworkInfo> info = member.network(nwid);
    if (info && info->status == NetworkStatus::kOk) return true;
    run(100);
  }
  return false;
}

std::vector<WirePacket> packets_between(FakeNet& net, const Node& to, const Identity& from) {
  const InetAddress at = net.host(to).address;
  const PeerKey key(*from.agree(to.identity()));
  Reassembler reassembler;
  std::vector<WirePacket> out;
  for (const Datagram& d : net.delivered) {
    if (d.to != at) continue;
    std::optional<Packet> p = is_fragment(d.data) ? reassembler.add_fragment(d.data, 0)
                                                   : reassembler.add_head(d.data, 0);
    if (!p || p->source() != from.address() || p->destination() != to.identity().address())
      continue;
    const std::uint64_t wire_id = p->packet_id();
    if (!dearmor(p->bytes(), key) || !decompress_payload(*p)) continue;
    out.push_back({wire_id, *p});
  }
  return out;
}

std::vector<Bytes> payloads_between(FakeNet& net, const Node& to, const Identity& from, Verb verb) {
  std::vector<Bytes> out;
  for (const WirePacket& w : packets_between(net, to, from))
    if (w.packet.verb() == verb) out.emplace_back(w.packet.payload().begin(), w.packet.payload().end());
  return out;
}

Bytes ipv4_packet(const char* src, const char* dst, std::uint8_t proto, const Bytes& body) {
  const InetAddress s = *InetAddress::from_string(src);
  const InetAddress d = *InetAddress::from_string(dst);
  Bytes p(20 + body.size(), 0);
  p[0] = 0x45;
  const std::size_t total = 20 + body.size();
  p[2] = static_cast<std::uint8_t>(total >> 8);
  p[3] = static_cast<std::uint8_t>(total);
  p[8] = 64;
  p[9] = proto;
  std::copy(s.ip(), s.ip() + 4, p.begin() + 12);
  std::copy(d.ip(), d.ip() + 4, p.begin() + 16);
  std::copy(body.begin(), body.end(), p.begin() + 20);
  return p;
}

}  // namespace zt::test
