// Joining networks (vl2.md §6): the request on the wire, signed chunked
// configs from a real controller, port events, the cached conf, errors,
// refresh timing, leaving, ad-hoc networks and the in-process controller.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "node/node.hpp"
#include "proto/network_config_chunks.hpp"
#include "proto/network_id.hpp"
#include "proto/verbs/network_config.hpp"
#include "proto/verbs/ok_error.hpp"
#include "vectors.hpp"
#include "vl2_fixtures.hpp"

namespace zt {
namespace {

using test::Vl2World;

std::string conf_name(std::uint64_t nwid) {
  return "networks.d/" + network_id_to_string(nwid) + ".conf";
}

TEST(Vl2Config, JoinAsksTheControllerAndComesUpWithTheSignedConfig) {
  Vl2World w;
  w.controller.members[w.a.identity().address()].ips = {*InetAddress::from_string("10.147.17.5/24")};
  EXPECT_TRUE(w.a.join(w.net.now, w.nwid));
  EXPECT_FALSE(w.a.join(w.net.now, w.nwid));
  // The port exists at once, before any config.
  test::FakeHost& h = w.host(w.a);
  ASSERT_EQ(h.port_events.size(), 1u);
  EXPECT_EQ(h.port_events[0].change, PortChange::kUp);
  EXPECT_EQ(h.port_events[0].info.status, NetworkStatus::kRequestingConfiguration);
  EXPECT_EQ(h.port_events[0].info.mac, MacAddress::from_address(w.a.identity().address(), w.nwid));
  // Nothing cached: a placeholder marks the network as joined.
  EXPECT_EQ(h.stored[conf_name(w.nwid)], Bytes{'\n'});

  w.net.deliver();
  ASSERT_EQ(w.controller.requests.size(), 1u);  // asked at once
  EXPECT_EQ(w.controller.requests[0].member, w.a.identity().address());
  EXPECT_NE(w.controller.requests[0].packet_id, 0u);

  const std::optional<NetworkInfo> info = w.a.network(w.nwid);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->status, NetworkStatus::kOk);
  EXPECT_EQ(info->name, "test-net");
  EXPECT_EQ(info->type, NetworkType::kPrivate);
  ASSERT_EQ(info->assigned_addresses.size(), 1u);
  EXPECT_EQ(info->assigned_addresses[0].to_string(), "10.147.17.5/24");
  EXPECT_TRUE(info->broadcast_enabled);
  ASSERT_EQ(h.port_events.size(), 2u);
  EXPECT_EQ(h.port_events[1].change, PortChange::kConfigUpdate);
  EXPECT_EQ(h.port_events[1].info.status, NetworkStatus::kOk);
  ASSERT_NE(h.last(NodeEventType::kNetworkStatus), nullptr);
  EXPECT_EQ(h.last(NodeEventType::kNetworkStatus)->network_status, NetworkStatus::kOk);

  // The stored conf is the config's dictionary, issued to A by the controller.
  const std::optional<NetworkConfig> stored = NetworkConfig::from_dictionary(h.stored[conf_name(w.nwid)]);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->issued_to, w.a.identity().address());
  EXPECT_TRUE(stored->com.verify(w.c.identity()));
  EXPECT_EQ(*stored->to_dictionary(), h.stored[conf_name(w.nwid)]);
  EXPECT_EQ(w.a.vl2_counters().configs_applied, 1u);
  EXPECT_EQ(w.a.networks().size(), 1u);
}

TEST(Vl2Config, RequestPayloadsAreUpstreamsBytes) {
  const nlohmann::json& v = test::vl2()["network_config_request"];
  Vl2World w;
  w.controller.revision = 5;
  w.controller.fixed_timestamp = test::kVl2Ts;
  ASSERT_TRUE(w.join(w.a));
  std::vector<Bytes> sent = test::payloads_between(w.net, w.c, w.a.identity(),
                                                   Verb::kNetworkConfigRequest);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], test::hex(v["payload_no_config_hex"]));
  // The refresh a minute later names the revision and timestamp held.
  w.run(60000);
  sent = test::payloads_between(w.net, w.c, w.a.identity(), Verb::kNetworkConfigRequest);
  ASSERT_GE(sent.size(), 2u);
  EXPECT_EQ(sent[1], test::hex(v["payload_have_rev5_hex"]));
}

