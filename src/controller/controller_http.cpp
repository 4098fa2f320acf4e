#include "controller/controller_http.hpp"

#include <regex>

#include "proto/network_id.hpp"

namespace zt::controller {
namespace {

const std::regex kNetworkPath("/controller/network/([0-9a-fA-F]{16})");
const std::regex kLegacyCreatePath("/controller/network/([0-9a-fA-F]{10})______");
const std::regex kMemberListPath("/controller/network/([0-9a-fA-F]{16})/member");
const std::regex kUnstableMemberListPath("/unstable/controller/network/([0-9a-fA-F]{16})/member");
const std::regex kMemberPath("/controller/network/([0-9a-fA-F]{16})/member/([0-9a-fA-F]{10})");

constexpr std::size_t kMaxPathLength = 128;

HttpReply ok(const json& document) { return {200, dump_json(document)}; }
HttpReply status_only(int status) { return {status, "{}"}; }

std::uint64_t nwid_of(const std::string& hex) { return hex_u64(hex); }
Address member_of(const std::string& hex) { return Address(hex_u64(hex)); }

bool is_write(std::string_view method) { return method == "POST" || method == "PUT"; }

std::optional<json> parse_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  return parse_json(body);
}

json network_list(const Controller& c) {
  json out = json::array();
  for (std::uint64_t nwid : c.store().network_ids()) out.push_back(network_id_to_string(nwid));
  return out;
}

json unstable_network_list(const Controller& c) {
  json data = json::array();
  for (std::uint64_t nwid : c.store().network_ids()) {
    json network = *c.store().network(nwid);
    const NetworkSummary s = c.store().summary(nwid);
    network["meta"] = {{"totalMemberCount", s.total_members},
                       {"authorizedMemberCount", s.authorized_members}};
    data.push_back(std::move(network));
  }
  const std::size_t count = data.size();
  return {{"data", std::move(data)}, {"meta", {{"networkCount", count}}}};
}

json member_revisions(const Controller& c, std::uint64_t nwid) {
  json out = json::object();
  for (const auto& [id, member] : *c.store().members(nwid)) {
    const std::string text = json_string(field(member, "id"), "");
    if (text.size() == 10) out[text] = static_cast<int>(json_uint(field(member, "revision"), 0));
  }
  return out;
}

json unstable_member_list(const Controller& c, std::uint64_t nwid) {
  json data = json::array();
  for (const auto& [id, member] : *c.store().members(nwid)) data.push_back(member);
  const NetworkSummary s = c.store().summary(nwid);
  return {{"data", std::move(data)},
          {"meta", {{"totalCount", s.total_members}, {"authorizedCount", s.authorized_members}}}};
}

HttpReply create_network(Controller& c, std::string_view body, std::int64_t now) {
  const std::optional<json> b = parse_body(body);
  if (!b) return {400, R"({"error":"the body is not JSON"})"};
  const std::optional<std::uint64_t> nwid = c.unused_network_id();
  if (!nwid) return status_only(503);
  return ok(c.set_network(now, *nwid, *b));
}

}  // namespace

HttpReply handle_controller_http(Controller& c, std::string_view method, std::string_view path_view,
                                 std::string_view body, std::int64_t now) {
  // No route is longer; libstdc++'s regex recurses per character.
  if (path_view.size() > kMaxPathLength) return status_only(404);
  const std::string path(path_view);
  std::smatch m;
  const bool get = method == "GET";
  const bool write = is_write(method);
  const bool erase = method == "DELETE";

  if (path == "/controller" && get)
    return ok({{"controller", true},
               {"apiVersion", kControllerApiVersion},
               {"clock", now},
               {"databaseReady", true}});
  if (path == "/controller/network") {
    if (get) return ok(network_list(c));
    if (write) return create_network(c, body, now);
  }
  if (path == "/unstable/controller/network" && get) return ok(unstable_network_list(c));

  if (std::regex_match(path, m, kLegacyCreatePath) && write) {
    if (m[1].str() != c.address().to_string()) return status_only(400);
    return create_network(c, body, now);
  }

  if (std::regex_match(path, m, kNetworkPath)) {
    const std::uint64_t nwid = nwid_of(m[1]);
    if (get) {
      const json* network = c.store().network(nwid);
      return network ? ok(*network) : status_only(404);
    }
    if (write) {
      const std::optional<json> b = parse_body(body);
      if (!b) return {400, R"({"error":"the body is not JSON"})"};
      return ok(c.set_network(now, nwid, *b));
    }
    if (erase) {
      const std::optional<json> old = c.delete_network(now, nwid);
      return old ? ok(*old) : status_only(404);
    }
  }

  if (std::regex_match(path, m, kMemberListPath) && get) {
    const std::uint64_t nwid = nwid_of(m[1]);
    return c.store().has_network(nwid) ? ok(member_revisions(c, nwid)) : status_only(404);
  }
  if (std::regex_match(path, m, kUnstableMemberListPath) && get) {
    const std::uint64_t nwid = nwid_of(m[1]);
    return c.store().has_network(nwid) ? ok(unstable_member_list(c, nwid)) : status_only(404);
  }

  if (std::regex_match(path, m, kMemberPath)) {
    const std::uint64_t nwid = nwid_of(m[1]);
    const Address id = member_of(m[2]);
    if (get) {
      const json* member = c.store().member(nwid, id);
      return member ? ok(*member) : status_only(404);
    }
    if (write) {
      if (!c.store().has_network(nwid)) return status_only(404);
      const std::optional<json> b = parse_body(body);
      if (!b) return {400, R"({"error":"the body is not JSON"})"};
      const std::optional<json> member = c.set_member(now, nwid, id, *b);
      return member ? ok(*member) : status_only(404);
    }
    if (erase) {
      const std::optional<json> old = c.delete_member(now, nwid, id);
      return old ? ok(*old) : status_only(404);
    }
  }
  return status_only(404);
}

}  // namespace zt::controller
