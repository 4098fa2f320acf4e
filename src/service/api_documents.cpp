#include "service/api_documents.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include "proto/constants.hpp"
#include "proto/hex.hpp"

namespace zt::service {
namespace {

using nlohmann::json;

json counters_json(const NodeCounters& c) {
  return {
      {"rx_datagrams", c.rx_datagrams},
      {"rx_packets", c.rx_packets},
      {"tx_datagrams", c.tx_datagrams},
      {"relayed", c.relayed},
      {"drop_malformed", c.drop_malformed},
      {"drop_bad_mac", c.drop_bad_mac},
      {"drop_bad_cipher", c.drop_bad_cipher},
      {"drop_replayed", c.drop_replayed},
      {"drop_invalid_identity", c.drop_invalid_identity},
      {"drop_rate_limited", c.drop_rate_limited},
      {"drop_unexpected_reply", c.drop_unexpected_reply},
      {"drop_unknown_peer", c.drop_unknown_peer},
      {"drop_fragment", c.drop_fragment},
      {"drop_relay", c.drop_relay},
      {"drop_path_refused", c.drop_path_refused},
      {"drop_unsupported", c.drop_unsupported},
      {"drop_decompress", c.drop_decompress},
  };
}

json path_json(const PathInfo& p, const std::map<LocalSocket, std::uint16_t>& local_ports) {
  const auto port = local_ports.find(p.local_socket);
  return {
      {"address", p.address.to_string()},
      {"lastSend", p.last_send},
      {"lastReceive", p.last_receive},
      {"trustedPathId", 0},
      {"active", p.active},
      {"expired", p.expired},
      {"preferred", p.preferred},
      {"localSocket", p.local_socket},
      {"localPort", port == local_ports.end() ? 0 : port->second},
  };
}

json peer_json(const PeerInfo& p, const std::map<LocalSocket, std::uint16_t>& local_ports) {
  json paths = json::array();
  for (const PathInfo& path : p.paths) paths.push_back(path_json(path, local_ports));
  return {
      {"address", p.address.to_string()},
      {"versionMajor", p.version_major},
      {"versionMinor", p.version_minor},
      {"versionRev", p.version_rev},
      {"version", std::to_string(p.version_major) + "." + std::to_string(p.version_minor) + "." +
                      std::to_string(p.version_rev)},
      {"protocolVersion", p.protocol_version},
      {"latency", p.latency_ms},
      {"role", role_name(p.role)},
      {"isBonded", false},
      {"tunneled", false},
      {"lastReceive", p.last_receive},
      {"paths", std::move(paths)},
  };
}

}  // namespace

const char* role_name(PeerRole role) {
  switch (role) {
    case PeerRole::kPlanet: return "PLANET";
    case PeerRole::kMoon: return "MOON";
    case PeerRole::kLeaf: return "LEAF";
  }
  return "LEAF";
}

std::string status_document(const StatusSnapshot& s) {
  json moons = json::array();
  for (std::uint64_t id : s.moon_ids) moons.push_back(to_hex_u64(id, 16));
  const json settings = {
      {"primaryPort", s.primary_port},
      {"secondaryPort", s.secondary_port},
      {"tertiaryPort", 0},
      {"homeDir", s.home_dir},
      {"listeningOn", s.listening_on},
      {"surfaceAddresses", json::array()},
      {"allowTcpFallbackRelay", false},
      {"forceTcpRelay", false},
      {"portMappingEnabled", false},
      {"softwareUpdate", "disable"},
      {"softwareUpdateChannel", "release"},
  };
  const json doc = {
      {"address", s.address.to_string()},
      {"publicIdentity", s.public_identity},
      {"online", s.online},
      {"tcpFallbackActive", false},
      {"versionMajor", kSoftwareVersionMajor},
      {"versionMinor", kSoftwareVersionMinor},
      {"versionRev", kSoftwareVersionRevision},
      {"versionBuild", 0},
      {"version", kVersionString},
      {"clock", s.clock},
      {"planetWorldId", s.planet_id},
      {"planetWorldTimestamp", s.planet_timestamp},
      {"moonWorldIds", std::move(moons)},
      {"root", s.root},
      {"config", {{"settings", settings}}},
      {"counters", counters_json(s.counters)},
  };
  return doc.dump();
}

std::string peer_document(const std::optional<PeerInfo>& info,
                          const std::map<LocalSocket, std::uint16_t>& local_ports) {
  if (!info) return "{}";
  return peer_json(*info, local_ports).dump();
}

std::string peers_document(const PeersSnapshot& snapshot) {
  json doc = json::array();
  for (const PeerInfo& p : snapshot.peers) doc.push_back(peer_json(p, snapshot.local_ports));
  return doc.dump();
}

std::string ping_document(const EchoReply& reply) {
  json doc = {
      // Microseconds are all a loopback measurement can honestly claim.
      {"rtt_ms", std::round(reply.rtt_ms * 1000.0) / 1000.0},
      {"via", reply.via_relay ? "relay" : "direct"},
      {"endpoint", reply.endpoint.is_nil() ? std::string() : reply.endpoint.to_string()},
  };
  if (reply.via_relay && !reply.relay.is_nil()) doc["relay"] = reply.relay.to_string();
  return doc.dump();
}

std::string error_document(std::string_view message) {
  return json{{"error", std::string(message)}}.dump();
}

}  // namespace zt::service
