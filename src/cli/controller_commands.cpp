// `ztsdk controller network|member ...`: the controller HTTP API of a
// running service, for people: readable tables, one-line errors, --json for
// the raw documents.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/api_client.hpp"
#include "cli/command_support.hpp"
#include "cli/commands.hpp"

namespace zt::cli {
namespace {

using nlohmann::json;

struct ControllerArgs {
  std::string home;
  int port = 0;
  bool json = false;
  std::string network;
  std::string member;
  // create / update
  std::string name;
  bool make_public = false;
  bool make_private = false;
  std::vector<std::string> pools;   // START-END
  std::vector<std::string> routes;  // CIDR or CIDR@VIA
  std::string v6;                   // rfc4193,6plane,zt
  int mtu = 0;
  std::string body;                 // raw JSON, merged last
};

ApiClient client_for(const ControllerArgs& a) {
  return ApiClient::for_home(a.home, static_cast<std::uint16_t>(a.port));
}

json parse_or_fail(const ApiResponse& res, const std::string& what) {
  if (res.status == 404) fail(what + ": not found");
  if (res.status != 200) fail(what + ": " + res.error());
  json doc = json::parse(res.body, nullptr, false);
  if (doc.is_discarded()) fail(what + ": the service answered with something that is not JSON");
  return doc;
}

std::string lower_hex_or_fail(const std::string& text, std::size_t digits, const char* what) {
  std::string id;
  for (char c : text) id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (id.size() != digits || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    fail("'" + text + "' is not a " + what + " (" + std::to_string(digits) + " hex digits)");
  return id;
}
std::string network_id(const ControllerArgs& a) { return lower_hex_or_fail(a.network, 16, "network id"); }
std::string member_id(const ControllerArgs& a) { return lower_hex_or_fail(a.member, 10, "member address"); }

std::string text(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "-";
  if (it->is_string()) return it->get<std::string>().empty() ? "-" : it->get<std::string>();
  return it->dump();
}

std::string list_text(const json& items) {
  std::string out;
  for (const json& i : items) out += (out.empty() ? "" : ",") + (i.is_string() ? i.get<std::string>() : i.dump());
  return out.empty() ? "-" : out;
}

// The POST body the options describe; --body JSON goes on top.
json network_body(const ControllerArgs& a) {
  json body = json::object();
  if (!a.name.empty()) body["name"] = a.name;
  if (a.make_public && a.make_private) fail("--public and --private contradict each other");
  if (a.make_public) body["private"] = false;
  if (a.make_private) body["private"] = true;
  if (a.mtu != 0) body["mtu"] = a.mtu;
  if (!a.pools.empty()) {
    json pools = json::array();
    for (const std::string& p : a.pools) {
      const auto dash = p.find('-');
      if (dash == std::string::npos) fail("--pool wants START-END, e.g. 10.1.2.1-10.1.2.254");
      pools.push_back({{"ipRangeStart", p.substr(0, dash)}, {"ipRangeEnd", p.substr(dash + 1)}});
    }
    body["ipAssignmentPools"] = pools;
    // Pools only hand out addresses in v4AssignMode/v6AssignMode "zt".
    if (a.pools.front().find(':') == std::string::npos) body["v4AssignMode"] = {{"zt", true}};
  }
  if (!a.routes.empty()) {
    json routes = json::array();
    for (const std::string& r : a.routes) {
      const auto at = r.find('@');
      routes.push_back({{"target", r.substr(0, at)},
                        {"via", at == std::string::npos ? json(nullptr) : json(r.substr(at + 1))}});
    }
    body["routes"] = routes;
  }
  if (!a.v6.empty()) body["v6AssignMode"] = a.v6;  // the controller takes the comma form too
  if (!a.body.empty()) {
    const json extra = json::parse(a.body, nullptr, false);
    if (extra.is_discarded() || !extra.is_object()) fail("--body must be a JSON object");
    body.update(extra);
  }
  return body;
}

void print_network(const json& n) {
  std::printf("id          %s\n", text(n, "id").c_str());
  std::printf("name        %s\n", text(n, "name").c_str());
  std::printf("private     %s\n", n.value("private", true) ? "yes (members need authorization)"
                                                         : "no (anyone who asks is authorized)");
  std::printf("mtu         %s\n", text(n, "mtu").c_str());
  std::printf("broadcast   %s\n", n.value("enableBroadcast", true) ? "on" : "off");
  std::printf("v4 assign   %s\n", text(n, "v4AssignMode").c_str());
  std::printf("v6 assign   %s\n", text(n, "v6AssignMode").c_str());
  std::string pools;
  for (const json& p : n.value("ipAssignmentPools", json::array()))
    pools += (pools.empty() ? "" : ", ") + text(p, "ipRangeStart") + "-" + text(p, "ipRangeEnd");
  std::printf("pools       %s\n", pools.empty() ? "-" : pools.c_str());
  std::string routes;
  for (const json& r : n.value("routes", json::array()))
    routes += (routes.empty() ? "" : ", ") + text(r, "target") +
              (r.contains("via") && !r["via"].is_null() ? " via " + text(r, "via") : "");
  std::printf("routes      %s\n", routes.empty() ? "-" : routes.c_str());
  std::printf("rules       %zu\n", n.value("rules", json::array()).size());
  std::printf("revision    %s\n", text(n, "revision").c_str());
}

void print_or_json(const ControllerArgs& a, const json& doc, void (*print)(const json&)) {
  if (a.json)
    std::printf("%s\n", doc.dump(2).c_str());
  else
    print(doc);
}

void network_create(const ControllerArgs& a) {
  const json n = parse_or_fail(client_for(a).post_json("/controller/network", network_body(a).dump()),
                               "create");
  if (a.json) return (void)std::printf("%s\n", n.dump(2).c_str());
  std::printf("created network %s\n", text(n, "id").c_str());
}

void network_list(const ControllerArgs& a) {
  const json doc = parse_or_fail(client_for(a).get("/unstable/controller/network"), "list");
  if (a.json) return (void)std::printf("%s\n", doc.dump(2).c_str());
  const json data = doc.value("data", json::array());
  if (data.empty()) return (void)std::printf("no networks\n");
  std::printf("%-16s  %-20s  %-7s  %-7s  %s\n", "ID", "NAME", "PRIVATE", "MEMBERS", "AUTHORIZED");
  for (const json& n : data) {
    const json meta = n.value("meta", json::object());
    std::printf("%-16s  %-20s  %-7s  %-7s  %s\n", text(n, "id").c_str(), text(n, "name").c_str(),
                n.value("private", true) ? "yes" : "no", text(meta, "totalMemberCount").c_str(),
                text(meta, "authorizedMemberCount").c_str());
  }
}

void network_show(const ControllerArgs& a) {
  const std::string id = network_id(a);
  print_or_json(a, parse_or_fail(client_for(a).get("/controller/network/" + id), "network " + id),
                print_network);
}

void network_update(const ControllerArgs& a) {
  const std::string id = network_id(a);
  const json body = network_body(a);
  if (body.empty()) fail("nothing to change: give --name, --public/--private, --pool, --route, --v6, --mtu or --body");
  // Updating is create-or-update upstream; refuse to create by accident.
  parse_or_fail(client_for(a).get("/controller/network/" + id), "network " + id);
  print_or_json(a,
                parse_or_fail(client_for(a).post_json("/controller/network/" + id, body.dump()),
                              "update " + id),
                print_network);
}

void network_delete(const ControllerArgs& a) {
  const std::string id = network_id(a);
  parse_or_fail(client_for(a).del("/controller/network/" + id), "delete " + id);
  std::printf("deleted network %s\n", id.c_str());
}

void print_member(const json& m) {
  std::printf("address     %s\n", text(m, "address").c_str());
  std::printf("network     %s\n", text(m, "nwid").c_str());
  std::printf("authorized  %s\n", m.value("authorized", false) ? "yes" : "no");
  std::printf("addresses   %s\n", list_text(m.value("ipAssignments", json::array())).c_str());
  std::printf("bridge      %s\n", m.value("activeBridge", false) ? "yes" : "no");
  std::printf("name        %s\n", text(m, "name").c_str());
  std::printf("identity    %s\n", text(m, "identity").c_str());
  std::printf("revision    %s\n", text(m, "revision").c_str());
}

void member_list(const ControllerArgs& a) {
  const std::string id = network_id(a);
  const json doc = parse_or_fail(client_for(a).get("/unstable/controller/network/" + id + "/member"),
                                 "network " + id);
  if (a.json) return (void)std::printf("%s\n", doc.dump(2).c_str());
  const json data = doc.value("data", json::array());
  if (data.empty()) return (void)std::printf("no members yet\n");
  std::printf("%-10s  %-10s  %-20s  %s\n", "ADDRESS", "AUTHORIZED", "NAME", "ADDRESSES");
  for (const json& m : data)
    std::printf("%-10s  %-10s  %-20s  %s\n", text(m, "address").c_str(),
                m.value("authorized", false) ? "yes" : "no", text(m, "name").c_str(),
                list_text(m.value("ipAssignments", json::array())).c_str());
}

void member_show(const ControllerArgs& a) {
  const std::string path = "/controller/network/" + network_id(a) + "/member/" + member_id(a);
  print_or_json(a, parse_or_fail(client_for(a).get(path), "member " + member_id(a)), print_member);
}

void member_authorize(const ControllerArgs& a, bool yes) {
  const std::string nwid = network_id(a);
  const std::string path = "/controller/network/" + nwid + "/member/" + member_id(a);
  // The member record is created if the node has not asked yet: authorizing
  // ahead of a join is how members are pre-approved.
  const json m = parse_or_fail(
      client_for(a).post_json(path, json{{"authorized", yes}}.dump()), "member " + member_id(a));
  if (a.json) return (void)std::printf("%s\n", m.dump(2).c_str());
  std::printf("%s %s on %s\n", yes ? "authorized" : "deauthorized", member_id(a).c_str(),
              nwid.c_str());
}

CLI::App* command(CLI::App* parent, const char* name, const char* help, ControllerArgs& a,
                  bool json_flag = true) {
  CLI::App* c = parent->add_subcommand(name, help);
  c->add_option("--home", a.home, "The controller service's home directory (token and port file)")
      ->required();
  c->add_option("--port", a.port, "The local API's TCP port (default: from the home directory)")
      ->check(CLI::Range(1, 65535));
  if (json_flag) c->add_flag("--json", a.json, "Print the API's JSON as it is");
  return c;
}

void network_options(CLI::App* c, ControllerArgs& a) {
  c->add_option("--name", a.name, "Short name");
  c->add_flag("--public", a.make_public, "Anyone who asks gets the config");
  c->add_flag("--private", a.make_private, "Members need authorization (the default)");
  c->add_option("--pool", a.pools, "Address pool START-END (repeatable); IPv4 pools turn on v4 assignment");
  c->add_option("--route", a.routes, "Managed route CIDR, or CIDR@GATEWAY (repeatable)");
  c->add_option("--v6", a.v6, "IPv6 assignment: any of rfc4193,6plane,zt (comma separated)");
  c->add_option("--mtu", a.mtu, "Network MTU")->check(CLI::Range(1280, 10000));
  c->add_option("--body", a.body, "Raw JSON object of upstream's network fields, applied last");
}

}  // namespace

void register_controller_commands(CLI::App& app) {
  auto a = std::make_shared<ControllerArgs>();
  CLI::App* ctl = app.add_subcommand(
      "controller", "Manage the networks of a running service's controller (its HTTP API)");
  ctl->require_subcommand(1);

  CLI::App* net = ctl->add_subcommand("network", "Create, list, show, change and delete networks");
  net->require_subcommand(1);
  CLI::App* c = command(net, "create", "Create a network with a new id", *a);
  network_options(c, *a);
  c->callback([a] { network_create(*a); });
  command(net, "list", "List the controller's networks", *a)->callback([a] { network_list(*a); });
  c = command(net, "show", "Show one network", *a);
  c->add_option("NETWORK", a->network, "Network id")->required();
  c->callback([a] { network_show(*a); });
  c = command(net, "update", "Change a network", *a);
  c->add_option("NETWORK", a->network, "Network id")->required();
  network_options(c, *a);
  c->callback([a] { network_update(*a); });
  c = command(net, "delete", "Delete a network and its members", *a, false);
  c->add_option("NETWORK", a->network, "Network id")->required();
  c->callback([a] { network_delete(*a); });

  CLI::App* mem = ctl->add_subcommand("member", "List, show, authorize and deauthorize members");
  mem->require_subcommand(1);
  c = command(mem, "list", "List a network's members", *a);
  c->add_option("NETWORK", a->network, "Network id")->required();
  c->callback([a] { member_list(*a); });
  for (const char* name : {"show", "authorize", "deauthorize"}) {
    const std::string verb = name;
    c = command(mem, name,
                verb == "show" ? "Show one member" : verb == "authorize" ? "Let a member in (also before it joins)"
                                                                         : "Cut a member off",
                *a);
    c->add_option("NETWORK", a->network, "Network id")->required();
    c->add_option("MEMBER", a->member, "Member address (10 hex digits)")->required();
    c->callback([a, verb] {
      if (verb == "show")
        member_show(*a);
      else
        member_authorize(*a, verb == "authorize");
    });
  }
}

}  // namespace zt::cli
