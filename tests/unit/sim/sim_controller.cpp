#include "sim/sim_controller.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "proto/credentials/credential_test_support.hpp"
#include "controller/records.hpp"
#include "node/rule_frames.hpp"

namespace zt::sim {

using controller::json;
namespace frames = test::frames;

namespace {

frames::Ip4 ip4_of(const InetAddress& a) {
  frames::Ip4 out{};
  if (a.is_v4()) std::copy(a.ip(), a.ip() + 4, out.begin());
  return out;
}

}  // namespace

json default_network_body() {
  return {{"name", "sim-net"},
          {"private", true},
          {"v4AssignMode", {{"zt", true}}},
          {"ipAssignmentPools", {{{"ipRangeStart", "10.147.17.1"}, {"ipRangeEnd", "10.147.17.254"}}}},
          {"routes", {{{"target", "10.147.17.0/24"}, {"via", nullptr}}}}};
}

ControllerWorld::ControllerWorld(std::uint64_t seed, LinkParams link,
                                 std::optional<json> stored_fields)
    : rng(seed),
      s(seed, link),
      r(s.add_root(ep("10.0.0.1/9993"))),
      c(s.add_node("C", test::vl2_identity("controller"), {ep("10.0.0.10/9993")})),
      a(s.add_node("A", test::vl2_identity("memberA"), {ep("10.0.0.2/9993")})),
      b(s.add_node("B", test::vl2_identity("memberB"), {ep("10.0.0.3/9993")})),
      d(s.add_node("D", vector_identity(0), {ep("10.0.0.4/9993")})),
      nwid((c.address().value() << 24) | 1) {
  s.record_wire(true);
  if (stored_fields) {
    json record = controller::network_from_post(json(), default_network_body(), nwid, s.now());
    record.update(*stored_fields);
    record["revision"] = 1;
    db->networks[nwid] = record;
  }
  controller = std::make_unique<controller::Controller>(
      c.identity(), controller::Store(std::make_unique<controller::MemoryBackend>(db)),
      [this] { return rng(); });
  c.node().set_controller(controller.get());
  if (!stored_fields) set_network(default_network_body());
}

json ControllerWorld::set_network(const json& body) {
  json out;
  c.act([&] { out = controller->set_network(s.now(), nwid, body); });
  return out;
}

std::optional<json> ControllerWorld::set_member(const SimHost& member, const json& body) {
  std::optional<json> out;
  c.act([&] { out = controller->set_member(s.now(), nwid, member.address(), body); });
  return out;
}

std::optional<NetworkStatus> ControllerWorld::status(const SimHost& h) const {
  const std::optional<NetworkInfo> n = h.network(nwid);
  if (!n) return std::nullopt;
  return n->status;
}

bool ControllerWorld::join(SimHost& h, NetworkStatus wanted, Time within) {
  if (!h.join(nwid)) return false;
  return s.run_until([&] { return status(h) == wanted; }, within);
}

bool ControllerWorld::join_all(std::initializer_list<SimHost*> members, Time within) {
  for (SimHost* m : members)
    if (!m->join(nwid)) return false;
  return s.run_until(
      [&] { return std::all_of(members.begin(), members.end(), [&](SimHost* m) { return ok(*m); }); },
      within);
}

InetAddress ControllerWorld::ipv4(const SimHost& h) const {
  const std::optional<NetworkInfo> n = h.network(nwid);
  if (n)
    for (const InetAddress& ip : n->assigned_addresses)
      if (ip.is_v4()) return ip;
  return InetAddress();
}

Bytes ControllerWorld::udp(const SimHost& from, const SimHost& to, std::uint16_t port) const {
  return frames::ipv4(17, ip4_of(ipv4(from)), ip4_of(ipv4(to)), frames::udp(port, port));
}

Bytes ControllerWorld::tcp_syn(const SimHost& from, const SimHost& to, std::uint16_t dport) const {
  constexpr std::uint16_t kSyn = 0x002;
  return frames::ipv4(6, ip4_of(ipv4(from)), ip4_of(ipv4(to)), frames::tcp(40000, dport, kSyn));
}

Bytes ControllerWorld::arp_request(const SimHost& from, const SimHost& to) const {
  return frames::arp_request(mac(from).value(), ip4_of(ipv4(from)), ip4_of(ipv4(to)));
}

// The request's layout with opcode 2 and both ends filled in.
Bytes ControllerWorld::arp_reply(const SimHost& from, const SimHost& to) const {
  Bytes reply = frames::arp_request(mac(from).value(), ip4_of(ipv4(from)), ip4_of(ipv4(to)));
  reply[7] = 2;
  mac(to).to_bytes(reply.data() + 18);
  return reply;
}

std::size_t ControllerWorld::received(const SimHost& to, std::uint16_t ethertype,
                                      const Bytes& data) {
  std::size_t n = 0;
  for (const SimFrame& f : to.frames()) n += f.ethertype == ethertype && f.data == data;
  return n;
}

bool ControllerWorld::deliver(SimHost& from, const SimHost& to, MacAddress dest,
                              std::uint16_t ethertype, const Bytes& data, int tries) {
  const std::size_t before = received(to, ethertype, data);
  const auto arrived = [&] { return received(to, ethertype, data) > before; };
  for (int i = 0; i < tries && !arrived(); ++i) {
    from.send_frame(nwid, dest, ethertype, data);
    s.run_until(arrived, 1000);
  }
  return arrived();
}

std::size_t ControllerWorld::attempt(SimHost& from, const SimHost& to, MacAddress dest,
                                     std::uint16_t ethertype, const Bytes& data, int tries) {
  const std::size_t before = received(to, ethertype, data);
  for (int i = 0; i < tries; ++i) {
    from.send_frame(nwid, dest, ethertype, data);
    s.run_for(1000);
  }
  return received(to, ethertype, data) - before;
}

std::string ControllerWorld::dump() {
  return describe(r) + describe(c) + describe(a) + describe(b) + describe(d) + s.timeline(200);
}

}  // namespace zt::sim
