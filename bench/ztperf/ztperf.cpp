// ztperf: an iperf-like tool for ztsdk. Two processes on one virtual
// network (a node in each, traffic through the zts_bsd_* sockets: lwIP,
// VL2 frames, AES-GMAC-SIV, UDP on loopback) measure TCP throughput with 1
// and 4 streams, 64-byte request/response latency, connections per second,
// join-to-ready times and peak RSS; the same two processes then measure
// the same over kernel TCP on 127.0.0.1, and each figure is printed beside
// the kernel's.
//
//   ztperf [--seconds S] [--runs N] [--mtu M]   everything: a private root and
//                                               controller here, then server
//                                               and client processes
//   ztperf server|client ...                    the two halves (started by the above)
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "embedded_node.hpp"
#include "measurements.hpp"
#include "private_world.hpp"
#include "proto/hex.hpp"

namespace ztperf {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::uint16_t kSinkPort = 5001, kEchoPort = 5002, kAcceptClosePort = 5003;
constexpr auto kReadyTimeout = 15s;

struct NodeArgs {
  std::string home, planet, network;
  std::size_t loopback_mtu = 0;
};

void add_node_options(CLI::App& app, NodeArgs& a) {
  app.add_option("--home", a.home, "the node's home (identity.secret)")->required();
  app.add_option("--planet", a.planet, "the private planet")->required();
  app.add_option("--network", a.network, "network id (16 hex digits)")->required();
  app.add_option("--loopback-mtu", a.loopback_mtu, "path MTU over loopback (0: default)");
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "ztperf: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

double ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return to_ns == 0 ? -1 : static_cast<double>(to_ns - from_ns) / 1e6;
}

// Starts this process's node and waits for its address.
std::unique_ptr<EmbeddedNode> start_node(const NodeArgs& a, std::string* ip) {
  const std::optional<std::uint64_t> nwid = zt::parse_hex_u64(a.network);
  if (!nwid) die("bad network id " + a.network);
  std::string error;
  auto node = EmbeddedNode::start({a.home, a.planet, *nwid, a.loopback_mtu}, &error);
  if (!node) die(error);
  const std::optional<zt::InetAddress> address = node->wait_for_ipv4(kReadyTimeout);
  if (!address) die("the node got no IPv4 address on the network");
  *ip = address->ip_string();
  return node;
}

void wait_for_stdin_eof() {
  char c;
  while (std::fread(&c, 1, 1, stdin) == 1) {
  }
}

// ---- server -----------------------------------------------------------------

[[noreturn]] void run_server(const NodeArgs& a) {
  std::string ip;
  auto node = start_node(a, &ip);
  const std::uint16_t z_sink = start_server(zts_api(), ip, kSinkPort, ServeKind::kSink);
  const std::uint16_t z_echo = start_server(zts_api(), ip, kEchoPort, ServeKind::kEcho);
  const std::uint16_t z_acc = start_server(zts_api(), ip, kAcceptClosePort, ServeKind::kAcceptClose);
  const std::uint16_t k_sink = start_server(kernel_api(), "127.0.0.1", 0, ServeKind::kSink);
  const std::uint16_t k_echo = start_server(kernel_api(), "127.0.0.1", 0, ServeKind::kEcho);
  const std::uint16_t k_acc = start_server(kernel_api(), "127.0.0.1", 0, ServeKind::kAcceptClose);
  if (!z_sink || !z_echo || !z_acc || !k_sink || !k_echo || !k_acc) die("server: cannot listen");
  std::printf("READY %s %u %u %u %u %u %u %.1f %.1f\n", ip.c_str(), z_sink, z_echo, z_acc, k_sink,
              k_echo, k_acc, ms_between(node->started_ns(), node->online_ns()),
              ms_between(node->started_ns(), node->ready_ns()));
  std::fflush(stdout);
  const double cpu_at_ready = cpu_seconds();
  wait_for_stdin_eof();
  std::printf("RSS %llu CPU %.3f\n", static_cast<unsigned long long>(peak_rss_bytes()),
              cpu_seconds() - cpu_at_ready);
  const EmbeddedNode::QueueStats queue = node->queue_stats();
  std::fprintf(stderr, "ztperf: server loop wakeups %llu; frame queue: %llu dropped, peak %.1f MB\n",
               static_cast<unsigned long long>(node->loop_wakeups()),
               static_cast<unsigned long long>(queue.dropped), static_cast<double>(queue.peak_bytes) / 1e6);
  std::fflush(stdout);
  // Connection threads may still sit in lwIP: no orderly teardown.
  std::_Exit(0);
}

// ---- client -----------------------------------------------------------------

struct ClientArgs {
  NodeArgs node;
  std::string server_ip;
  std::vector<std::uint16_t> zts_ports, kernel_ports;  // sink, echo, accept-close
  double seconds = 1;
  int runs = 3;
  std::string only;  // comma-separated subset of tcp1,tcp4,rr,crr; empty: all
  bool kernel = true;
};

bool wanted(const std::string& only, const char* test) {
  if (only.empty()) return true;
  return ("," + only + ",").find(std::string(",") + test + ",") != std::string::npos;
}

void result(const char* key, double zts, double kernel) {
  std::printf("RESULT %s %.3f %.3f\n", key, zts, kernel);
  std::fflush(stdout);
}

[[noreturn]] void run_client(const ClientArgs& a) {
  std::string ip;
  auto node = start_node(a.node, &ip);
  // The first connection: ARP, the peer's identity from the root, a path.
  std::int64_t connected_ns = 0;
  const std::int64_t give_up = now_ns() + 10'000'000'000;
  while (connected_ns == 0 && now_ns() < give_up) {
    const int fd = zts_api().connect_to(a.server_ip, a.zts_ports[2]);
    if (fd < 0) continue;
    connected_ns = now_ns();
    char c;
    zts_api().recv_some(fd, &c, 1);
    zts_api().close_fd(fd);
  }
  if (connected_ns == 0) die("client: no TCP connection to the server within 10 s");
  // The node alone, joined and connected, before the measurements' buffers.
  result("joined_rss_bytes", static_cast<double>(peak_rss_bytes()),
         static_cast<double>(private_rss_bytes()));
  result("start_online_ms", ms_between(node->started_ns(), node->online_ns()), -1);
  result("start_address_ms", ms_between(node->started_ns(), node->ready_ns()), -1);
  result("start_connection_ms", ms_between(node->started_ns(), connected_ns), -1);

  struct Series {
    std::vector<double> tcp1, tcp4, p50, p99, cps;
  };
  std::map<std::string, Series> by_api;
  double zts_bytes = 0;
  const double cpu_before = cpu_seconds();
  for (int run = 0; run < a.runs; ++run) {
    for (SocketApi* api : {&zts_api(), &kernel_api()}) {
      const bool zts = api == &zts_api();
      if (!zts && !a.kernel) continue;
      const std::string target = zts ? a.server_ip : "127.0.0.1";
      const auto& ports = zts ? a.zts_ports : a.kernel_ports;
      Series& s = by_api[api->name()];
      std::fprintf(stderr, "ztperf: run %d/%d over %s\n", run + 1, a.runs, api->name());
      // A measurement left out counts as done, with zeros.
      Throughput t1{.ok = true}, t4{.ok = true};
      Latency rr{.ok = true};
      ConnectionRate cr{.ok = true};
      if (wanted(a.only, "tcp1")) t1 = tcp_throughput(*api, target, ports[0], 1, a.seconds);
      if (wanted(a.only, "tcp4")) t4 = tcp_throughput(*api, target, ports[0], 4, a.seconds);
      const std::uint64_t wakeups_before = node->loop_wakeups();
      if (wanted(a.only, "rr")) rr = request_response(*api, target, ports[1], a.seconds);
      if (zts && rr.samples > 0)
        std::fprintf(stderr, "ztperf: request/response p50 %.0f us, client loop wakeups per exchange %.2f\n",
                     rr.p50_us,
                     static_cast<double>(node->loop_wakeups() - wakeups_before) /
                         static_cast<double>(rr.samples));
      if (wanted(a.only, "crr")) cr = connection_rate(*api, target, ports[2], a.seconds);
      const char* failed = !t1.ok ? "tcp1" : !t4.ok ? "tcp4" : !rr.ok ? "rr" : !cr.ok ? "crr" : nullptr;
      if (failed)
        die(std::string("client: ") + failed + " over " + api->name() + " failed (error " +
            std::to_string(api->last_error()) + ")");
      if (zts) zts_bytes += t1.bytes + t4.bytes;
      s.tcp1.push_back(t1.mb_per_s);
      s.tcp4.push_back(t4.mb_per_s);
      s.p50.push_back(rr.p50_us);
      s.p99.push_back(rr.p99_us);
      s.cps.push_back(cr.per_second);
    }
  }
  const Series& z = by_api["ztsdk"];
  const Series& k = by_api["kernel"];
  result("tcp1_mbps", median(z.tcp1), median(k.tcp1));
  result("tcp4_mbps", median(z.tcp4), median(k.tcp4));
  result("rr_p50_us", median(z.p50), median(k.p50));
  result("rr_p99_us", median(z.p99), median(k.p99));
  result("connections_per_s", median(z.cps), median(k.cps));
  result("zts_bytes", zts_bytes, -1);
  const EmbeddedNode::QueueStats queue = node->queue_stats();
  std::fprintf(stderr, "ztperf: client frame queue: %llu dropped, peak %.1f MB\n",
               static_cast<unsigned long long>(queue.dropped), static_cast<double>(queue.peak_bytes) / 1e6);
  std::string runs;
  for (double v : z.tcp1) runs += " " + std::to_string(static_cast<int>(v));
  std::fprintf(stderr, "ztperf: single-stream runs (MB/s):%s\n", runs.c_str());
  std::printf("RSS %llu CPU %.3f\nDONE\n", static_cast<unsigned long long>(peak_rss_bytes()),
              cpu_seconds() - cpu_before);
  std::fflush(stdout);
  std::_Exit(0);
}

// ---- everything ------------------------------------------------------------------

struct AllArgs {
  double seconds = 1;
  int runs = 3;
  unsigned mtu = 2800;
  bool keep = false;
  std::string only;
  bool no_kernel = false;
  std::size_t loopback_mtu = 0;
};

std::string load_average() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3) return "?";
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %.2f %.2f", l[0], l[1], l[2]);
  return text;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