TEST(Vl2Config, ConfigsFromTheWrongSignerOrForSomeoneElseAreIgnored) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  const Address a = w.a.identity().address();
  const std::uint64_t before_applied = w.a.vl2_counters().configs_applied;
  const std::size_t before_events = w.host(w.a).port_events.size();
  NetworkConfig good = w.controller.config_for(w.net.now, w.a.identity());
  good.name = "changed";

  // Signed by B, not the controller: every chunk fails its signature.
  w.b.controller_sender().send_config(w.net.now, w.nwid, a, 0, good);
  w.net.deliver();
  EXPECT_GE(w.a.vl2_counters().drop_bad_config, 1u);
  // Issued to B, signed by the controller.
  NetworkConfig for_b = w.controller.config_for(w.net.now, w.b.identity());
  for_b.name = "changed";
  w.c.controller_sender().send_config(w.net.now, w.nwid, a, 0, for_b);
  w.net.deliver();
  // For another network, in chunks that name ours.
  NetworkConfig other = good;
  other.network_id = w.nwid + 1;
  for (const Bytes& chunk :
       sign_config_chunks(*other.to_dictionary(), w.nwid, 0x1234, w.c.identity()))
    w.c.send(w.net.now, a, Verb::kNetworkConfig, chunk);
  w.net.deliver();
  EXPECT_EQ(w.a.network(w.nwid)->name, "test-net");
  EXPECT_EQ(w.a.vl2_counters().configs_applied, before_applied);
  EXPECT_EQ(w.host(w.a).port_events.size(), before_events);
  EXPECT_GE(w.a.vl2_counters().drop_bad_config, 3u);

  // The real thing, pushed: applied, and acknowledged the 1.14.1 way.
  w.c.controller_sender().send_config(w.net.now, w.nwid, a, 0, good);
  w.net.deliver();
  EXPECT_EQ(w.a.network(w.nwid)->name, "changed");
  EXPECT_EQ(w.host(w.a).port_events.back().change, PortChange::kConfigUpdate);
  bool acked = false;
  for (const Bytes& ok : test::payloads_between(w.net, w.c, w.a.identity(), Verb::kOk)) {
    const std::optional<OkMessage> m = parse_ok(ok);
    if (!m || m->in_re_verb != Verb::kEcho) continue;
    const std::optional<NetworkConfigAck> ack = parse_network_config_ack(m->body);
    acked |= ack && ack->network_id == w.nwid && ack->update_id != 0;
  }
  EXPECT_TRUE(acked);
}

TEST(Vl2Config, ControllerErrorsSetTheStatus) {
  for (auto [code, status] : {std::pair{ErrorCode::kNetworkAccessDenied, NetworkStatus::kAccessDenied},
                              std::pair{ErrorCode::kObjectNotFound, NetworkStatus::kNotFound}}) {
    Vl2World w;
    w.controller.answer_error = code;
    w.a.join(w.net.now, w.nwid);
    w.net.deliver();
    EXPECT_EQ(w.a.network(w.nwid)->status, status);
    EXPECT_EQ(w.host(w.a).port_events.back().info.status, status);
    EXPECT_EQ(w.host(w.a).last(NodeEventType::kNetworkStatus)->network_status, status);
    // A config clears the failure.
    w.controller.answer_error.reset();
    w.run(5000);
    EXPECT_EQ(w.a.network(w.nwid)->status, NetworkStatus::kOk);
  }
}

TEST(Vl2Config, AuthenticationRequiredCarriesTheUrl) {
  Vl2World w;
  w.controller.answer_error = ErrorCode::kNetworkAuthenticationRequired;
  const std::string dict = "aV=0\naU=https://auth.example/x";
  w.controller.auth_info.assign(dict.begin(), dict.end());
  w.a.join(w.net.now, w.nwid);
  w.net.deliver();
  const std::optional<NetworkInfo> info = w.a.network(w.nwid);
  EXPECT_EQ(info->status, NetworkStatus::kAuthenticationRequired);
  EXPECT_EQ(info->authentication_url, "https://auth.example/x");
}

