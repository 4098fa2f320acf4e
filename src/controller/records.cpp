#include "controller/records.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "controller/rule_json.hpp"
#include "proto/hex.hpp"
#include "proto/vl2_constants.hpp"

namespace zt::controller {
namespace {

void set_default(json& record, const char* key, json value) {
  if (!record.contains(key)) record[key] = std::move(value);
}

std::string nwid_text(std::uint64_t nwid) { return to_hex_u64(nwid, 16); }

// A remote trace target is kept only as a 10-character string (upstream
// does not check that it is hex).
json trace_target(const json& v) {
  std::string text = json_string(v, "");
  return text.size() == 10 ? json(std::move(text)) : json(nullptr);
}

// "v4AssignMode": the legacy string "zt", or an object's "zt" flag.
json v4_assign_mode(const json& v) {
  if (v.is_string()) return {{"zt", v.get_ref<const std::string&>() == "zt"}};
  if (v.is_object()) return {{"zt", json_bool(field(v, "zt"), false)}};
  return {{"zt", false}};
}

// "v6AssignMode": a comma-separated legacy string naming the modes on, or
// an object of which only the keys present are kept.
json v6_assign_mode(const json& v) {
  json out = json::object();
  if (v.is_object()) {
    for (const char* key : {"rfc4193", "zt", "6plane"})
      if (v.contains(key)) out[key] = json_bool(v[key], false);
    return out;
  }
  out = {{"rfc4193", false}, {"zt", false}, {"6plane", false}};
  if (!v.is_string()) return out;
  const std::string& text = v.get_ref<const std::string&>();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string mode = text.substr(start, end - start);
    if (mode == "rfc4193" || mode == "zt" || mode == "6plane") out[mode] = true;
    start = end + 1;
  }
  return out;
}

bool netmask_bits_valid(const InetAddress& a) {
  return (a.is_v4() && a.port() <= 32) || (a.is_v6() && a.port() <= 128);
}

// Routes with a readable target and valid netmask bits; "via" is kept only
// when it is of the target's family.
json routes(const json& array) {
  json out = json::array();
  for (const json& route : array) {
    const json& target = field(route, "target");
    if (!target.is_string()) continue;
    const InetAddress t = inet_from_text(target.get_ref<const std::string&>());
    const json& via_text = field(route, "via");
    const InetAddress via = via_text.is_string()
                                ? inet_from_text(via_text.get_ref<const std::string&>())
                                : InetAddress();
    if (!netmask_bits_valid(t)) continue;
    out.push_back({{"target", inet_text(t)},
                   {"via", via.family() == t.family() ? json(inet_ip_text(via)) : json(nullptr)}});
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

// Pools whose two ends are addresses of the same family.
json ip_assignment_pools(const json& array) {
  json out = json::array();
  for (const json& pool : array) {
    if (!pool.is_object() || !pool.contains("ipRangeStart") || !pool.contains("ipRangeEnd"))
      continue;
    const InetAddress start = inet_from_text(json_string(pool["ipRangeStart"], ""));
    const InetAddress end = inet_from_text(json_string(pool["ipRangeEnd"], ""));
    if (start.is_nil() || start.family() != end.family()) continue;
    out.push_back({{"ipRangeStart", inet_ip_text(start)}, {"ipRangeEnd", inet_ip_text(end)}});
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

// Entries with a non-negative number as expiry. Upstream builds the object
// from a null value, so when no entry qualifies it stays null.
json auth_tokens(const json& v) {
  if (!v.is_object()) return json::array({nullptr});  // upstream's {{}}
  json out;
  for (const auto& [token, expiry] : v.items())
    if (expiry.is_number() && expiry >= 0) out[token] = expiry;
  return out;
}

// Sorted by id; of equal ids the last wins.
json capabilities(const json& array) {
  std::map<std::uint64_t, json> by_id;
  for (const json& cap : array) {
    if (!cap.is_object()) continue;
    const std::uint64_t id = json_uint(field(cap, "id"), 0);
    json rules = normalize_rules_json(field(cap, "rules")).value_or(json::array());
    by_id[id] = {{"id", id},
                 {"default", json_bool(field(cap, "default"), false)},
                 {"rules", std::move(rules)}};
  }
  json out = json::array();
  for (auto& [id, cap] : by_id) {
    out.push_back(std::move(cap));
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

json network_tags(const json& array) {
  std::map<std::uint64_t, json> by_id;
  for (const json& tag : array) {
    if (!tag.is_object()) continue;
    const std::uint64_t id = json_uint(field(tag, "id"), 0);
    const json& dfl = field(tag, "default");
    by_id[id] = {{"id", id}, {"default", dfl.is_null() ? json(nullptr) : json(json_uint(dfl, 0))}};
  }
  json out = json::array();
  for (auto& [id, tag] : by_id) {
    out.push_back(std::move(tag));
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

// Upstream copies the domain and the servers as they come; the config
// builder reads them leniently.
json dns(const json& v) {
  json out = {{"domain", field(v, "domain")}};
  if (const json& servers = field(v, "servers"); servers.is_array()) out["servers"] = servers;
  return out;
}

json member_ip_assignments(const json& array) {
  json out = json::array();
  for (const json& entry : array) {
    if (!entry.is_string()) continue;  // upstream throws on these
    const InetAddress ip = inet_from_text(entry.get_ref<const std::string&>());
    if (ip.is_nil()) continue;
    out.push_back(inet_ip_text(ip));
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

// [id, value] pairs, 32-bit each, sorted by id; of equal ids the last wins.
json member_tags(const json& array) {
  std::map<std::uint64_t, std::uint64_t> by_id;
  for (const json& tag : array)
    if (tag.is_array() && tag.size() == 2)
      by_id[json_uint(tag[0], 0) & 0xffffffffULL] = json_uint(tag[1], 0) & 0xffffffffULL;
  json out = json::array();
  for (const auto& [id, value] : by_id) {
    out.push_back({id, value});
    if (out.size() >= kMaxJsonArraySize) break;
  }
  return out;
}

json member_capabilities(const json& array) {
  std::vector<std::uint64_t> ids;
  for (const json& id : array) {
    ids.push_back(json_uint(id, 0));
    if (ids.size() >= kMaxJsonArraySize) break;
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

void init_network(json& network, std::int64_t now) {
  if (!network.is_object()) network = json::object();
  set_default(network, "private", true);
  set_default(network, "creationTime", now);
  set_default(network, "name", "");
  set_default(network, "multicastLimit", std::uint64_t{32});
  set_default(network, "enableBroadcast", true);
  set_default(network, "v4AssignMode", {{"zt", false}});
  set_default(network, "v6AssignMode", {{"rfc4193", false}, {"zt", false}, {"6plane", false}});
  set_default(network, "authTokens", json::array({nullptr}));
  set_default(network, "capabilities", json::array());
  set_default(network, "tags", json::array());
  set_default(network, "routes", json::array());
  set_default(network, "ipAssignmentPools", json::array());
  set_default(network, "mtu", kDefaultNetworkMtu);
  set_default(network, "remoteTraceTarget", nullptr);
  network["remoteTraceLevel"] = 0;
  set_default(network, "rulesSource", "");
  set_default(network, "rules",
              json::array({{{"not", false}, {"or", false}, {"type", "ACTION_ACCEPT"}}}));
  set_default(network, "dns", json::array());
  set_default(network, "ssoEnabled", false);
  set_default(network, "clientId", "");
  set_default(network, "authorizationEndpoint", "");
  network["objtype"] = "network";
}

void init_member(json& member, std::int64_t now) {
  if (!member.is_object()) member = json::object();
  set_default(member, "authorized", false);
  set_default(member, "ssoExempt", false);
  set_default(member, "ipAssignments", json::array());
  set_default(member, "activeBridge", false);
  set_default(member, "tags", json::array());
  set_default(member, "capabilities", json::array());
  set_default(member, "creationTime", now);
  set_default(member, "noAutoAssignIps", false);
  set_default(member, "revision", std::uint64_t{0});
  set_default(member, "lastDeauthorizedTime", std::uint64_t{0});
  set_default(member, "lastAuthorizedTime", std::uint64_t{0});
  set_default(member, "lastAuthorizedCredentialType", nullptr);
  set_default(member, "lastAuthorizedCredential", nullptr);
  set_default(member, "authenticationExpiryTime", std::int64_t{0});
  set_default(member, "vMajor", -1);
  set_default(member, "vMinor", -1);
  set_default(member, "vRev", -1);
  set_default(member, "vProto", -1);
  set_default(member, "remoteTraceTarget", nullptr);
  member["remoteTraceLevel"] = 0;
  member["objtype"] = "member";
}

void clean_network(json& network) {
  for (const char* key :
       {"clock", "authorizedMemberCount", "activeMemberCount", "totalMemberCount", "lastModified"})
    network.erase(key);
}

void clean_member(json& member) {
  for (const char* key : {"clock", "physicalAddr", "recentLog", "lastModified",
                          "lastRequestMetaData", "authenticationURL", "authenticationClientID"})
    member.erase(key);
}

json network_from_post(const json& existing, const json& body, std::uint64_t nwid,
                       std::int64_t now) {
  json network = existing;
  init_network(network, now);
  const json& b = body.is_object() ? body : json::object();
  if (b.contains("name")) network["name"] = json_string(b["name"], "");
  if (b.contains("private")) network["private"] = json_bool(b["private"], true);
  if (b.contains("enableBroadcast"))
    network["enableBroadcast"] = json_bool(b["enableBroadcast"], false);
  if (b.contains("multicastLimit")) network["multicastLimit"] = json_uint(b["multicastLimit"], 32);
  if (b.contains("mtu")) {
    // Upstream narrows to unsigned int before clamping.
    const auto mtu = static_cast<std::uint32_t>(json_uint(b["mtu"], kDefaultNetworkMtu));
    network["mtu"] = std::clamp(mtu, kMinNetworkMtu, kMaxNetworkMtu);
  }
  if (b.contains("remoteTraceTarget"))
    network["remoteTraceTarget"] = trace_target(b["remoteTraceTarget"]);
  if (b.contains("remoteTraceLevel"))
    network["remoteTraceLevel"] = json_uint(b["remoteTraceLevel"], 0);
  if (b.contains("v4AssignMode")) network["v4AssignMode"] = v4_assign_mode(b["v4AssignMode"]);
  if (b.contains("v6AssignMode")) network["v6AssignMode"] = v6_assign_mode(b["v6AssignMode"]);
  if (b.contains("routes") && b["routes"].is_array()) network["routes"] = routes(b["routes"]);
  if (b.contains("ipAssignmentPools") && b["ipAssignmentPools"].is_array())
    network["ipAssignmentPools"] = ip_assignment_pools(b["ipAssignmentPools"]);
  if (b.contains("rules"))
    if (auto rules = normalize_rules_json(b["rules"])) network["rules"] = std::move(*rules);
  if (b.contains("authTokens")) network["authTokens"] = auth_tokens(b["authTokens"]);
  if (b.contains("capabilities") && b["capabilities"].is_array())
    network["capabilities"] = capabilities(b["capabilities"]);
  if (b.contains("tags") && b["tags"].is_array()) network["tags"] = network_tags(b["tags"]);
  if (b.contains("dns") && b["dns"].is_object()) network["dns"] = dns(b["dns"]);
  network["id"] = nwid_text(nwid);
  network["nwid"] = nwid_text(nwid);
  clean_network(network);
  return network;
}

json member_from_post(const json& existing, const json& body, std::uint64_t nwid, Address id,
                      std::int64_t now) {
  json member = existing;
  init_member(member, now);
  const json& b = body.is_object() ? body : json::object();
  if (b.contains("activeBridge")) member["activeBridge"] = json_bool(b["activeBridge"], false);
  if (b.contains("noAutoAssignIps"))
    member["noAutoAssignIps"] = json_bool(b["noAutoAssignIps"], false);
  if (b.contains("authenticationExpiryTime"))
    member["authenticationExpiryTime"] = json_uint(b["authenticationExpiryTime"], 0);
  if (b.contains("authenticationURL"))  // stripped again by clean_member, as upstream does
    member["authenticationURL"] = json_string(b["authenticationURL"], "");
  if (b.contains("name")) member["name"] = json_string(b["name"], "");
  if (b.contains("remoteTraceTarget"))
    member["remoteTraceTarget"] = trace_target(b["remoteTraceTarget"]);
  if (b.contains("remoteTraceLevel"))
    member["remoteTraceLevel"] = json_uint(b["remoteTraceLevel"], 0);
  if (b.contains("authorized")) {
    const bool authorized = json_bool(b["authorized"], false);
    if (authorized != json_bool(member["authorized"], false)) {
      member["authorized"] = authorized;
      member[authorized ? "lastAuthorizedTime" : "lastDeauthorizedTime"] = now;
      if (authorized) {
        member["lastAuthorizedCredentialType"] = "api";
        member["lastAuthorizedCredential"] = nullptr;
      }
    }
  }
  if (b.contains("ipAssignments") && b["ipAssignments"].is_array())
    member["ipAssignments"] = member_ip_assignments(b["ipAssignments"]);
  if (b.contains("tags") && b["tags"].is_array()) member["tags"] = member_tags(b["tags"]);
  if (b.contains("capabilities") && b["capabilities"].is_array())
    member["capabilities"] = member_capabilities(b["capabilities"]);
  member["id"] = id.to_string();
  member["address"] = id.to_string();
  member["nwid"] = nwid_text(nwid);
  clean_member(member);
  return member;
}

bool same_record(const json& a, const json& b) {
  if (a.is_object() != b.is_object()) return false;
  if (!a.is_object()) return a == b;
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a.items()) {
    if (key == "revision") continue;
    auto it = b.find(key);
    if (it == b.end() || *it != value) return false;
  }
  return true;
}

std::uint64_t record_network_id(const json& record) {
  return hex_u64(json_string(field(record, "id"), "0"));
}

Address record_member_id(const json& record) {
  return Address(hex_u64(json_string(field(record, "id"), "0")));
}

}  // namespace zt::controller
