// The local API's JSON: upstream's field names, every counter, the ping answer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>

#include "service/api_documents.hpp"

namespace zt::service {
namespace {

using nlohmann::json;

PeerInfo sample_peer() {
  PeerInfo p;
  p.address = Address(0x89e92ceee5);
  p.version_major = 1;
  p.version_minor = 14;
  p.version_rev = 1;
  p.protocol_version = 12;
  p.latency_ms = 3;
  p.role = PeerRole::kPlanet;
  PathInfo path;
  path.address = *InetAddress::from_string("127.0.0.1/9994");
  path.local_socket = 1;
  path.last_send = 100;
  path.last_receive = 200;
  path.active = true;
  path.preferred = true;
  p.paths.push_back(path);
  return p;
}

TEST(ApiDocuments, StatusHasUpstreamFieldsAndEveryCounter) {
  StatusSnapshot s;
  s.address = Address(0xdae52f96a7);
  s.public_identity = "dae52f96a7:0:abcd";
  s.online = true;
  s.clock = 1234;
  s.planet_id = 0x499602d2;
  s.planet_timestamp = 77;
  s.primary_port = 9993;
  s.moon_ids = {0x1122334455};
  // Distinct values, so a field wired to the wrong counter shows up.
  std::uint64_t* fields = reinterpret_cast<std::uint64_t*>(&s.counters);
  constexpr std::size_t kCounters = sizeof(NodeCounters) / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < kCounters; ++i) fields[i] = 1000 + i;
  std::uint64_t* vl2 = reinterpret_cast<std::uint64_t*>(&s.vl2_counters);
  constexpr std::size_t kVl2Counters = sizeof(Vl2Counters) / sizeof(std::uint64_t);
  for (std::size_t i = 0; i < kVl2Counters; ++i) vl2[i] = 2000 + i;

  const json doc = json::parse(status_document(s));
  EXPECT_EQ(doc["address"], "dae52f96a7");
  EXPECT_EQ(doc["publicIdentity"], "dae52f96a7:0:abcd");
  EXPECT_EQ(doc["online"], true);
  EXPECT_EQ(doc["version"], "1.14.1");
  EXPECT_EQ(doc["versionMajor"], 1);
  EXPECT_EQ(doc["versionMinor"], 14);
  EXPECT_EQ(doc["versionRev"], 1);
  EXPECT_EQ(doc["clock"], 1234);
  EXPECT_EQ(doc["planetWorldId"], 0x499602d2);
  EXPECT_EQ(doc["planetWorldTimestamp"], 77);
  EXPECT_EQ(doc["config"]["settings"]["primaryPort"], 9993);
  EXPECT_EQ(doc["moonWorldIds"], json::array({"0000001122334455"}));

  const json& counters = doc["counters"];
  ASSERT_EQ(counters.size(), kCounters + kVl2Counters);
  std::set<std::uint64_t> values;
  for (const auto& [name, value] : counters.items()) values.insert(value.get<std::uint64_t>());
  EXPECT_EQ(values.size(), kCounters + kVl2Counters) << "two names report the same counter";
  EXPECT_EQ(counters["rx_datagrams"], 1000);
  EXPECT_EQ(counters["drop_decompress"], 1000 + kCounters - 1);
  EXPECT_EQ(counters["vl2_frames_in"], 2000);
  EXPECT_EQ(counters["vl2_drop_untrusted"], 2000 + kVl2Counters - 1);
}

TEST(ApiDocuments, PeerHasUpstreamFieldsAndLocalPort) {
  const json doc = json::parse(peer_document(sample_peer(), {{1, 9993}}));
  EXPECT_EQ(doc["address"], "89e92ceee5");
  EXPECT_EQ(doc["role"], "PLANET");
  EXPECT_EQ(doc["latency"], 3);
  EXPECT_EQ(doc["version"], "1.14.1");
  EXPECT_EQ(doc["versionMinor"], 14);
  ASSERT_EQ(doc["paths"].size(), 1u);
  const json& path = doc["paths"][0];
  EXPECT_EQ(path["address"], "127.0.0.1/9994");
  EXPECT_EQ(path["active"], true);
  EXPECT_EQ(path["expired"], false);
  EXPECT_EQ(path["preferred"], true);
  EXPECT_EQ(path["lastSend"], 100);
  EXPECT_EQ(path["lastReceive"], 200);
  EXPECT_EQ(path["localSocket"], 1);
  EXPECT_EQ(path["localPort"], 9993);
}

TEST(ApiDocuments, UnknownVersionAndPeer) {
  PeerInfo p = sample_peer();
  p.version_major = p.version_minor = p.version_rev = -1;
  p.role = PeerRole::kLeaf;
  const json doc = json::parse(peer_document(p, {}));
  EXPECT_EQ(doc["version"], "-1.-1.-1");
  EXPECT_EQ(doc["role"], "LEAF");
  EXPECT_EQ(doc["paths"][0]["localPort"], 0);
  EXPECT_EQ(peer_document(std::nullopt, {}), "{}");
}

TEST(ApiDocuments, PeersIsAnArray) {
  PeersSnapshot s;
  EXPECT_EQ(json::parse(peers_document(s)), json::array());
  s.peers = {sample_peer(), sample_peer()};
  s.peers[1].role = PeerRole::kMoon;
  const json doc = json::parse(peers_document(s));
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[1]["role"], "MOON");
}

TEST(ApiDocuments, PingNamesTheRelayOnlyWhenRelayed) {
  EchoReply direct;
  direct.rtt_ms = 0.41234;
  direct.endpoint = *InetAddress::from_string("127.0.0.1/9994");
  json doc = json::parse(ping_document(direct));
  EXPECT_EQ(doc["via"], "direct");
  EXPECT_EQ(doc["endpoint"], "127.0.0.1/9994");
  EXPECT_DOUBLE_EQ(doc["rtt_ms"].get<double>(), 0.412);
  EXPECT_FALSE(doc.contains("relay"));

  EchoReply relayed = direct;
  relayed.via_relay = true;
  relayed.relay = Address(0xdae52f96a7);
  doc = json::parse(ping_document(relayed));
  EXPECT_EQ(doc["via"], "relay");
  EXPECT_EQ(doc["relay"], "dae52f96a7");
}

TEST(ApiDocuments, ErrorIsAnObjectWithAMessage) {
  const json doc = json::parse(error_document("no \"such\" thing"));
  EXPECT_EQ(doc["error"], "no \"such\" thing");
}

}  // namespace
}  // namespace zt::service