void print_row(const char* name, double zts, double kernel, int decimals = 0) {
  if (kernel < 0) {
    std::printf("%-38s %10.*f %10s %8s\n", name, decimals, zts, "-", "");
    return;
  }
  std::printf("%-38s %10.*f %10.*f %8.2f\n", name, decimals, zts, decimals, kernel,
              kernel > 0 ? zts / kernel : 0.0);
}

int run_all(const AllArgs& a) {
  char templ[] = "/tmp/ztperf-XXXXXX";
  if (!mkdtemp(templ)) die("cannot make a temporary directory");
  const fs::path dir = templ;
  struct Cleanup {
    fs::path dir;
    bool keep;
    ~Cleanup() {
      std::error_code ec;
      if (!keep) fs::remove_all(dir, ec);
    }
  } cleanup{dir, a.keep};

  const std::string load_before = load_average();
  const std::int64_t t0 = now_ns();
  NetworkSettings settings;
  settings.mtu = a.mtu;
  std::string error;
  auto world = PrivateWorld::create(dir, settings, &error);
  if (!world) die(error);
  const fs::path server_home = world->add_member("server", &error);
  const fs::path client_home = world->add_member("client", &error);
  if (server_home.empty() || client_home.empty()) die(error);
  const std::string nwid = zt::to_hex_u64(world->network_id(), 16);
  std::fprintf(stderr, "ztperf: root, controller and network %s ready in %.0f ms\n", nwid.c_str(),
               ms_between(t0, now_ns()));

  const std::string loopback_mtu = std::to_string(a.loopback_mtu);
  ChildProcess server({"server", "--home", server_home.string(), "--planet",
                       world->planet_file().string(), "--network", nwid, "--loopback-mtu",
                       loopback_mtu});
  if (!server.started()) die("cannot start the server process");
  const std::optional<std::string> ready = server.read_line(kReadyTimeout + 5s);
  const std::vector<std::string> r = ready ? words(*ready) : std::vector<std::string>{};
  if (r.size() != 10 || r[0] != "READY") die("the server did not get ready");

  const auto budget = std::chrono::milliseconds(
      static_cast<std::int64_t>(a.runs * a.seconds * 8 * 1000 * 1.5) + 30000);
  ChildProcess client({"client", "--home", client_home.string(), "--planet",
                       world->planet_file().string(), "--network", nwid, "--loopback-mtu",
                       loopback_mtu, "--server", r[1],
                       "--ports", r[2] + "," + r[3] + "," + r[4], "--kernel-ports",
                       r[5] + "," + r[6] + "," + r[7], "--seconds", std::to_string(a.seconds),
                       "--runs", std::to_string(a.runs), "--only", a.only,
                       a.no_kernel ? "--no-kernel" : "--kernel"});
  if (!client.started()) die("cannot start the client process");
  std::map<std::string, std::pair<double, double>> results;
  double client_rss = 0, client_cpu = 0, server_cpu = 0;
  bool done = false;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  while (!done) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const std::optional<std::string> line = client.read_line(left);
    if (!line) die("the client stopped or ran out of time");
    const std::vector<std::string> w = words(*line);
    if (w.size() == 4 && w[0] == "RESULT") results[w[1]] = {std::stod(w[2]), std::stod(w[3])};
    if (w.size() == 4 && w[0] == "RSS") {
      client_rss = std::stod(w[1]);
      client_cpu = std::stod(w[3]);
    }
    done = !w.empty() && w[0] == "DONE";
  }
  client.wait(5s);
  server.close_stdin();
  double server_rss = 0;
  if (const auto line = server.read_line(5s)) {
    const std::vector<std::string> w = words(*line);
    if (w.size() == 4 && w[0] == "RSS") {
      server_rss = std::stod(w[1]);
      server_cpu = std::stod(w[3]);
    }
  }
  server.wait(5s);

  auto get = [&](const char* key) { return results.count(key) ? results[key] : std::pair(0.0, 0.0); };
  std::printf(
      "ztperf: two processes on this machine. ztsdk = zts_bsd_* sockets on a ZeroTier network\n"
      "(MTU %u; lwIP, VL2 frames, AES-GMAC-SIV, UDP on 127.0.0.1); kernel = TCP on 127.0.0.1\n"
      "between the same two processes. Medians of %d runs of ~%.1f s; MB/s = 10^6 B/s.\n"
      "Load average before: %s, after: %s\n\n",
      a.mtu, a.runs, a.seconds, load_before.c_str(), load_average().c_str());
  std::printf("%-38s %10s %10s %8s\n", "measurement", "ztsdk", "kernel", "ratio");
  print_row("TCP, 1 stream (MB/s)", get("tcp1_mbps").first, get("tcp1_mbps").second);
  print_row("TCP, 4 streams (MB/s)", get("tcp4_mbps").first, get("tcp4_mbps").second);
  print_row("64 B request/response p50 (us)", get("rr_p50_us").first, get("rr_p50_us").second);
  print_row("64 B request/response p99 (us)", get("rr_p99_us").first, get("rr_p99_us").second);
  print_row("connections per second", get("connections_per_s").first,
            get("connections_per_s").second);
  print_row("start to online (ms)", get("start_online_ms").first, -1, 1);
  print_row("start to address (ms)", get("start_address_ms").first, -1, 1);
  print_row("start to first TCP connection (ms)", get("start_connection_ms").first, -1, 1);
  print_row("server: start to address (ms)", std::stod(r[9]), -1, 1);
  print_row("peak RSS, server process (MB)", server_rss / 1e6, -1, 1);
  print_row("peak RSS, client process (MB)", client_rss / 1e6, -1, 1);
  print_row("client joined, before measuring (MB)", get("joined_rss_bytes").first / 1e6, -1, 1);
  print_row("  of which private (anonymous) (MB)", get("joined_rss_bytes").second / 1e6, -1, 1);
  print_row("CPU while measuring, server (s)", server_cpu, -1, 2);
  print_row("CPU while measuring, client (s)", client_cpu, -1, 2);
  // Only the ztsdk throughput tests ran: CPU cost of the data path per MB.
  const double mb = get("zts_bytes").first / 1e6;
  if (a.no_kernel && !wanted(a.only, "rr") && !wanted(a.only, "crr") && mb > 0)
    print_row("CPU per MB, both processes (us)", (server_cpu + client_cpu) / mb * 1e6, -1, 1);
  return 0;
}

