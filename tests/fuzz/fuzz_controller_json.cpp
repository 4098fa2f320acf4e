// Hostile controller API bodies. The input is a POST body: it is applied
// as a network update and as a member update, each must give a record of
// the right shape that survives a dump and reparse and that the same body
// leaves unchanged a second time; then a config is built from the two
// records (pool allocation, credentials) and its dictionary must read back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "controller/config_builder.hpp"
#include "controller/records.hpp"
#include "controller/rule_json.hpp"
#include "proto/network_config.hpp"

namespace {

using zt::controller::json;

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;  // the vl2 vectors' network
constexpr std::int64_t kNow = 1700000000000LL;

void check(bool ok) {
  if (!ok) std::abort();
}

const zt::Identity& controller() {  // the vl2 vectors' controller, with its secret
  static const zt::Identity id = *zt::Identity::from_string(
      "e08309ce1e:0:5e8e58354ca8456b536dbc458853b908b6a41e994f30e28dd0285839fc9709645709331be26bc"
      "6fcb2d15c2686efb3d1e83ab98e5d34be45fdc2d7f0f3452cb9:c3a7b5f59aa025d61058787b827946e15109a1"
      "93991ae3254d96cd9ef3902e15d3527fa8626dc991ab96b65f2f5f403203bf2d9d1f714fa85c8df36aba5619e3");
  return id;
}

const zt::Identity& member() {  // the vectors' member A
  static const zt::Identity id = *zt::Identity::from_string(
      "6362cd6fda:0:5e43ef1b6352ebd990f6395be12b1c639e779117cf9bfc63e0984137e705c222c1019061f3bfa3"
      "5cb6e9709037c5450be2fc3c5fa2220a3208ac55de869fa609");
  return id;
}

bool is_array_of(const json& v, bool (json::*kind)() const noexcept) {
  if (!v.is_array()) return false;
  for (const json& e : v)
    if (!(e.*kind)()) return false;
  return true;
}

void check_stores(const json& record) {
  const std::string text = zt::controller::dump_json(record);
  const auto again = zt::controller::parse_json(text);
  check(again && *again == record);
}

// Const access must neither insert nor assert: every key read is there.
const json& at(const json& v, const char* key) { return v.at(key); }

void check_network(const json& n) {
  check(n.is_object() && at(n, "id") == "e08309ce1e000001" && at(n, "nwid") == at(n, "id"));
  check(at(n, "objtype") == "network" && at(n, "name").is_string());
  check(at(n, "private").is_boolean() && at(n, "enableBroadcast").is_boolean());
  const json& mtu = at(n, "mtu");
  check(mtu.is_number_unsigned() && mtu >= 1280 && mtu <= 10000);
  check(at(n, "multicastLimit").is_number() && at(n, "remoteTraceLevel").is_number());
  const json& trace = at(n, "remoteTraceTarget");
  check(trace.is_null() || (trace.is_string() && trace.get<std::string>().size() == 10));
  check(at(at(n, "v4AssignMode"), "zt").is_boolean());
  check(at(n, "v6AssignMode").is_object());
  for (const auto& [mode, on] : at(n, "v6AssignMode").items()) check(on.is_boolean());
  check(is_array_of(at(n, "routes"), &json::is_object));
  for (const json& r : at(n, "routes"))
    check(at(r, "target").is_string() && (at(r, "via").is_null() || at(r, "via").is_string()));
  check(is_array_of(at(n, "ipAssignmentPools"), &json::is_object));
  check(is_array_of(at(n, "rules"), &json::is_object));
  for (const json& r : at(n, "rules")) check(zt::controller::rule_from_json(r).has_value());
  for (const char* list : {"capabilities", "tags"}) {
    const json& entries = at(n, list);
    check(is_array_of(entries, &json::is_object));
    for (std::size_t i = 1; i < entries.size(); ++i)
      check(at(entries[i - 1], "id") < at(entries[i], "id"));  // sorted, unique
  }
  const json& tokens = at(n, "authTokens");
  check(tokens.is_null() || tokens.is_object() || tokens == json::array({nullptr}));
  for (const char* stripped :
       {"clock", "authorizedMemberCount", "totalMemberCount", "lastModified"})
    check(!n.contains(stripped));
  check_stores(n);
}

// `from_post`: straight from a POST. The config builder then appends
// default tags (their values unclamped) and default capabilities (unsorted)
// as upstream does.
void check_member(const json& m, bool from_post) {
  check(m.is_object() && at(m, "id") == "6362cd6fda" && at(m, "address") == at(m, "id"));
  check(at(m, "nwid") == "e08309ce1e000001" && at(m, "objtype") == "member");
  check(at(m, "authorized").is_boolean() && at(m, "activeBridge").is_boolean() &&
        at(m, "noAutoAssignIps").is_boolean());
  if (at(m, "authorized") == true) check(at(m, "lastAuthorizedTime") == kNow);
  check(is_array_of(at(m, "ipAssignments"), &json::is_string));
  const json& caps = at(m, "capabilities");
  check(is_array_of(caps, &json::is_number_unsigned));
  const json& tags = at(m, "tags");
  check(is_array_of(tags, &json::is_array));
  for (const json& t : tags) check(t.size() == 2 && t[0] <= 0xffffffffULL);
  if (from_post) {
    for (std::size_t i = 1; i < caps.size(); ++i) check(caps[i - 1] < caps[i]);
    for (const json& t : tags) check(t[1] <= 0xffffffffULL);
  }
  for (const char* stripped : {"clock", "physicalAddr", "authenticationURL", "lastRequestMetaData"})
    check(!m.contains(stripped));
  check_stores(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<json> body = zt::controller::parse_json(text);
  if (!body) return 0;

  const json network = zt::controller::network_from_post(json(), *body, kNwid, kNow);
  check_network(network);
  check(zt::controller::same_record(
      network, zt::controller::network_from_post(network, *body, kNwid, kNow + 1)));
  json record = zt::controller::member_from_post(json(), *body, kNwid, member().address(), kNow);
  check_member(record, true);
  check(zt::controller::same_record(
      record,
      zt::controller::member_from_post(record, *body, kNwid, member().address(), kNow + 1)));

  zt::controller::NetworkSummary summary;  // the member's own addresses are taken
  for (const json& ip : record.at("ipAssignments")) {
    zt::InetAddress a = zt::controller::inet_from_text(ip.get<std::string>());
    a.set_port(0);
    summary.allocated_ips.push_back(a);
  }
  std::sort(summary.allocated_ips.begin(), summary.allocated_ips.end());
  zt::controller::ConfigRequest req;
  req.network_id = kNwid;
  req.now = kNow;
  req.member = member();
  req.new_member = true;
  req.rules_engine_revision = size & 1;
  std::uint64_t draw = 0x9e3779b97f4a7c15ULL;
  const zt::controller::RandomFn random = [&draw] {
    return draw = draw * 6364136223846793005ULL + 1;
  };
  const auto config =
      zt::controller::build_network_config(controller(), network, record, summary, req, random);
  check(config.has_value());
  check(config->static_ips.size() <= zt::kMaxStaticIps &&
        config->routes.size() <= zt::kMaxNetworkRoutes);
  check(config->capabilities.size() <= zt::kMaxNetworkCapabilities &&
        config->tags.size() <= zt::kMaxNetworkTags);
  check(config->com.verify(controller()));
  check_member(record, false);  // still a valid record with what the config added
  if (const auto dict = config->to_dictionary())
    check(zt::NetworkConfig::from_dictionary(*dict).has_value());
  return 0;
}