TEST(Vl2Config, ErrorsFromOthersThanTheControllerAreIgnored) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  ASSERT_TRUE(w.join(w.b));
  // B answers a packet A really sent it, claiming A's network does not exist.
  w.a.echo(w.net.now, w.b.identity().address());
  w.net.deliver();
  const std::vector<test::WirePacket> sent = test::packets_between(w.net, w.b, w.a.identity());
  ASSERT_FALSE(sent.empty());
  for (ErrorCode code : {ErrorCode::kNetworkAccessDenied, ErrorCode::kObjectNotFound}) {
    ErrorMessage e;
    e.in_re_verb = Verb::kNetworkConfigRequest;
    e.in_re_packet_id = sent.back().wire_id;
    e.code = static_cast<std::uint8_t>(code);
    e.network_id = w.nwid;
    Bytes payload;
    ByteWriter bw(payload);
    write_error(bw, e);
    w.b.send(w.net.now, w.a.identity().address(), Verb::kError, payload);
    w.net.deliver();
  }
  EXPECT_EQ(w.a.network(w.nwid)->status, NetworkStatus::kOk);
  EXPECT_EQ(w.a.vl2_counters().drop_untrusted, 2u);
}

TEST(Vl2Config, UnconfiguredAsksEveryFiveSecondsConfiguredEveryMinute) {
  Vl2World w;
  w.controller.silent = true;
  w.a.join(w.net.now, w.nwid);
  w.run(30000);
  // At join, then every 5 s.
  EXPECT_GE(w.controller.requests.size(), 6u);
  EXPECT_LE(w.controller.requests.size(), 8u);

  w.controller.silent = false;
  w.run(5000);
  ASSERT_EQ(w.a.network(w.nwid)->status, NetworkStatus::kOk);
  const std::size_t configured_at = w.controller.requests.size();
  w.run(180000);
  // Fresh (re-stamped) configs each time: once a minute.
  EXPECT_EQ(w.controller.requests.size() - configured_at, 3u);
}

TEST(Vl2Config, RestartStartsFromTheCachedConfAndStillAsks) {
  Bytes cached;
  {
    Vl2World w;
    ASSERT_TRUE(w.join(w.a));
    cached = w.host(w.a).stored[conf_name(w.nwid)];
  }
  Vl2World w;
  w.controller.silent = true;
  w.host(w.a).stored[conf_name(w.nwid)] = cached;
  w.a.join(w.net.now, w.nwid);
  // Up at once from the cache, with one kUp carrying the config.
  const std::optional<NetworkInfo> info = w.a.network(w.nwid);
  EXPECT_EQ(info->status, NetworkStatus::kOk);
  EXPECT_EQ(info->name, "test-net");
  ASSERT_EQ(w.host(w.a).port_events.size(), 1u);
  EXPECT_EQ(w.host(w.a).port_events[0].change, PortChange::kUp);
  EXPECT_EQ(w.host(w.a).port_events[0].info.status, NetworkStatus::kOk);
  w.net.deliver();
  EXPECT_EQ(w.controller.requests.size(), 1u);
  // A cached conf that does not parse is replaced by the placeholder.
  w.host(w.b).stored[conf_name(w.nwid)] = Bytes{'x', '=', '1'};
  w.b.join(w.net.now, w.nwid);
  EXPECT_EQ(w.b.network(w.nwid)->status, NetworkStatus::kRequestingConfiguration);
  EXPECT_EQ(w.host(w.b).stored[conf_name(w.nwid)], Bytes{'\n'});
}

TEST(Vl2Config, LeaveDestroysThePortAndForgetsTheConf) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  EXPECT_TRUE(w.host(w.a).stored.contains(conf_name(w.nwid)));
  EXPECT_TRUE(w.a.leave(w.net.now, w.nwid));
  EXPECT_FALSE(w.a.leave(w.net.now, w.nwid));
  EXPECT_EQ(w.host(w.a).port_events.back().change, PortChange::kDestroy);
  EXPECT_FALSE(w.host(w.a).stored.contains(conf_name(w.nwid)));
  EXPECT_FALSE(w.a.network(w.nwid).has_value());
  EXPECT_TRUE(w.a.networks().empty());
  // No more requests.
  const std::size_t asked = w.controller.requests.size();
  w.run(20000);
  EXPECT_EQ(w.controller.requests.size(), asked);
}