std::vector<std::uint16_t> parse_ports(const std::string& text) {
  std::vector<std::uint16_t> out;
  std::istringstream in(text);
  for (std::string p; std::getline(in, p, ',');) out.push_back(static_cast<std::uint16_t>(std::stoul(p)));
  if (out.size() != 3) die("expected three ports: " + text);
  return out;
}

}  // namespace
}  // namespace ztperf

int main(int argc, char** argv) {
  using namespace ztperf;
  CLI::App app{"ztperf: ztsdk TCP throughput, latency, connection rate, start-up and memory, "
               "beside the kernel's TCP on loopback"};
  AllArgs all;
  app.add_option("--seconds", all.seconds, "length of each measurement")->check(CLI::Range(0.1, 30.0));
  app.add_option("--runs", all.runs, "runs of each measurement (medians are printed)")
      ->check(CLI::Range(1, 15));
  app.add_option("--mtu", all.mtu, "the network's MTU")->check(CLI::Range(1280, 10000));
  app.add_flag("--keep", all.keep, "keep the temporary homes");
  app.add_option("--only", all.only, "measure only these: tcp1,tcp4,rr,crr");
  app.add_flag("--no-kernel", all.no_kernel, "skip the kernel's side (for profiling)");
  app.add_option("--loopback-mtu", all.loopback_mtu,
                 "path MTU between the nodes over loopback (1432: fragment as upstream does)");

  NodeArgs server_args;
  CLI::App* server = app.add_subcommand("server", "the serving half (started by ztperf)");
  add_node_options(*server, server_args);

  ClientArgs client_args;
  std::string zts_ports, kernel_ports;
  CLI::App* client = app.add_subcommand("client", "the measuring half (started by ztperf)");
  add_node_options(*client, client_args.node);
  client->add_option("--server", client_args.server_ip)->required();
  client->add_option("--ports", zts_ports)->required();
  client->add_option("--kernel-ports", kernel_ports)->required();
  client->add_option("--seconds", client_args.seconds);
  client->add_option("--runs", client_args.runs);
  client->add_option("--only", client_args.only);
  client->add_flag("--kernel,!--no-kernel", client_args.kernel);
  CLI11_PARSE(app, argc, argv);

  if (server->parsed()) run_server(server_args);
  if (client->parsed()) {
    client_args.zts_ports = parse_ports(zts_ports);
    client_args.kernel_ports = parse_ports(kernel_ports);
    run_client(client_args);
  }
  return run_all(all);
}
