// `ztsdk status|peers|ping|join|leave|networks`: talk to a running service
// through its local API and print what it says readably (or as the raw JSON
// with --json).
#include "cli/api_commands.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/api_client.hpp"
#include "cli/command_support.hpp"
#include "proto/address.hpp"

namespace zt::cli {
namespace {

using nlohmann::json;

struct ApiArgs {
  std::string home;
  int port = 0;
  bool json = false;
  std::string address;
  std::string network;
  int count = 1;
  int timeout_ms = 3000;
  int interval_ms = 1000;
};

json parse_body(const ApiResponse& res) {
  json doc = json::parse(res.body, nullptr, false);
  if (doc.is_discarded()) fail("the service answered with something that is not JSON");
  return doc;
}

ApiClient client_for(const ApiArgs& a) {
  return ApiClient::for_home(a.home, static_cast<std::uint16_t>(a.port));
}

json get_or_fail(const ApiClient& client, const std::string& path) {
  const ApiResponse res = client.get(path);
  if (res.status != 200) fail(path + ": " + res.error());
  return parse_body(res);
}

std::string text_of(const json& doc, const char* key) {
  const auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "-";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

void print_status(const json& s) {
  const json& settings = s.value("config", json::object()).value("settings", json::object());
  std::printf("address     %s\n", text_of(s, "address").c_str());
  std::printf("online      %s\n", s.value("online", false) ? "yes" : "no");
  std::printf("version     %s\n", text_of(s, "version").c_str());
  std::printf("root        %s\n", s.value("root", false) ? "yes (acting as root)" : "no");
  const std::uint64_t planet = s.value("planetWorldId", std::uint64_t{0});
  if (planet == 0) {
    std::printf("planet      none (empty world)\n");
  } else {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(planet));
    std::printf("planet      %s (revision %s)\n", id, text_of(s, "planetWorldTimestamp").c_str());
  }
  std::string moons;
  for (const json& m : s.value("moonWorldIds", json::array()))
    moons += (moons.empty() ? "" : " ") + (m.is_string() ? m.get<std::string>() : m.dump());
  std::printf("moons       %s\n", moons.empty() ? "none" : moons.c_str());
  std::printf("udp port    %s\n", text_of(settings, "primaryPort").c_str());
  std::printf("counters\n");
  const json counters = s.value("counters", json::object());
  for (const auto& [name, value] : counters.items())
    std::printf("  %-22s %s\n", name.c_str(), value.dump().c_str());
}

void status(const ApiArgs& a) {
  const json s = get_or_fail(client_for(a), "/status");
  if (a.json) {
    std::printf("%s\n", s.dump(2).c_str());
    return;
  }
  print_status(s);
}

std::string latency_text(const json& peer) {
  const int latency = peer.value("latency", -1);
  return latency < 0 ? "-" : std::to_string(latency) + " ms";
}

std::string version_text(const json& peer) {
  if (peer.value("versionMajor", -1) < 0) return "-";
  return text_of(peer, "version");
}

std::vector<std::string> path_lines(const json& peer) {
  std::vector<std::string> lines;
  for (const json& p : peer.value("paths", json::array())) {
    std::string line = text_of(p, "address");
    line += p.value("active", false) ? " active" : " inactive";
    if (p.value("expired", false)) line += " expired";
    if (p.value("preferred", false)) line += " preferred";
    lines.push_back(line);
  }
  if (lines.empty()) lines.push_back("(no direct path)");
  return lines;
}

void peers(const ApiArgs& a) {
  const json list = get_or_fail(client_for(a), "/peer");
  if (a.json) {
    std::printf("%s\n", list.dump(2).c_str());
    return;
  }
  if (!list.is_array()) fail("/peer: the service did not answer with a list");
  if (list.empty()) {
    std::printf("no peers\n");
    return;
  }
  std::printf("%-10s  %-6s  %-8s  %-8s  %s\n", "ADDRESS", "ROLE", "LATENCY", "VERSION", "PATHS");
  for (const json& peer : list) {
    const std::vector<std::string> paths = path_lines(peer);
    std::printf("%-10s  %-6s  %-8s  %-8s  %s\n", text_of(peer, "address").c_str(),
                text_of(peer, "role").c_str(), latency_text(peer).c_str(),
                version_text(peer).c_str(), paths.front().c_str());
    for (std::size_t i = 1; i < paths.size(); ++i)
      std::printf("%40s  %s\n", "", paths[i].c_str());
  }
}

// One ping; true if a reply came.
bool ping_once(const ApiClient& client, const std::string& address, int timeout_ms) {
  const ApiResponse res = client.post(
      "/ztsdk/ping/" + address + "?timeout_ms=" + std::to_string(timeout_ms),
      std::chrono::milliseconds(timeout_ms));
  if (res.status == 504) {
    std::printf("no reply from %s within %d ms\n", address.c_str(), timeout_ms);
    std::fflush(stdout);
    return false;
  }
  if (res.status != 200) fail(res.error());
  const json r = parse_body(res);
  std::string via = text_of(r, "via");
  if (via == "relay")
    via += " " + (r.contains("relay") ? text_of(r, "relay") : "at " + text_of(r, "endpoint"));
  else
    via += " " + text_of(r, "endpoint");
  std::printf("reply from %s: rtt=%.2f ms via %s\n", address.c_str(), r.value("rtt_ms", 0.0),
              via.c_str());
  std::fflush(stdout);
  return true;
}

void ping(const ApiArgs& a) {
  const std::optional<Address> address = Address::from_string(a.address);
  if (!address || address->is_reserved())
    fail("'" + a.address + "' is not a ZeroTier address (10 hex digits)");
  const ApiClient client = client_for(a);
  int received = 0;
  for (int i = 0; i < a.count; ++i) {
    const auto started = std::chrono::steady_clock::now();
    if (ping_once(client, address->to_string(), a.timeout_ms)) ++received;
    if (i + 1 < a.count)
      std::this_thread::sleep_until(started + std::chrono::milliseconds(a.interval_ms));
  }
  if (a.count > 1) std::printf("%d sent, %d received\n", a.count, received);
  if (received == 0)
    fail("no reply from " + address->to_string() +
         (a.count > 1 ? std::string() : " within " + std::to_string(a.timeout_ms) + " ms"));
}

std::string network_id_or_fail(const std::string& text) {
  std::string id;
  for (char c : text) id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    fail("'" + text + "' is not a network id (16 hex digits)");
  return id;
}

std::string joined_list(const json& items) {
  std::string out;
  for (const json& i : items) out += (out.empty() ? "" : ",") + (i.is_string() ? i.get<std::string>() : i.dump());
  return out.empty() ? "-" : out;
}

void print_networks(const json& list) {
  if (list.empty()) {
    std::printf("no networks joined\n");
    return;
  }
  std::printf("%-16s  %-16s  %-17s  %-24s  %-7s  %s\n", "ID", "NAME", "MAC", "STATUS", "TYPE",
              "ADDRESSES");
  for (const json& n : list) {
    std::string name = text_of(n, "name");
    if (name.empty()) name = "-";
    std::printf("%-16s  %-16s  %-17s  %-24s  %-7s  %s\n", text_of(n, "id").c_str(), name.c_str(),
                text_of(n, "mac").c_str(), text_of(n, "status").c_str(), text_of(n, "type").c_str(),
                joined_list(n.value("assignedAddresses", json::array())).c_str());
    if (n.contains("portErrorMessage"))
      std::printf("%18s  port error: %s\n", "", text_of(n, "portErrorMessage").c_str());
  }
}

void networks(const ApiArgs& a) {
  const json list = get_or_fail(client_for(a), "/network");
  if (a.json) {
    std::printf("%s\n", list.dump(2).c_str());
    return;
  }
  if (!list.is_array()) fail("/network: the service did not answer with a list");
  print_networks(list);
}

void join(const ApiArgs& a) {
  const std::string id = network_id_or_fail(a.network);
  const ApiResponse res = client_for(a).post("/network/" + id, std::chrono::milliseconds(0));
  if (res.status != 200) fail("join " + id + ": " + res.error());
  const json n = parse_body(res);
  if (a.json) {
    std::printf("%s\n", n.dump(2).c_str());
    return;
  }
  std::printf("joined %s (status %s)\n", id.c_str(), text_of(n, "status").c_str());
}

void leave(const ApiArgs& a) {
  const std::string id = network_id_or_fail(a.network);
  const ApiResponse res = client_for(a).del("/network/" + id);
  if (res.status == 404) fail("not a member of " + id);
  if (res.status != 200) fail("leave " + id + ": " + res.error());
  std::printf("left %s\n", id.c_str());
}

void add_common(CLI::App* cmd, ApiArgs& a) {
  cmd->add_option("--home", a.home, "The service's home directory (token and port file)")
      ->required();
  cmd->add_option("--port", a.port, "The local API's TCP port (default: from the home directory)")
      ->check(CLI::Range(1, 65535));
}

}  // namespace

void register_api_commands(CLI::App& app) {
  auto args = std::make_shared<ApiArgs>();

  CLI::App* st = app.add_subcommand("status", "Show a running service's address, state and counters");
  add_common(st, *args);
  st->add_flag("--json", args->json, "Print the API's JSON as it is");
  st->callback([args] { status(*args); });

  CLI::App* pe = app.add_subcommand("peers", "List the peers a running service knows and their paths");
  add_common(pe, *args);
  pe->add_flag("--json", args->json, "Print the API's JSON as it is");
  pe->callback([args] { peers(*args); });

  CLI::App* pi = app.add_subcommand("ping", "Send VL1 ECHOs to a node through a running service");
  add_common(pi, *args);
  pi->add_option("ADDRESS", args->address, "The node's 10-hex-digit address")->required();
  pi->add_option("-c,--count", args->count, "How many echoes (default 1)")->check(CLI::Range(1, 100000));
  pi->add_option("--timeout", args->timeout_ms, "How long to wait for each reply, ms (default 3000)")
      ->check(CLI::Range(1, 60000));
  pi->add_option("-i,--interval", args->interval_ms, "Time between echoes, ms (default 1000; nodes answer at most ~6 a second)")
      ->check(CLI::Range(0, 3600000));
  pi->callback([args] { ping(*args); });

  CLI::App* nw = app.add_subcommand("networks", "List the networks a running service has joined");
  add_common(nw, *args);
  nw->add_flag("--json", args->json, "Print the API's JSON as it is");
  nw->callback([args] { networks(*args); });

  CLI::App* jo = app.add_subcommand("join", "Join a network (the service remembers it across restarts)");
  add_common(jo, *args);
  jo->add_option("NETWORK", args->network, "The network id (16 hex digits)")->required();
  jo->add_flag("--json", args->json, "Print the API's JSON as it is");
  jo->callback([args] { join(*args); });

  CLI::App* le = app.add_subcommand("leave", "Leave a network");
  add_common(le, *args);
  le->add_option("NETWORK", args->network, "The network id (16 hex digits)")->required();
  le->callback([args] { leave(*args); });
}

}  // namespace zt::cli