TEST(Vl2Config, PushesFromTheControllerApplyAndChangeNothingWhenIdentical) {
  Vl2World w;
  ASSERT_TRUE(w.join(w.a));
  w.controller.revision = 2;
  w.c.controller_sender().send_config(w.net.now, w.nwid, w.a.identity().address(), 0,
                                      w.controller.config_for(w.net.now, w.a.identity()));
  w.net.deliver();
  EXPECT_EQ(w.a.network(w.nwid)->revision, 2u);
  const std::size_t events = w.host(w.a).port_events.size();
  w.c.controller_sender().send_config(w.net.now, w.nwid, w.a.identity().address(), 0,
                                      w.controller.config_for(w.net.now, w.a.identity()));
  w.net.deliver();
  EXPECT_EQ(w.host(w.a).port_events.size(), events);  // identical: nothing changes
}

TEST(Vl2Config, AdhocNetworksMakeTheirOwnConfig) {
  Vl2World w;
  const Address a = w.a.identity().address();
  const std::uint64_t ports = 0xff00500050000000ULL;  // ports 0x50..0x50
  ASSERT_TRUE(w.a.join(w.net.now, ports));
  std::optional<NetworkInfo> info = w.a.network(ports);
  EXPECT_EQ(info->status, NetworkStatus::kOk);
  EXPECT_EQ(info->name, "adhoc-0050-0050");
  EXPECT_EQ(info->type, NetworkType::kPublic);
  ASSERT_EQ(info->assigned_addresses.size(), 1u);
  EXPECT_EQ(info->assigned_addresses[0], sixplane_address(ports, a));

  const std::uint64_t hub = 0xff0a000000000001ULL;  // 10.0.0.0/8, no hub
  ASSERT_TRUE(w.a.join(w.net.now, hub));
  info = w.a.network(hub);
  EXPECT_EQ(info->status, NetworkStatus::kOk);
  EXPECT_EQ(info->name, "adhoc-10.0.0.0");
  ASSERT_EQ(info->assigned_addresses.size(), 2u);
  EXPECT_EQ(info->assigned_addresses[1].to_string(), "10.205.111.218/8");  // a = 6362cd6fda

  const std::uint64_t backwards = 0xff00600050000000ULL;  // end < start
  ASSERT_TRUE(w.a.join(w.net.now, backwards));
  EXPECT_EQ(w.a.network(backwards)->status, NetworkStatus::kNotFound);

  w.run(10000);
  // No request ever left: there is no controller to ask.
  EXPECT_TRUE(w.controller.requests.empty());
  EXPECT_EQ(w.a.counters().drop_unknown_peer, 0u);
}

TEST(Vl2Config, TheControllersOwnNetworkIsConfiguredInProcess) {
  Vl2World w;
  w.controller.members[w.c.identity().address()].ips = {*InetAddress::from_string("10.147.17.1/24")};
  const std::size_t sent = w.net.in_flight.size();
  ASSERT_TRUE(w.c.join(w.net.now, w.nwid));
  EXPECT_EQ(w.c.network(w.nwid)->status, NetworkStatus::kOk);
  ASSERT_EQ(w.controller.requests.size(), 1u);
  EXPECT_EQ(w.controller.requests[0].member, w.c.identity().address());
  EXPECT_EQ(w.controller.requests[0].packet_id, 0u);
  EXPECT_EQ(test::hex(test::vl2()["network_config_request"]["metadata_hex"]),
            w.controller.requests[0].metadata);
  // No config went over the wire (only LIKEs to the root may have).
  for (std::size_t i = sent; i < w.net.in_flight.size(); ++i)
    EXPECT_NE(w.net.in_flight[i].to, w.host(w.c).address);
  EXPECT_TRUE(w.host(w.c).stored.contains(conf_name(w.nwid)));
}

}  // namespace
}  // namespace zt
