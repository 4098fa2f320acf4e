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

json vl2_counters_json(const Vl2Counters& c) {
  return {
      {"vl2_frames_in", c.frames_in},
      {"vl2_frames_out", c.frames_out},
      {"vl2_multicast_in", c.multicast_in},
      {"vl2_multicast_out", c.multicast_out},
      {"vl2_configs_applied", c.configs_applied},
      {"vl2_credentials_pushed", c.credentials_pushed},
      {"vl2_drop_unknown_network", c.drop_unknown_network},
      {"vl2_drop_no_config", c.drop_no_config},
      {"vl2_drop_not_member", c.drop_not_member},
      {"vl2_drop_filtered", c.drop_filtered},
      {"vl2_drop_bridging", c.drop_bridging},
      {"vl2_drop_multicast", c.drop_multicast},
      {"vl2_drop_malformed", c.drop_malformed},
      {"vl2_drop_bad_credential", c.drop_bad_credential},
      {"vl2_drop_bad_config", c.drop_bad_config},
      {"vl2_drop_rate_limited", c.drop_rate_limited},
      {"vl2_drop_untrusted", c.drop_untrusted},
  };
}

json network_json(const NetworkView& v) {
  const NetworkInfo& n = v.info;
  json addresses = json::array();
  for (const InetAddress& a : n.assigned_addresses) addresses.push_back(a.to_string());
  json routes = json::array();
  for (const NetworkRoute& r : n.routes)
    routes.push_back({{"target", r.target.to_string()},
                      {"via", r.via.is_nil() ? json(nullptr) : json(r.via.ip_string())},
                      {"flags", r.flags},
                      {"metric", r.metric}});
  json groups = json::array();
  for (const MulticastGroup& g : n.multicast_subscriptions)
    groups.push_back({{"mac", g.mac.to_string()}, {"adi", g.adi}});
  json servers = json::array();
  for (const InetAddress& a : n.dns.servers) servers.push_back(a.ip_string());
  const std::string id = to_hex_u64(n.id, 16);
  json doc = {
      {"id", id},
      {"nwid", id},
      {"mac", n.mac.to_string()},
      {"name", n.name},
      {"status", network_status_name(n.status)},
      {"type", n.type == NetworkType::kPublic ? "PUBLIC" : "PRIVATE"},
      {"mtu", n.mtu},
      {"dhcp", false},
      {"bridge", n.bridge},
      {"broadcastEnabled", n.broadcast_enabled},
      {"portError", v.port_error.empty() ? 0 : -1},
      {"netconfRevision", n.revision},
      {"portDeviceName", v.port_device},
      {"allowManaged", true},
      {"allowGlobal", false},
      {"allowDefault", false},
      {"allowDNS", false},
      {"assignedAddresses", std::move(addresses)},
      {"routes", std::move(routes)},
      {"multicastSubscriptions", std::move(groups)},
      {"dns", {{"domain", n.dns.domain}, {"servers", std::move(servers)}}},
  };
  if (!v.port_error.empty()) doc["portErrorMessage"] = v.port_error;
  if (n.sso_enabled || n.status == NetworkStatus::kAuthenticationRequired) {
    doc["ssoEnabled"] = n.sso_enabled;
    doc["authenticationURL"] = n.authentication_url;
    doc["authenticationExpiryTime"] = n.authentication_expiry;
  }
  return doc;
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

std::string programs_side_document(const ProgramsSideSnapshot& p) {
  json j;
  j["controlSocket"] = p.control_socket;
  j["openSockets"] = p.open_sockets;
  j["socksPort"] = p.socks_port;
  return j.dump();
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
      {"counters", [&] {
         json c = counters_json(s.counters);
         c.update(vl2_counters_json(s.vl2_counters));
         return c;
       }()},
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

std::string network_document(const NetworkView& view) { return network_json(view).dump(); }

std::string networks_document(const std::vector<NetworkView>& views) {
  json doc = json::array();
  for (const NetworkView& v : views) doc.push_back(network_json(v));
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

std::string frames_document(const std::vector<runtime::CapturedFrame>& frames) {
  json list = json::array();
  for (const runtime::CapturedFrame& f : frames)
    list.push_back({{"seq", f.seq}, {"direction", f.to_port ? "in" : "out"}, {"frame", to_hex(f.bytes)}});
  return json{{"frames", std::move(list)}}.dump();
}

std::optional<Bytes> frame_from_body(const std::string& body) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || !doc.contains("frame") || !doc["frame"].is_string()) return std::nullopt;
  const std::string text = doc["frame"].get<std::string>();
  if (text.size() > 2 * 16384) return std::nullopt;
  return from_hex(text);
}

std::string error_document(std::string_view message) {
  return json{{"error", std::string(message)}}.dump();
}

}  // namespace zt::service
